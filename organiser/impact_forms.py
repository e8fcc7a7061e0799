"""Forms of the workspace's after-the-conference areas: registration questions, attendance
(head counts and marks by hand) and certificates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registration.models import QuestionKind


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of question"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Question in Swedish"), max_length=300)
    text_en = forms.CharField(label=_("Question in English"), max_length=300, required=False)
    choices = forms.CharField(
        label=_("Choices in Swedish"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One choice per line. Only for questions with one or several choices."),
    )
    choices_en = forms.CharField(
        label=_("Choices in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, in the same order as the Swedish ones, or leave it empty."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The kind stays: answers already given are stored in the kind's form.
            del self.fields["kind"]

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "text_en": data["text_en"],
            "choices": _lines(data["choices"]),
            "choices_en": _lines(data["choices_en"]),
            "required": data["required"],
        }


class HeadCountForm(forms.Form):
    session = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    count = forms.IntegerField(
        label=_("People counted"), min_value=0, max_value=100_000, required=False
    )


class MarkForm(forms.Form):
    registration = forms.TypedChoiceField(label=_("Person"), coerce=int)
    where = forms.ChoiceField(label=_("Present at"))

    def __init__(self, *args, people=(), places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration"].choices = [("", "—"), *people]
        self.fields["where"].choices = [("", "—"), *places]


class CertificateSettingsForm(forms.Form):
    issuer = forms.CharField(
        label=_("Issued by"),
        max_length=200,
        required=False,
        help_text=_("Blank: the organisation named in the site profile."),
    )
    signer_name = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    signer_title = forms.CharField(label=_("Signer's role"), max_length=200, required=False)
    signer_title_en = forms.CharField(
        label=_("Signer's role (English)"), max_length=200, required=False
    )
    logo = forms.ImageField(label=_("Logo"), required=False)
    signature = forms.ImageField(
        label=_("Signature image"),
        required=False,
        help_text=_("A scanned signature on a white or transparent background (PNG or JPEG)."),
    )
