"""Adding a session material: parse; conference.materials checks type, size and link."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conference.models import SessionMaterial


class MaterialForm(forms.Form):
    session = forms.TypedChoiceField(label=_("Session"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(
        label=_("Title (English)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, PowerPoint, Word, Excel, OpenDocument, PNG or JPEG; at most 25 MB."),
    )
    url = forms.CharField(
        label=_("or a link"),
        max_length=500,
        required=False,
        help_text=_("A recording or an article: https://…"),
    )
    visibility = forms.ChoiceField(
        label=_("Visible"),
        choices=SessionMaterial.Visibility.choices,
        widget=forms.RadioSelect,
        initial=SessionMaterial.Visibility.AT_ONCE,
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {s.pk: s for s in sessions}
        self.fields["session"].choices = [(s.pk, s.localized("title")) for s in sessions]

    def chosen_session(self):
        return self.sessions[self.cleaned_data["session"]]
