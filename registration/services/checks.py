"""Input and the registration window: what may be registered at all."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from conference.models import Conference, Session

from ..errors import RegistrationError
from ..models import Diet, Sector

DETAIL_FIELDS = (
    "name",
    "organisation",
    "sector",
    "diets",
    "diet_other",
    "accessibility",
    "language",
    "public_listing",
)
LANGUAGES = ("sv", "en")
# What seat-taking needs of a session: its time, title, cap and conference.
SESSION_FIELDS = (
    "conference_id",
    "title",
    "title_en",
    "start",
    "end",
    "capacity",
    "room_id",
    "room__capacity",
)
# A repeated submission within this time is a double click or a retry: no reminder e-mail.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)
_UNSAFE_TEXT = re.compile(r"[<>\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LIMITS = {"name": 200, "organisation": 200, "diet_other": 300, "accessibility": 500}


# Window ---------------------------------------------------------------------------------------


def registration_deadline(conference: Conference) -> datetime:
    """The first moment registration is closed: the end of the `registration_closes` day in the
    conference's time zone, or the conference's end when no date is set."""
    if conference.registration_closes is None:
        return conference.end
    zone = ZoneInfo(conference.time_zone or "Europe/Stockholm")
    next_day = conference.registration_closes + timedelta(days=1)
    return datetime(next_day.year, next_day.month, next_day.day, tzinfo=zone)


def registration_last_day(conference: Conference) -> date:
    """The last day to register, inclusive, in the conference's time zone: how every page and
    e-mail states the deadline (the set date, or the conference's last day when none is set)."""
    if conference.registration_closes is not None:
        return conference.registration_closes
    zone = ZoneInfo(conference.time_zone or "Europe/Stockholm")
    return conference.end.astimezone(zone).date()


def registration_window_state(conference: Conference, now: datetime | None = None) -> str:
    """ "open", "not_open" or "closed"."""
    now = now or timezone.now()
    if conference.registration_opens is not None and now < conference.registration_opens:
        return "not_open"
    if now >= registration_deadline(conference):
        return "closed"
    return "open"


def check_window(conference: Conference, now: datetime) -> None:
    state = registration_window_state(conference, now)
    if state == "not_open":
        raise RegistrationError(
            "registration_not_open",
            _("Registration opens %(when)s.")
            % {
                "when": formats.date_format(
                    timezone.localtime(conference.registration_opens), "DATETIME_FORMAT"
                )
            },
        )
    if state == "closed":
        raise RegistrationError("registration_closed", _("Registration has closed."))


# Input ----------------------------------------------------------------------------------------


def invalid_input(message, field):
    return RegistrationError("invalid_input", message, field)


def _clean_text(value, field, *, required=False):
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise invalid_input(_("Enter text."), field)
    if required and not value:
        raise invalid_input(_("This field is required."), field)
    if len(value) > LIMITS[field]:
        raise invalid_input(
            _("Use at most %(limit)d characters.") % {"limit": LIMITS[field]}, field
        )
    if _UNSAFE_TEXT.search(value):
        raise invalid_input(_("Please leave out the characters < and >."), field)
    return value


def clean_details(fields: dict, *, partial: bool = False) -> dict:
    """Check and normalise a person's details; raise RegistrationError("invalid_input")."""
    cleaned = {}
    if not partial or "name" in fields:
        cleaned["name"] = _clean_text(fields.get("name"), "name", required=True)
    for field in ("organisation", "diet_other", "accessibility"):
        if not partial or field in fields:
            cleaned[field] = _clean_text(fields.get(field), field)
    if not partial or "sector" in fields:
        if fields.get("sector") not in Sector.values:
            raise invalid_input(_("Choose a sector."), "sector")
        cleaned["sector"] = fields["sector"]
    if not partial or "diets" in fields:
        diets = fields.get("diets") or []
        if not isinstance(diets, list | tuple) or any(d not in Diet.values for d in diets):
            raise invalid_input(_("Choose dietary needs from the list."), "diets")
        cleaned["diets"] = sorted(set(diets))
    if not partial or "language" in fields:
        language = fields.get("language") or "sv"
        if language not in LANGUAGES:
            raise invalid_input(_("Choose Swedish or English."), "language")
        cleaned["language"] = language
    if not partial or "public_listing" in fields:
        cleaned["public_listing"] = bool(fields.get("public_listing"))
    return cleaned


def clean_email(email) -> str:
    email = (email or "").strip() if isinstance(email, str) or email is None else ""
    if not email:
        raise invalid_input(_("Enter your e-mail address."), "email")
    try:
        validate_email(email)
    except ValidationError:
        raise invalid_input(_("Enter a valid e-mail address."), "email") from None
    if len(email) > 254:
        raise invalid_input(_("Enter a valid e-mail address."), "email")
    return email


def _ids(values, field):
    try:
        return sorted({int(v) for v in values or ()})
    except (TypeError, ValueError):
        raise RegistrationError(
            "invalid_session" if field == "sessions" else "invalid_meal",
            _("Choose from the list."),
            field,
        ) from None


def resolve_sessions(conference: Conference, session_ids) -> list[Session]:
    ids = _ids(session_ids, "sessions")
    if not ids:
        return []
    sessions = list(
        Session.objects.filter(
            pk__in=ids,
            conference=conference,
            requires_signup=True,
            status=Session.Status.SCHEDULED,
        )
        .select_related("room")
        .only(*SESSION_FIELDS)
        .order_by("start", "pk")
    )
    if len(sessions) != len(ids):
        raise RegistrationError(
            "invalid_session",
            _("One of the chosen workshops is not open for sign-up at this conference."),
            "sessions",
        )
    for earlier, later in zip(sessions, sessions[1:], strict=False):
        if later.start < earlier.end:
            raise RegistrationError(
                "sessions_overlap",
                _("“%(a)s” and “%(b)s” run at the same time; choose one of them.")
                % {"a": earlier.localized("title"), "b": later.localized("title")},
                "sessions",
            )
    return sessions


def resolve_meals(conference: Conference, meal_ids) -> list[Session]:
    ids = _ids(meal_ids, "meals")
    if not ids:
        return []
    meals = list(Session.objects.filter(pk__in=ids, conference=conference, kind=Session.Kind.MEAL))
    if len(meals) != len(ids):
        raise RegistrationError("invalid_meal", _("Choose meals from the list."), "meals")
    return meals
