"""Changes after registering: details, workshop choices, cancelling, deleting, offers,
and the personal-data export."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Session

from .. import emails, seats
from ..errors import RegistrationError
from ..models import HOLDING, AuditEntry, EmailLog, Registration, Signup
from .checks import (
    check_window,
    clean_details,
    clean_email,
    resolve_meals,
    resolve_sessions,
)
from .waiting import (
    _actor_label,
    _lock_conference,
    _promote_all,
    _signup_take,
    _signups_fill,
    audit,
)


def _details_apply(registration: Registration, cleaned: dict, meal_ids) -> list[str]:
    """Write the cleaned fields and meals that differ; return the names of what changed.
    Caller holds the conference lock inside a transaction."""
    changed = [f for f, v in cleaned.items() if getattr(registration, f) != v]
    for field in changed:
        setattr(registration, field, cleaned[field])
    if changed:
        registration.save(update_fields=[*changed, "updated_at"])
    if meal_ids is not None:
        meals = resolve_meals(registration.conference, meal_ids)
        if {m.pk for m in meals} != set(registration.meals.values_list("pk", flat=True)):
            registration.meals.set(meals)
            changed.append("meals")
    return changed


def registration_update(
    *, registration: Registration, actor=None, meal_ids=None, **fields
) -> Registration:
    """Change a person's details (not the address: that would tell who else is registered)."""
    cleaned = clean_details(fields, partial=True)
    with transaction.atomic():
        _lock_conference(registration.conference_id)
        registration.refresh_from_db()
        if registration.status == Registration.Status.CANCELLED:
            raise RegistrationError(
                "registration_cancelled", _("This registration has been cancelled.")
            )
        changed = _details_apply(registration, cleaned, meal_ids)
        if changed:
            audit(registration=registration, action="details_changed", actor=actor, fields=changed)
    return registration


def registration_correct(
    *, registration: Registration, actor, email=None, meal_ids=None, **fields
) -> list[str]:
    """An organiser corrects a person's details (the address too, and also on a cancelled
    registration), with the same checks as the registration form. All or nothing; returns the
    names of the fields that changed, which the audit entry records (not the values: the trail
    outlives the person's data)."""
    cleaned = clean_details(fields, partial=True)
    if email is not None:
        cleaned["email"] = clean_email(email)
    with transaction.atomic():
        _lock_conference(registration.conference_id)
        registration.refresh_from_db()
        if (
            "email" in cleaned
            and cleaned["email"].lower() != registration.email.lower()
            and Registration.objects.filter(
                conference_id=registration.conference_id, email__iexact=cleaned["email"]
            )
            .exclude(pk=registration.pk)
            .exists()
        ):
            raise RegistrationError(
                "already_registered",
                _("Someone else is registered with this e-mail address."),
                "email",
            )
        changed = _details_apply(registration, cleaned, meal_ids)
        if changed:
            audit(
                registration=registration,
                action="details_corrected",
                actor=actor,
                actor_label="organiser",
                fields=changed,
            )
    return changed


def signups_change(
    *,
    registration: Registration,
    session_ids,
    waitlist_ok: bool = False,
    actor=None,
    by_organiser: bool = False,
    now: datetime | None = None,
) -> list[Signup]:
    """Make `session_ids` the registration's workshop choices, all or nothing.

    Places kept stay as they are; a new workshop that is full raises `session_full` (and the
    old seats are kept) unless `waitlist_ok`, when the person joins its queue instead.
    """
    now = now or timezone.now()
    with transaction.atomic():
        conference = _lock_conference(registration.conference_id)
        registration.refresh_from_db()
        if registration.status == Registration.Status.CANCELLED:
            raise RegistrationError(
                "registration_cancelled", _("This registration has been cancelled.")
            )
        if not by_organiser:
            check_window(conference, now)
        sessions = resolve_sessions(conference, session_ids)
        wanted = {s.pk: s for s in sessions}
        current = {
            s.session_id: s
            for s in registration.signups.exclude(status=Signup.Status.CANCELLED).select_related(
                "session__room"
            )
        }
        freed = []
        for session_id, signup in current.items():
            if session_id not in wanted:
                if signup.status in HOLDING:
                    freed.append(signup.session)
                signup.status = Signup.Status.CANCELLED
                signup.waiting_since = signup.offer_expires_at = None
                signup.save(
                    update_fields=["status", "waiting_since", "offer_expires_at", "updated_at"]
                )
        seats.session_seats_free(
            conference_id=conference.pk, session_ids=[session.pk for session in freed]
        )
        added = [
            _signup_take(
                registration=registration, session=session, waitlist_ok=waitlist_ok, now=now
            )
            for session_id, session in wanted.items()
            if session_id not in current
        ]
        if not added and not freed and len(current) == len(wanted):
            return list(current.values())
        _promote_all(conference=conference, sessions=freed, now=now)
        audit(
            registration=registration,
            action="sessions_changed",
            actor=actor,
            actor_label="organiser" if by_organiser else "attendee",
            removed=sorted(sid for sid in current if sid not in wanted),
            added={str(s.session_id): s.status for s in added},
        )
        emails.email_queue(registration=registration, kind=EmailLog.Kind.UPDATED)
    return list(registration.signups.exclude(status=Signup.Status.CANCELLED))


