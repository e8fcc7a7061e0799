"""The evaluation's settings and the organiser's own questions. Times in the conference's time
zone (the view validates with it active)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from impact.models import Evaluation, EvaluationQuestion

from .forms import DATETIME_WIDGET


class EvaluationSettingsForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["is_anonymous", "closes_at"]
        widgets = {"closes_at": DATETIME_WIDGET}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=EvaluationQuestion._meta.get_field("kind").choices
    )
    text = forms.CharField(label=_("Question"), max_length=300)
    text_en = forms.CharField(
        label=_("Question (English)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    choices = forms.CharField(
        label=_("Choices, one per line"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only for one choice and several choices."),
    )
    choices_en = forms.CharField(
        label=_("Choices in English, one per line"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def clean_choices(self):
        return _lines(self.cleaned_data["choices"])

    def clean_choices_en(self):
        return _lines(self.cleaned_data["choices_en"])
