"""Colleagues registered together, and a seat handed over to a colleague."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from conference.selectors import privacy_version_current

from .. import emails
from ..errors import RegistrationError
from ..models import EmailLog, Registration, Signup
from .checks import check_window, clean_details, clean_email, invalid_input
from .registering import registration_create
from .waiting import _lock_conference, audit

# A group is a handful of colleagues, not a mailing list.
GROUP_MAX = 20


def group_register(
    *,
    conference: Conference,
    booker: dict,
    colleagues: list[dict],
    consent: bool,
    waitlist_ok: bool = False,
    actor=None,
    now: datetime | None = None,
) -> list[Registration]:
    """Register the booker and her colleagues in ONE transaction: all of them or none.

    `booker` and each colleague are registration_create's keyword arguments (email, name,
    organisation, sector, session_ids ...). Every member is counted against the conference's
    cap and each workshop's cap as one registration is; when one of them finds no seat (and
    `waitlist_ok` is false) the whole group is refused with `conference_full`/`session_full`
    and nothing is saved. An address already registered refuses the group too
    (`colleague_already_registered`), so a group never silently holds someone else's seat.
    Each member gets her own private link and e-mail (after commit)."""
    now = now or timezone.now()
    members = [booker, *colleagues]
    if not colleagues:
        raise invalid_input(_("Add at least one colleague."), "colleagues")
    if len(members) > GROUP_MAX:
        raise invalid_input(
            _("A group can have at most %(count)d people.") % {"count": GROUP_MAX}, "colleagues"
        )
    emails_seen = [clean_email(member.get("email", "")) for member in members]
    if len(set(emails_seen)) != len(emails_seen):
        raise invalid_input(_("Each colleague needs her own e-mail address."), "colleagues")
    registrations = []
    with transaction.atomic():
        for index, member in enumerate(members):
            fields = {k: v for k, v in member.items() if k not in ("consent", "waitlist_ok")}
            registration, created = registration_create(
                conference=conference,
                consent=consent,
                waitlist_ok=waitlist_ok,
                actor=actor,
                now=now,
                **fields,
            )
            if not created:
                raise RegistrationError(
                    "colleague_already_registered",
                    _("%(email)s is already registered.") % {"email": emails_seen[index]},
                    "colleagues",
                )
            registrations.append(registration)
        first, rest = registrations[0], registrations[1:]
        Registration.objects.filter(pk__in=[r.pk for r in rest]).update(
            source=Registration.Source.GROUP, booked_by=first, updated_at=timezone.now()
        )
        for registration in rest:
            registration.source, registration.booked_by = Registration.Source.GROUP, first
        audit(
            registration=first,
            action="group.registered",
            actor=actor,
            colleagues=[r.pk for r in rest],
        )
    return registrations


def group_of(registration: Registration) -> list[Registration]:
    """The colleagues a person registered (for her private link), oldest first."""
    return list(registration.colleagues.order_by("created_at", "id"))


def registration_substitute(
    *,
    registration: Registration,
    name: str,
    email: str,
    organisation: str | None = None,
    sector: str | None = None,
    language: str | None = None,
    actor=None,
    on_the_day: bool = False,
    now: datetime | None = None,
) -> Registration:
    """Hand a confirmed seat to a colleague; return her new registration.

    Under the conference's seat lock: a new registration takes over the seat and every
    workshop choice (the sign-up rows move, in every status), the old one is cancelled without
    freeing anything, so the seat counters do not change and no waiting list moves. Nothing
    else moves: the newcomer's dietary and accessibility needs, meals and answers start empty
    (organisation and sector default to the old ones: a colleague). The newcomer gets her own
    private link and e-mail; both registrations' change logs record the hand-over. The old
    badge stops working because its registration is cancelled (checkin revokes the code).

    Before the registration deadline for the attendee; `on_the_day` (the desk, an organiser)
    also after it."""
    now = now or timezone.now()
    email = clean_email(email)
    details = clean_details(
        {
            "name": name,
            "organisation": registration.organisation if organisation is None else organisation,
            "sector": sector or registration.sector,
            "language": language or registration.language,
        }
    )
    with transaction.atomic():
        conference = _lock_conference(registration.conference_id)
        old = Registration.objects.select_for_update().get(pk=registration.pk)
        if old.status != Registration.Status.CONFIRMED:
            raise RegistrationError(
                "not_confirmed", _("Only a confirmed seat can be handed to a colleague.")
            )
        if not on_the_day:
            check_window(conference, now)
        if Registration.objects.filter(conference=conference, email__iexact=email).exists():
            raise RegistrationError(
                "already_registered", _("This e-mail address is already registered."), "email"
            )
        new = Registration.objects.create(
            conference=conference,
            email=email,
            status=Registration.Status.CONFIRMED,
            consented_at=now,
            privacy_version=privacy_version_current(),
            source=Registration.Source.SUBSTITUTE,
            booked_by=old.booked_by,
            **details,
        )
        moved = list(
            old.signups.exclude(status=Signup.Status.CANCELLED).values_list("session_id", flat=True)
        )
        Signup.objects.filter(registration=old, session_id__in=moved).update(
            registration=new, updated_at=timezone.now()
        )
        # The seat moved with the sign-ups: cancel without freeing it.
        old.status = Registration.Status.CANCELLED
        old.save(update_fields=["status", "updated_at"])
        label = "organiser" if on_the_day else "attendee"
        audit(
            registration=old,
            action="seat.handed_over",
            actor=actor,
            actor_label=label,
            to=new.pk,
            sessions=moved,
        )
        audit(
            registration=new,
            action="seat.taken_over",
            actor=actor,
            actor_label=label,
            **{"from": old.pk, "sessions": moved},
        )
        emails.email_queue(registration=new, kind=EmailLog.Kind.CONFIRMATION)
    registration.refresh_from_db()
    return new
