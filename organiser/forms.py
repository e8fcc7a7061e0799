"""The workspace's own forms: parse and check input; the services in each app do the writing.

Times are typed in the conference's time zone (the one chosen in the same form), so every form
here is validated with that zone active and shows stored times converted to it."""

import secrets
from zoneinfo import ZoneInfo

from django import forms
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from checkin.models import BadgeJob
from conference.models import Conference
from conference.selectors import time_zone_names
from conference.services import CONFERENCE_FIELDS
from registration.forms import DetailsForm
from registration.models import Sector

DEFAULT_TIME_ZONE = "Europe/Stockholm"
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_zone_field():
    return forms.ChoiceField(
        label=capfirst(_("time zone")),
        choices=[(name, name) for name in time_zone_names()],
        initial=DEFAULT_TIME_ZONE,
        help_text=_("Every time in this form is in this time zone."),
    )


class ConferenceFieldsForm(forms.Form):
    """A form of the named fields of Conference, labelled as the model labels them; stored
    times are shown, and typed times read, in the conference's time zone."""

    field_names: tuple = ()

    def __init__(self, *args, conference: Conference | None = None, **kwargs):
        self.zone_name = conference.time_zone if conference else DEFAULT_TIME_ZONE
        if conference is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(conference)
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(
            Conference,
            fields=[n for n in self.field_names if n not in self.fields],
            widgets={
                "start": DATETIME_WIDGET,
                "end": DATETIME_WIDGET,
                "registration_opens": DATETIME_WIDGET,
                "registration_closes": DATE_WIDGET,
                "tagline": forms.TextInput,
                "tagline_en": forms.TextInput,
            },
        )
        self.fields.update(model_fields)
        if "time_zone" in self.field_names:
            self.fields["time_zone"] = _time_zone_field()
        self.order_fields(self.field_names)
        for name in ("start", "end"):
            if name in self.fields:
                self.fields[name].required = True

    def _initial_from(self, conference):
        zone = ZoneInfo(conference.time_zone)
        initial = {}
        for name in self.field_names:
            value = getattr(conference, name, None)
            if hasattr(value, "astimezone") and hasattr(value, "hour"):
                # Naive local time, so the widget shows it in the conference's zone.
                value = value.astimezone(zone).replace(tzinfo=None)
            initial[name] = value
        return initial

    def full_clean(self):
        zone = self.data.get("time_zone") if self.is_bound else None
        if zone not in time_zone_names():
            zone = self.zone_name
        with timezone.override(zone):
            super().full_clean()


class ConferenceCreateForm(ConferenceFieldsForm):
    field_names = (
        "name",
        "name_en",
        "slug",
        "start",
        "end",
        "time_zone",
        "venue_name",
        "venue_address",
        "city",
        "capacity",
        "registration_closes",
    )

    slug = forms.SlugField(
        label=capfirst(_("address name")),
        max_length=60,
        required=False,
        help_text=_(
            "The conference's web address: letters a–z, digits and hyphens. "
            "Leave it empty to make one from the name."
        ),
    )


class ConferenceCopyForm(forms.Form):
    name = forms.CharField(label=capfirst(_("name")), max_length=200)
    name_en = forms.CharField(label=capfirst(_("name (English)")), max_length=200, required=False)
    slug = forms.SlugField(
        label=capfirst(_("address name")),
        max_length=60,
        required=False,
        help_text=_(
            "The conference's web address: letters a–z, digits and hyphens. "
            "Leave it empty to make one from the name."
        ),
    )
    start_date = forms.DateField(
        label=capfirst(_("first day")),
        widget=DATE_WIDGET,
        help_text=_("Every session moves by the same number of days, at the same local times."),
    )


class ConferenceSettingsForm(ConferenceFieldsForm):
    field_names = CONFERENCE_FIELDS


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


class FundingForm(ConferenceFieldsForm):
    field_names = ("funder_statement", "funder_statement_en", "show_eu_emblem")


class FunderLogoForm(forms.Form):
    image = forms.ImageField(
        label=_("Logo"),
        help_text=_("PNG or JPEG, at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    alt_text = forms.CharField(
        label=_("The funder's name (text alternative)"),
        max_length=200,
        help_text=_("Read out by screen readers instead of the logo."),
    )
    alt_text_en = forms.CharField(
        label=_("The funder's name in English"), max_length=200, required=False
    )


class EmbedOriginsForm(ConferenceFieldsForm):
    field_names = ("embed_origins",)


class RetentionForm(ConferenceFieldsForm):
    field_names = ("retention_days",)
