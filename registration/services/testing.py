"""A test registration from the organiser's preview of an unpublished conference."""

from datetime import datetime

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from conference.services import conference_preview_tested

from .. import emails
from ..errors import RegistrationError
from ..models import Registration, Signup
from .checks import clean_details, clean_email, invalid_input, resolve_meals, resolve_sessions


def registration_test_send(
    *,
    conference: Conference,
    organiser,
    email: str,
    consent: bool,
    session_ids=(),
    meal_ids=(),
    waitlist_ok: bool = True,
    privacy_version: int | None = None,
    now: datetime | None = None,
    **details,
) -> EmailMultiAlternatives:
    """Check a registration exactly as `registration_create` does (details, consent, workshops
    and meals), then save nothing: no registration, sign-up, seat, e-mail log or audit entry,
    so a test never counts in seats, lists, reports, exports, catering or badges, and there is
    nothing to remove on publishing. The confirmation e-mail it would get, marked as a test,
    goes to `organiser` only (never to the typed address); the returned message is sent.

    Only for an unpublished conference (`not_a_preview` otherwise) and an organiser with an
    e-mail address (`no_organiser_email`)."""
    now = now or timezone.now()
    if conference.is_published:
        raise RegistrationError(
            "not_a_preview", _("Test registrations are only for a conference not yet published.")
        )
    if not organiser.email:
        raise RegistrationError(
            "no_organiser_email",
            _("Your account has no e-mail address to send the test confirmation to."),
        )
    email = clean_email(email)
    details = clean_details(details)
    if not consent:
        raise invalid_input(_("Please accept the privacy notice to register."), "consent")
    sessions = resolve_sessions(conference, session_ids)
    meals = resolve_meals(conference, meal_ids)
    registration = Registration(
        conference=conference,
        email=email,
        status=Registration.Status.CONFIRMED,
        consented_at=now,
        privacy_version=privacy_version,
        **details,
    )
    signups = [
        Signup(registration=registration, session=session, status=Signup.Status.CONFIRMED)
        for session in sessions
    ]
    message = emails.email_test_build(
        registration=registration,
        signups=signups,
        meals=sorted(meals, key=lambda m: m.start),
        to=organiser.email,
    )
    message.send()
    conference_preview_tested(conference=conference, now=now)
    return message