def signup_swap(
    *, registration: Registration, from_session: Session, to_session: Session, **kwargs
) -> list[Signup]:
    """Move from one workshop to another atomically; the old seat is kept if the new is full."""
    current = set(
        registration.signups.exclude(status=Signup.Status.CANCELLED).values_list(
            "session_id", flat=True
        )
    )
    current.discard(from_session.pk)
    current.add(to_session.pk)
    return signups_change(registration=registration, session_ids=current, **kwargs)


def _cancel_locked(*, conference, registration, now) -> list[Session]:
    freed = []
    for signup in registration.signups.exclude(status=Signup.Status.CANCELLED).select_related(
        "session__room"
    ):
        if signup.status in HOLDING:
            freed.append(signup.session)
        signup.status = Signup.Status.CANCELLED
        signup.waiting_since = signup.offer_expires_at = None
        signup.save(update_fields=["status", "waiting_since", "offer_expires_at", "updated_at"])
    held = registration.status in HOLDING
    registration.status = Registration.Status.CANCELLED
    registration.waiting_since = registration.offer_expires_at = None
    registration.save(update_fields=["status", "waiting_since", "offer_expires_at", "updated_at"])
    seats.conference_seats_free(conference_id=conference.pk, count=int(held))
    seats.session_seats_free(conference_id=conference.pk, session_ids=[s.pk for s in freed])
    return freed


def registration_cancel(
    *, registration: Registration, actor=None, by_organiser=False, notify=True
) -> Registration:
    """Cancel; the freed seats go to the waiting lists at once. Cancelling twice is a no-op."""
    now = timezone.now()
    with transaction.atomic():
        conference = _lock_conference(registration.conference_id)
        registration.refresh_from_db()
        if registration.status == Registration.Status.CANCELLED:
            return registration
        freed = _cancel_locked(conference=conference, registration=registration, now=now)
        _promote_all(conference=conference, sessions=freed, now=now)
        audit(
            registration=registration,
            action="cancelled",
            actor=actor,
            actor_label="organiser" if by_organiser else "attendee",
        )
        if notify:
            emails.email_queue(registration=registration, kind=EmailLog.Kind.CANCELLED)
    return registration


def registration_delete(*, registration: Registration, actor=None) -> None:
    """Erase the person: cancel (so the seat moves on), then delete the row and their sign-ups.
    The audit trail keeps the actions without personal data; e-mail logs lose the address."""
    now = timezone.now()
    with transaction.atomic():
        conference = _lock_conference(registration.conference_id)
        registration.refresh_from_db()
        freed = []
        if registration.status != Registration.Status.CANCELLED:
            freed = _cancel_locked(conference=conference, registration=registration, now=now)
        registration_id = registration.pk
        EmailLog.objects.filter(registration=registration).update(to="", subject="", payload={})
        AuditEntry.objects.create(
            conference=conference,
            registration=None,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_label=_actor_label(actor, "attendee"),
            action="deleted",
            details={"registration": registration_id},
        )
        registration.delete()
        _promote_all(conference=conference, sessions=freed, now=now)


# Offers ---------------------------------------------------------------------------------------


def offer_accept(*, registration: Registration, session: Session | None = None) -> Registration:
    """Take the held seat (of the conference, or of `session`) before the offer expires."""
    now = timezone.now()
    with transaction.atomic():
        _lock_conference(registration.conference_id)
        registration.refresh_from_db()
        if session is None:
            if registration.status != Registration.Status.OFFERED:
                raise RegistrationError("no_offer", _("There is no seat offer to accept."))
            if registration.offer_expires_at <= now:
                raise RegistrationError("offer_expired", _("The offer has expired."))
            registration.status = Registration.Status.CONFIRMED
            registration.offer_expires_at = None
            registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
            _signups_fill(registration=registration, now=now)
        else:
            signup = registration.signups.filter(
                session=session, status=Signup.Status.OFFERED
            ).first()
            if signup is None or registration.status != Registration.Status.CONFIRMED:
                raise RegistrationError("no_offer", _("There is no seat offer to accept."))
            if signup.offer_expires_at <= now:
                raise RegistrationError("offer_expired", _("The offer has expired."))
            signup.status, signup.offer_expires_at = Signup.Status.CONFIRMED, None
            signup.save(update_fields=["status", "offer_expires_at", "updated_at"])
        audit(
            registration=registration,
            action="offer_accepted",
            session=session.pk if session else None,
        )
        emails.email_queue(registration=registration, kind=EmailLog.Kind.CONFIRMATION)
    return registration


