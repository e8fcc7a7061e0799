"""Registering: the hot path (see registration.register_sql for its one-statement form)."""

from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from conference.selectors import conference_get_published, privacy_version_current

from .. import emails, register_sql, seats
from ..errors import RegistrationError
from ..models import EmailLog, Registration, Signup
from .checks import (
    DETAIL_FIELDS,
    DOUBLE_SUBMIT_WINDOW,
    _ids,
    check_window,
    clean_details,
    clean_email,
    invalid_input,
    resolve_meals,
    resolve_sessions,
)
from .waiting import audit

# Registering ----------------------------------------------------------------------------------


def registration_arguments(data: dict, *, waitlist_field: str = "waitlist_ok") -> dict:
    """registration_create's keyword arguments from a form's or a serializer's cleaned data."""
    return {
        "email": data["email"],
        "consent": data["consent"],
        "session_ids": data.get("sessions", []),
        "meal_ids": data.get("meals", []),
        "waitlist_ok": data[waitlist_field],
        "privacy_version": data.get("privacy_version"),
        **{key: data[key] for key in DETAIL_FIELDS if key in data},
    }


def registration_create(
    *,
    conference: Conference | None = None,
    conference_slug: str | None = None,
    email: str,
    consent: bool,
    session_ids=(),
    meal_ids=(),
    waitlist_ok: bool = True,
    actor=None,
    by_organiser: bool = False,
    now: datetime | None = None,
    privacy_version: int | None = None,
    **details,
) -> tuple[Registration, bool]:
    """Register a person; return (registration, created).

    An address already registered at the conference (case-insensitive) gets the same
    registration back with created=False and nothing changed, so a double click or a retry
    never makes a second one; callers must answer both cases alike, so that the reply does not
    reveal whether someone else's address is registered. Its holder gets a reminder e-mail with
    the private link (not for a repeat within minutes). Organisers get `already_registered`.

    When the conference or a chosen workshop is full, the person joins its waiting list if
    `waitlist_ok`, else `conference_full` / `session_full` is raised and nothing is saved.

    Seats are taken last, right before COMMIT (see the module docstring); `conference` may be
    a few moments old: the window is checked against it, the caps are read by the UPDATEs.
    Instead of `conference`, the public API names a published one by `conference_slug`.

    On PostgreSQL the common case (a new address, the waiting list welcome) is one statement
    (registration.register_sql); whatever it does not cover takes the general path below.
    """
    now = now or timezone.now()
    email = clean_email(email)
    details = clean_details(details)
    if not consent:
        raise invalid_input(_("Please accept the privacy notice to register."), "consent")
    # The version the person was shown (the form carries it); API clients accept the current one.
    privacy_version = privacy_version or privacy_version_current()
    if waitlist_ok and not by_organiser and register_sql.available():
        answer = _registration_create_fast(
            conference=conference,
            conference_slug=conference_slug,
            email=email,
            details=details,
            session_ids=session_ids,
            meal_ids=meal_ids,
            now=now,
            privacy_version=privacy_version,
        )
        if answer is not None:
            return answer
    if conference is None:
        conference = conference_get_published(slug=conference_slug)
    if not by_organiser:
        check_window(conference, now)
    sessions = resolve_sessions(conference, session_ids)
    meals = resolve_meals(conference, meal_ids)
    # Insert first and let the unique address constraint find a known address: that saves
    # the lookup on every new registration, and a concurrent double submission lands here too.
    existing = None
    for _attempt in range(3):
        if existing is not None and existing.status != Registration.Status.CANCELLED:
            if by_organiser:
                break
            return _registration_known(existing, now=now), False
        try:
            registration = _registration_insert(
                conference=conference,
                existing=existing,
                email=email,
                details=details,
                sessions=sessions,
                meals=meals,
                waitlist_ok=waitlist_ok,
                actor=actor,
                by_organiser=by_organiser,
                now=now,
                privacy_version=privacy_version,
            )
        except IntegrityError:
            existing = Registration.objects.filter(
                conference=conference, email__iexact=email
            ).first()
        else:
            return registration, True
    raise RegistrationError(
        "already_registered", _("This e-mail address is already registered."), "email"
    )


def _registration_create_fast(
    *, conference, conference_slug, email, details, session_ids, meal_ids, now, privacy_version
) -> tuple[Registration, bool] | None:
    try:
        session_ids, meal_ids = _ids(session_ids, "sessions"), _ids(meal_ids, "meals")
    except RegistrationError:
        return None  # the general path raises it, after the checks that come first
    created = register_sql.registration_create(
        conference_id=conference.pk if conference is not None else None,
        slug=conference_slug,
        email=email,
        details=details,
        session_ids=session_ids,
        meal_ids=meal_ids,
        now=now,
        privacy_version=privacy_version,
    )
    if created is None:
        return None
    registration, log_id = created
    if log_id is None:
        return _registration_known(registration, now=now), False
    if conference is not None:
        registration.conference = conference
    transaction.on_commit(partial(emails.email_dispatch, log_id))
    return registration, True


