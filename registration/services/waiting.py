"""Locks, the audit trail and the waiting lists: who gets a seat that becomes free."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference, Session

from .. import emails, seats
from ..errors import RegistrationError
from ..models import HOLDING, AuditEntry, EmailLog, Registration, SeatStatus, Signup

# Locks, counts, audit -------------------------------------------------------------------------


def _lock_conference(conference_id: int) -> Conference:
    """Lock the conference's seat counter (the first step of every seat change but
    registering) and return the conference as it is now."""
    seats.seat_counter_lock(conference_id=conference_id)
    return Conference.objects.get(pk=conference_id)


def conference_seats_taken(conference: Conference) -> int:
    return Registration.objects.filter(conference=conference, status__in=HOLDING).count()


def session_seats_taken(session: Session) -> int:
    return Signup.objects.filter(session=session, status__in=HOLDING).count()


def _take_session_seat(session: Session) -> bool:
    return seats.session_seat_take(conference_id=session.conference_id, session_id=session.pk)


def _actor_label(actor, default):
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()[:100]
    return default


def audit(*, registration, action, actor=None, actor_label="attendee", conference=None, **details):
    return AuditEntry.objects.create(
        conference_id=conference.pk if conference else registration.conference_id,
        registration=registration,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor, actor_label),
        action=action,
        details=details,
    )


# Seats in sessions ----------------------------------------------------------------------------


def _signup_take(
    *, registration: Registration, session: Session, waitlist_ok: bool, now: datetime
) -> Signup:
    """Give `registration` a seat in `session`, or a place in its queue. Caller holds the
    conference counter lock and has no holding sign-up for `session`."""
    signup = Signup.objects.filter(registration=registration, session=session).first()
    if signup is None:
        signup = Signup(registration=registration, session=session)
    if registration.status == Registration.Status.CONFIRMED and _take_session_seat(session):
        signup.status, signup.waiting_since = Signup.Status.CONFIRMED, None
    elif waitlist_ok or registration.status != Registration.Status.CONFIRMED:
        signup.status, signup.waiting_since = Signup.Status.WAITING, now
    else:
        raise RegistrationError(
            "session_full",
            _("“%(title)s” is full.") % {"title": session.localized("title")},
            "sessions",
        )
    signup.offer_expires_at = None
    signup.save()
    return signup


def _signups_fill(*, registration: Registration, now: datetime) -> list[Signup]:
    """After `registration` got its conference seat: seat it in the workshops it waits for."""
    filled = []
    for signup in registration.signups.filter(status=Signup.Status.WAITING).select_related(
        "session__room"
    ):
        if _take_session_seat(signup.session):
            signup.status, signup.waiting_since = Signup.Status.CONFIRMED, None
            signup.save(update_fields=["status", "waiting_since", "updated_at"])
            filled.append(signup)
    return filled


def _seat_hand_over(holder, *, conference: Conference, now: datetime) -> str:
    """Give a freed seat to `holder` (a Registration or a Signup, both with SeatStatus): a held
    offer in "offer" mode, else confirmed at once. Saves it; returns the e-mail kind to send."""
    holder.waiting_since = None
    if conference.waitlist_mode == Conference.WaitlistMode.OFFER:
        holder.status = SeatStatus.OFFERED
        holder.offer_expires_at = now + timedelta(hours=conference.offer_hours)
        kind = EmailLog.Kind.OFFER
    else:
        holder.status = SeatStatus.CONFIRMED
        kind = EmailLog.Kind.PROMOTED
    holder.save(update_fields=["status", "waiting_since", "offer_expires_at", "updated_at"])
    return kind


def _promote_session(*, conference: Conference, session: Session, now: datetime) -> None:
    """Give each free seat of `session` to the first in its queue who holds a conference seat."""
    while True:
        signup = (
            Signup.objects.filter(
                session=session,
                status=Signup.Status.WAITING,
                registration__status=Registration.Status.CONFIRMED,
            )
            .select_related("registration")
            .order_by("waiting_since", "id")
            .first()
        )
        if signup is None or not _take_session_seat(session):
            return
        kind = _seat_hand_over(signup, conference=conference, now=now)
        audit(
            registration=signup.registration,
            action=f"session_{signup.status}",
            actor_label="system",
            session=session.pk,
        )
        emails.email_queue(registration=signup.registration, kind=kind, session=session)


def _promote_conference(*, conference: Conference, now: datetime) -> None:
    while True:
        registration = (
            Registration.objects.filter(conference=conference, status=Registration.Status.WAITING)
            .order_by("waiting_since", "id")
            .first()
        )
        if registration is None or not seats.conference_seat_take(conference_id=conference.pk):
            return
        kind = _seat_hand_over(registration, conference=conference, now=now)
        audit(registration=registration, action=registration.status, actor_label="system")
        if registration.status == Registration.Status.CONFIRMED:
            _signups_fill(registration=registration, now=now)
        emails.email_queue(registration=registration, kind=kind)


def _promote_all(*, conference: Conference, sessions, now: datetime) -> None:
    """Hand out the seats just freed: the conference's first, so newly seated people can also
    join the workshop queues in the order they waited."""
    _promote_conference(conference=conference, now=now)
    for session in sessions:
        _promote_session(conference=conference, session=session, now=now)


def seats_hand_out(*, conference_id: int, session_ids=()) -> None:
    """Give seats that became free without a cancel (an organiser raised a cap, a session got a
    bigger room) to the waiting lists, first come first served, as a cancel would: confirmed at
    once or offered, with the e-mail. Under the counter lock; a cap lowered frees nothing and
    nobody loses a seat."""
    now = timezone.now()
    with transaction.atomic():
        conference = _lock_conference(conference_id)
        sessions = Session.objects.filter(
            pk__in=list(session_ids), conference_id=conference_id, requires_signup=True
        ).order_by("pk")
        _promote_all(conference=conference, sessions=list(sessions), now=now)
