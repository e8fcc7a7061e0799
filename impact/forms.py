"""The attendee's evaluation forms: parse and check input; impact.evaluation saves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registration.models import QuestionKind

from .models import EvaluationQuestion, EvaluationResponse

SCALE = [(n, str(n)) for n in range(1, 6)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class EvaluationForm(forms.Form):
    value = forms.TypedChoiceField(
        label=EvaluationResponse._meta.get_field("value").verbose_name,
        help_text=_("1 = not at all, 5 = very."),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    learned = forms.ChoiceField(
        label=EvaluationResponse._meta.get_field("learned").verbose_name,
        choices=EvaluationResponse.Learned.choices,
        widget=forms.RadioSelect,
    )
    contacts = forms.IntegerField(
        label=EvaluationResponse._meta.get_field("contacts").verbose_name,
        min_value=0,
        max_value=500,
    )
    cooperate = forms.TypedChoiceField(
        label=EvaluationResponse._meta.get_field("cooperate").verbose_name,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    different = forms.CharField(
        label=EvaluationResponse._meta.get_field("different").verbose_name,
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, questions: list[EvaluationQuestion], answer=None, **kwargs):
        if answer is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "value": answer.value,
                "learned": answer.learned,
                "contacts": answer.contacts,
                "cooperate": "yes" if answer.cooperate else "no",
                "different": answer.different,
                **{f"q{k}": v for k, v in answer.answers.items()},
            }
            for q in questions:
                if q.kind == QuestionKind.YES_NO and f"q{q.pk}" in kwargs["initial"]:
                    kwargs["initial"][f"q{q.pk}"] = "yes" if answer.answers[str(q.pk)] else "no"
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q{q.pk}"] = self._field(q)

    @staticmethod
    def _field(q: EvaluationQuestion):
        label, required = q.localized("text"), q.required
        choices = list(zip(q.choices, q.localized("choices"), strict=False))
        if q.kind == QuestionKind.SINGLE:
            return forms.ChoiceField(
                label=label, required=required, choices=choices, widget=forms.RadioSelect
            )
        if q.kind == QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                label=label,
                required=required,
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
            )
        if q.kind == QuestionKind.NUMBER:
            return forms.IntegerField(label=label, required=required, min_value=0)
        if q.kind == QuestionKind.YES_NO:
            return forms.ChoiceField(
                label=label, required=required, choices=YES_NO, widget=forms.RadioSelect
            )
        return forms.CharField(label=label, required=required, max_length=1000)

    def own_answers(self) -> dict:
        answers = {}
        for q in self.questions:
            value = self.cleaned_data.get(f"q{q.pk}")
            if value in (None, "", []):
                continue
            answers[str(q.pk)] = value == "yes" if q.kind == QuestionKind.YES_NO else value
        return answers


class SessionFeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the session?"),
        help_text=_("1 = poor, 5 = excellent."),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
