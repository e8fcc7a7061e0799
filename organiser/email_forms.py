"""The scheduled e-mail (rule) form. Times are typed in the conference's time zone: the view
validates it with that zone active. The service `impact.rules.rule_save` checks and saves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from impact.models import EmailRule

from .forms import DATETIME_WIDGET


class EmailRuleForm(forms.ModelForm):
    attachments = forms.MultipleChoiceField(
        label=_("Attach"),
        choices=EmailRule.Attachment.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = EmailRule
        fields = [
            "name",
            "is_active",
            "timing",
            "send_at",
            "offset",
            "unit",
            "audience",
            "session",
            "subject",
            "subject_en",
            "body",
            "body_en",
            "attachments",
        ]
        widgets = {
            "send_at": DATETIME_WIDGET,
            "timing": forms.RadioSelect,
            "subject_en": forms.TextInput(attrs={"lang": "en"}),
            "body_en": forms.Textarea(attrs={"lang": "en"}),
        }
        help_texts = {
            "send_at": _("Only for “At a date and time”."),
            "offset": _("For “before the start” and “after the end”: how many days or hours."),
            "session": _("Only for “Those holding a place in a session”."),
            "subject_en": _("Empty: English speakers get the Swedish text."),
        }

    def __init__(self, *args, conference, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.conference = conference
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: s.localized("title")
        self.fields["body"].help_text = _("Placeholders such as {name} are listed below the form.")

    def clean(self):
        # Said at the field (the model's constraints would say it for the whole form).
        data = super().clean()
        if data.get("timing") == EmailRule.Timing.AT and not data.get("send_at"):
            self.add_error("send_at", _("Give the date and time to send at."))
        if data.get("audience") == EmailRule.Audience.SESSION and not data.get("session"):
            self.add_error("session", _("Choose the session."))
        return data