def _registration_known(existing: Registration, *, now: datetime) -> Registration:
    """An address registered again by its owner (or someone else: the answer is the same).
    Nothing changes; the address gets its private link again, unless this is a repeat within
    minutes (a double click, a retry)."""
    if existing.updated_at < now - DOUBLE_SUBMIT_WINDOW:
        with transaction.atomic():
            emails.email_queue(registration=existing, kind=EmailLog.Kind.REMINDER)
    return existing


def _has_room(taken, cap) -> bool:
    return cap is None or taken < cap


def _registration_insert(
    *,
    conference,
    existing,
    email,
    details,
    sessions,
    meals,
    waitlist_ok,
    actor,
    by_organiser,
    now,
    privacy_version,
) -> Registration:
    # Guess each status from the counters as they are now, write the rows with it, and take
    # the seats last; the rare wrong guess is corrected by `_seats_settle`.
    counters = seats.seat_counters_get(
        conference_id=conference.pk, session_ids=[s.pk for s in sessions]
    )
    confirm = not waitlist_ok or _has_room(counters[None], conference.capacity)
    with transaction.atomic():
        registration = existing or Registration(conference=conference)
        if existing is not None:
            # Rare: coming back after a cancel. Lock first, as cancels and deletions do, so that
            # none of them waits on this row while this waits on the counter.
            seats.seat_counter_lock(conference_id=conference.pk)
            registration.signups.all().delete()  # all cancelled with the registration
        registration.email = email
        for field, value in details.items():
            setattr(registration, field, value)
        registration.consented_at = now
        registration.privacy_version = privacy_version
        registration.offer_expires_at = None
        if confirm:
            registration.status, registration.waiting_since = Registration.Status.CONFIRMED, None
        else:
            registration.status, registration.waiting_since = Registration.Status.WAITING, now
        registration.save()
        if existing is not None:
            registration.meals.set(meals)
        elif meals:
            Registration.meals.through.objects.bulk_create(
                [Registration.meals.through(registration=registration, session=m) for m in meals]
            )
        signups = []
        for session in sessions:
            seated = confirm and (not waitlist_ok or _has_room(counters[session.pk], session.seats))
            signups.append(
                Signup(
                    registration=registration,
                    session=session,
                    status=Signup.Status.CONFIRMED if seated else Signup.Status.WAITING,
                    waiting_since=None if seated else now,
                )
            )
        Signup.objects.bulk_create(signups)
        entry = audit(
            registration=registration,
            action="registered" if existing is None else "registered_again",
            actor=actor,
            actor_label="organiser" if by_organiser else "attendee",
            status=registration.status,
            sessions={str(s.session_id): s.status for s in signups},
        )
        log = emails.email_queue(
            registration=registration,
            kind=EmailLog.Kind.CONFIRMATION
            if registration.status == Registration.Status.CONFIRMED
            else EmailLog.Kind.WAITING,
        )
        _seats_settle(
            registration=registration,
            signups=signups,
            waitlist_ok=waitlist_ok,
            entry=entry,
            log=log,
            now=now,
        )
    return registration


def _seats_settle(*, registration, signups, waitlist_ok, entry, log, now) -> None:
    """Take the seats the rows were written for (the last statements before COMMIT) and
    correct the rows where the guess was wrong; refuse if a seat is needed and gone."""
    conference_id = registration.conference_id
    seated = seats.conference_seat_take(conference_id=conference_id, ensure=False)
    if not seated and not waitlist_ok:
        raise RegistrationError("conference_full", _("The conference is full."))
    changed = False
    if seated != (registration.status == Registration.Status.CONFIRMED):
        changed = True
        if seated:
            registration.status, registration.waiting_since = Registration.Status.CONFIRMED, None
        else:
            registration.status, registration.waiting_since = Registration.Status.WAITING, now
        registration.save(update_fields=["status", "waiting_since", "updated_at"])
    flipped = {Signup.Status.CONFIRMED: [], Signup.Status.WAITING: []}
    # Ascending session ids: every transaction takes session counters in the same order.
    for signup in sorted(signups, key=lambda s: s.session_id):
        got = seated and seats.session_seat_take(
            conference_id=conference_id, session_id=signup.session_id, ensure=False
        )
        if seated and not got and not waitlist_ok:
            raise RegistrationError(
                "session_full",
                _("“%(title)s” is full.") % {"title": signup.session.localized("title")},
                "sessions",
            )
        status = Signup.Status.CONFIRMED if got else Signup.Status.WAITING
        if signup.status != status:
            signup.status, signup.waiting_since = status, None if got else now
            flipped[status].append(signup.session_id)
    for status, session_ids in flipped.items():
        if session_ids:
            changed = True
            Signup.objects.filter(registration=registration, session_id__in=session_ids).update(
                status=status,
                waiting_since=None if status == Signup.Status.CONFIRMED else now,
                updated_at=timezone.now(),
            )
    if changed:
        entry.details = {
            **entry.details,
            "status": registration.status,
            "sessions": {str(s.session_id): s.status for s in signups},
        }
        entry.save(update_fields=["details"])
        log.kind = (
            EmailLog.Kind.CONFIRMATION
            if registration.status == Registration.Status.CONFIRMED
            else EmailLog.Kind.WAITING
        )
        log.save(update_fields=["kind"])