def registration_expire_offers(*, now: datetime | None = None) -> int:
    """Expire offers past their time and pass the seats on; return how many expired.

    Idempotent: run it as often as you like (Celery beat runs it every five minutes)."""
    now = now or timezone.now()
    conference_ids = set(
        Registration.objects.filter(
            status=Registration.Status.OFFERED, offer_expires_at__lte=now
        ).values_list("conference_id", flat=True)
    ) | set(
        Signup.objects.filter(status=Signup.Status.OFFERED, offer_expires_at__lte=now).values_list(
            "registration__conference_id", flat=True
        )
    )
    expired = 0
    for conference_id in sorted(conference_ids):
        with transaction.atomic():
            conference = _lock_conference(conference_id)
            freed = []
            for registration in Registration.objects.filter(
                conference=conference, status=Registration.Status.OFFERED, offer_expires_at__lte=now
            ):
                freed += _cancel_locked(conference=conference, registration=registration, now=now)
                audit(registration=registration, action="offer_expired", actor_label="system")
                emails.email_queue(registration=registration, kind=EmailLog.Kind.OFFER_EXPIRED)
                expired += 1
            for signup in Signup.objects.filter(
                registration__conference=conference,
                status=Signup.Status.OFFERED,
                offer_expires_at__lte=now,
            ).select_related("registration", "session__room"):
                signup.status, signup.offer_expires_at = Signup.Status.CANCELLED, None
                signup.save(update_fields=["status", "offer_expires_at", "updated_at"])
                seats.session_seats_free(
                    conference_id=conference.pk, session_ids=[signup.session_id]
                )
                freed.append(signup.session)
                audit(
                    registration=signup.registration,
                    action="session_offer_expired",
                    actor_label="system",
                    session=signup.session_id,
                )
                emails.email_queue(
                    registration=signup.registration,
                    kind=EmailLog.Kind.OFFER_EXPIRED,
                    session=signup.session,
                )
                expired += 1
            _promote_all(conference=conference, sessions=freed, now=now)
    return expired


# Personal data --------------------------------------------------------------------------------


def registration_export(*, registration: Registration) -> dict:
    """Everything Samla holds about the person, for the GDPR right of access."""
    from .questions import answer_text

    return {
        "conference": {"slug": registration.conference.slug, "name": registration.conference.name},
        "status": registration.status,
        "name": registration.name,
        "email": registration.email,
        "organisation": registration.organisation,
        "sector": registration.sector,
        "diets": registration.diets,
        "diet_other": registration.diet_other,
        "accessibility": registration.accessibility,
        "language": registration.language,
        "public_listing": registration.public_listing,
        "consented_at": registration.consented_at.isoformat(),
        "privacy_version": registration.privacy_version,
        "waiting_since": registration.waiting_since.isoformat()
        if registration.waiting_since
        else None,
        "offer_expires_at": registration.offer_expires_at.isoformat()
        if registration.offer_expires_at
        else None,
        "created_at": registration.created_at.isoformat(),
        "updated_at": registration.updated_at.isoformat(),
        "meals": [m.title for m in registration.meals.order_by("start")],
        "sessions": [
            {
                "title": s.session.title,
                "start": s.session.start.isoformat(),
                "status": s.status,
            }
            for s in registration.signups.select_related("session")
        ],
        "answers": [
            {
                "question": answer.question.text,
                "answer": answer_text(answer.question, answer.value, registration.language),
            }
            for answer in registration.answers.select_related("question").order_by(
                "question__position", "question_id"
            )
        ],
        "emails": [
            {
                "kind": log.kind,
                "subject": log.subject,
                "status": log.status,
                "at": log.created_at.isoformat(),
            }
            for log in registration.email_logs.all()
        ],
        "history": [
            {"action": a.action, "by": a.actor_label, "at": a.at.isoformat()}
            for a in registration.audit_entries.all()
        ],
    }
