"""The workspace's forms: input only; the rules are in the services they feed."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from checkin.models import BadgeJob
from registration.forms import DetailsForm
from registration.models import Sector


class CorrectForm(DetailsForm):
    """An organiser's correction of a person's details, the address included."""

    email = forms.EmailField(label=_("E-mail"), max_length=254)
    field_order = ["name", "email", "organisation", "sector", "language"]

    def __init__(self, *args, registration, **kwargs):
        initial = {
            "name": registration.name,
            "email": registration.email,
            "organisation": registration.organisation,
            "sector": registration.sector,
            "diets": registration.diets,
            "diet_other": registration.diet_other,
            "accessibility": registration.accessibility,
            "language": registration.language,
            "meals": [m.pk for m in registration.meals.all()],
            "public_listing": registration.public_listing,
        }
        super().__init__(*args, initial=initial, **kwargs)
        if "meals" in self.fields:
            self.fields["meals"].label = _("Meals")
        self.fields["public_listing"].label = _("Shown on the public participant list")


class MoveForm(forms.Form):
    from_session = forms.TypedChoiceField(label=_("From"), coerce=int)
    to_session = forms.TypedChoiceField(label=_("To"), coerce=int)

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.pk, s.localized("title")) for s in sessions]
        self.fields["from_session"].choices = self.fields["to_session"].choices = choices


class MessageForm(forms.Form):
    session = forms.TypedChoiceField(label=_("To"), coerce=int, required=False, empty_value=None)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=10_000, widget=forms.Textarea)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, sessions, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", secrets.token_urlsafe(24))
        super().__init__(*args, **kwargs)
        self.sessions = {s.pk: s for s in sessions}
        self.fields["session"].choices = [("", _("All confirmed attendees"))] + [
            (s.pk, s.localized("title")) for s in sessions
        ]

    def chosen_session(self):
        return self.sessions.get(self.cleaned_data["session"])


class BadgeJobForm(forms.Form):
    kind = forms.ChoiceField(label=_("Layout"), choices=BadgeJob.Kind.choices)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("All"))] + Sector.choices, required=False
    )
    q = forms.CharField(label=_("Name or organisation contains"), required=False, max_length=100)
    since = forms.DateField(label=_("Registered on or after"), required=False)

    def filters(self):
        data = self.cleaned_data
        filters = {key: data[key] for key in ("sector", "q") if data.get(key)}
        if data.get("since"):
            filters["since"] = data["since"].isoformat()
        return filters
