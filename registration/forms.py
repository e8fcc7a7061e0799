from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from conference.selectors import privacy_version_current

from .models import Diet, QuestionKind, Sector
from .services import LIMITS
from .services.questions import ANSWER_TEXT_MAX, NUMBER_LIMIT


class DetailsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=LIMITS["name"])
    organisation = forms.CharField(
        label=_("Organisation"), max_length=LIMITS["organisation"], required=False
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, widget=forms.RadioSelect)
    diets = forms.MultipleChoiceField(
        label=_("Dietary needs"),
        choices=Diet.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    diet_other = forms.CharField(
        label=_("Other dietary needs"), max_length=LIMITS["diet_other"], required=False
    )
    accessibility = forms.CharField(
        label=_("Accessibility needs"),
        max_length=LIMITS["accessibility"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example step-free access, a hearing loop or an assistant."),
    )
    language = forms.ChoiceField(
        label=_("Language for e-mails"),
        choices=[("sv", _("Swedish")), ("en", _("English"))],
        widget=forms.RadioSelect,
    )
    meals = forms.TypedMultipleChoiceField(
        label=_("Meals I will take"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    public_listing = forms.BooleanField(
        label=_("Show my name and organisation on the public participant list"), required=False
    )

    def __init__(self, *args, meals=(), questions=(), **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("language", (translation.get_language() or "sv")[:2])
        super().__init__(*args, **kwargs)
        self.fields["meals"].choices = [
            (m.pk, f"{m.localized('title')}, {_date(m.start)}") for m in meals
        ]
        if not meals:
            del self.fields["meals"]
        self.questions = list(questions)
        for question in self.questions:
            self.fields[question_field(question)] = _question_field(question)

    def question_fields(self):
        return [self[question_field(q)] for q in self.questions]

    def answers(self) -> dict[int, object]:
        """The cleaned answers by question id (None: not answered)."""
        return {
            q.pk: _answer_value(q, self.cleaned_data.get(question_field(q))) for q in self.questions
        }


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def question_field(question) -> str:
    return f"question_{question.pk}"


def question_initial(question, value):
    """A stored answer as the form field's initial value."""
    if value is None:
        return None
    if question.kind == QuestionKind.YES_NO:
        return "yes" if value else "no"
    return value


def _answer_value(question, value):
    if question.kind == QuestionKind.YES_NO:
        return {"yes": True, "no": False}.get(value)
    if value in ("", []):
        return None
    return value


def _question_field(question) -> forms.Field:
    label = question.localized("text")
    required = question.required
    choices = list(enumerate(question.choice_labels()))
    if question.kind == QuestionKind.SINGLE:
        widget = forms.RadioSelect if len(choices) <= 8 else forms.Select
        if widget is forms.Select:
            choices = [("", "—"), *choices]
        return forms.TypedChoiceField(
            label=label,
            choices=choices,
            coerce=int,
            required=required,
            widget=widget,
            empty_value=None,
        )
    if question.kind == QuestionKind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            label=label,
            choices=choices,
            coerce=int,
            required=required,
            widget=forms.CheckboxSelectMultiple,
        )
    if question.kind == QuestionKind.NUMBER:
        return forms.IntegerField(
            label=label,
            required=required,
            min_value=-(NUMBER_LIMIT - 1),
            max_value=NUMBER_LIMIT - 1,
        )
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(
            label=label, choices=YES_NO, required=required, widget=forms.RadioSelect
        )
    return forms.CharField(label=label, required=required, max_length=ANSWER_TEXT_MAX)


def _date(moment):
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class SessionChoiceMixin:
    def setup_sessions(self, sessions):
        self.fields["sessions"].choices = [(s.pk, s.localized("title")) for s in sessions]
        if not sessions:
            del self.fields["sessions"]


class RegistrationForm(SessionChoiceMixin, DetailsForm):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    sessions = forms.TypedMultipleChoiceField(
        label=_("Workshops"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    waitlist_ok = forms.BooleanField(
        label=_("If the conference or a workshop I choose is full, put me on its waiting list"),
        required=False,
        initial=True,
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Please accept the privacy notice to register.")},
    )
    privacy_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    field_order = ["name", "email", "organisation", "sector"]

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_sessions(sessions)
        self.current_privacy_version = privacy_version_current()
        self.fields["privacy_version"].initial = self.current_privacy_version
        self.fields["consent"].label = _(
            "I have read the privacy notice (version %(version)s): my details are used only "
            "for this conference"
        ) % {"version": self.current_privacy_version}
        self.fields["consent"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("site:privacy"), _("Read the privacy notice")
        )

    def clean_privacy_version(self):
        version = self.cleaned_data["privacy_version"]
        if version is None:  # a form posted without it (a script): the notice as it is now
            return self.current_privacy_version
        if version != self.current_privacy_version:
            raise forms.ValidationError(
                _(
                    "The privacy notice has changed since this page was opened. Read the new "
                    "version and tick the box again."
                ),
                code="privacy_changed",
            )
        return version


class SessionsForm(SessionChoiceMixin, forms.Form):
    sessions = forms.TypedMultipleChoiceField(
        label=_("Workshops"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    waitlist_ok = forms.BooleanField(
        label=_("If a new workshop is full, put me on its waiting list instead"),
        required=False,
    )

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_sessions(sessions)
        if "sessions" not in self.fields:
            self.fields["sessions"] = forms.TypedMultipleChoiceField(required=False, coerce=int)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I am sure"),
        error_messages={"required": _("Tick the box to confirm.")},
    )
