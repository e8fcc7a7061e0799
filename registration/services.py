"""Writes to registrations: every rule that protects seats, deadlines and waiting-list order.

Seats are counted in `SeatCounter` rows (see registration.seats) and taken with one
conditional UPDATE each, so no pool can be oversold. Registering, the hot path, does its reads,
checks and inserts first and takes its seats last, right before COMMIT, so the counter rows are
locked only for those UPDATEs and the COMMIT; if no seat is left it turns its rows into
waiting-list places. Every other seat change (cancel, swap, offers, deletion, promotion from the
waiting list) first locks the conference's counter row and works under that lock, so the
waiting lists move in order. SQLite's IMMEDIATE transactions serialise writers. E-mails are an
`EmailLog` row in the transaction, handed to Celery with `transaction.on_commit()`.
"""

import re
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from conference.models import Conference, Session
from conference.selectors import conference_get_published

from . import emails, register_sql, seats
from .errors import RegistrationError
from .models import AuditEntry, Diet, EmailLog, Registration, SeatStatus, Sector, Signup

HOLDING = (Registration.Status.CONFIRMED, Registration.Status.OFFERED)
SIGNUP_HOLDING = (Signup.Status.CONFIRMED, Signup.Status.OFFERED)
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


def registration_window_state(conference: Conference, now: datetime | None = None) -> str:
    """ "open", "not_open" or "closed"."""
    now = now or timezone.now()
    if conference.registration_opens is not None and now < conference.registration_opens:
        return "not_open"
    if now >= registration_deadline(conference):
        return "closed"
    return "open"


def _check_window(conference: Conference, now: datetime) -> None:
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


def _invalid(message, field):
    return RegistrationError("invalid_input", message, field)


def _clean_text(value, field, *, required=False):
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise _invalid(_("Enter text."), field)
    if required and not value:
        raise _invalid(_("This field is required."), field)
    if len(value) > LIMITS[field]:
        raise _invalid(_("Use at most %(limit)d characters.") % {"limit": LIMITS[field]}, field)
    if _UNSAFE_TEXT.search(value):
        raise _invalid(_("Please leave out the characters < and >."), field)
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
            raise _invalid(_("Choose a sector."), "sector")
        cleaned["sector"] = fields["sector"]
    if not partial or "diets" in fields:
        diets = fields.get("diets") or []
        if not isinstance(diets, list | tuple) or any(d not in Diet.values for d in diets):
            raise _invalid(_("Choose dietary needs from the list."), "diets")
        cleaned["diets"] = sorted(set(diets))
    if not partial or "language" in fields:
        language = fields.get("language") or "sv"
        if language not in LANGUAGES:
            raise _invalid(_("Choose Swedish or English."), "language")
        cleaned["language"] = language
    if not partial or "public_listing" in fields:
        cleaned["public_listing"] = bool(fields.get("public_listing"))
    return cleaned


def clean_email(email) -> str:
    email = (email or "").strip() if isinstance(email, str) or email is None else ""
    if not email:
        raise _invalid(_("Enter your e-mail address."), "email")
    try:
        validate_email(email)
    except ValidationError:
        raise _invalid(_("Enter a valid e-mail address."), "email") from None
    if len(email) > 254:
        raise _invalid(_("Enter a valid e-mail address."), "email")
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


def _resolve_sessions(conference: Conference, session_ids) -> list[Session]:
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


def _resolve_meals(conference: Conference, meal_ids) -> list[Session]:
    ids = _ids(meal_ids, "meals")
    if not ids:
        return []
    meals = list(Session.objects.filter(pk__in=ids, conference=conference, kind=Session.Kind.MEAL))
    if len(meals) != len(ids):
        raise RegistrationError("invalid_meal", _("Choose meals from the list."), "meals")
    return meals


# Locks, counts, audit -------------------------------------------------------------------------


def _lock_conference(conference_id: int) -> Conference:
    """Lock the conference's seat counter (the first step of every seat change but
    registering) and return the conference as it is now."""
    seats.seat_counter_lock(conference_id=conference_id)
    return Conference.objects.get(pk=conference_id)


def conference_seats_taken(conference: Conference) -> int:
    return Registration.objects.filter(conference=conference, status__in=HOLDING).count()


def session_seats_taken(session: Session) -> int:
    return Signup.objects.filter(session=session, status__in=SIGNUP_HOLDING).count()


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


# Registering ----------------------------------------------------------------------------------


def registration_arguments(data: dict, *, waitlist_field: str = "waitlist_ok") -> dict:
    """registration_create's keyword arguments from a form's or a serializer's cleaned data."""
    return {
        "email": data["email"],
        "consent": data["consent"],
        "session_ids": data.get("sessions", []),
        "meal_ids": data.get("meals", []),
        "waitlist_ok": data[waitlist_field],
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
        raise _invalid(_("Please accept the privacy notice to register."), "consent")
    if waitlist_ok and not by_organiser and register_sql.available():
        answer = _registration_create_fast(
            conference=conference,
            conference_slug=conference_slug,
            email=email,
            details=details,
            session_ids=session_ids,
            meal_ids=meal_ids,
            now=now,
        )
        if answer is not None:
            return answer
    if conference is None:
        conference = conference_get_published(slug=conference_slug)
    if not by_organiser:
        _check_window(conference, now)
    sessions = _resolve_sessions(conference, session_ids)
    meals = _resolve_meals(conference, meal_ids)
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
    *, conference, conference_slug, email, details, session_ids, meal_ids, now
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
        changed = [f for f, v in cleaned.items() if getattr(registration, f) != v]
        for field in changed:
            setattr(registration, field, cleaned[field])
        if changed:
            registration.save(update_fields=[*changed, "updated_at"])
        if meal_ids is not None:
            meals = _resolve_meals(registration.conference, meal_ids)
            if {m.pk for m in meals} != set(registration.meals.values_list("pk", flat=True)):
                registration.meals.set(meals)
                changed.append("meals")
        if changed:
            audit(registration=registration, action="details_changed", actor=actor, fields=changed)
    return registration


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
            _check_window(conference, now)
        sessions = _resolve_sessions(conference, session_ids)
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
                if signup.status in SIGNUP_HOLDING:
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
        if signup.status in SIGNUP_HOLDING:
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


# Organiser messages ---------------------------------------------------------------------------


def organiser_message_send(
    *, conference: Conference, subject: str, body: str, session: Session | None = None, actor=None
) -> None:
    """Queue a message to every confirmed attendee (or those of one session); the fan-out and
    the sending run in the background after commit."""
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or len(subject) > 200:
        raise _invalid(_("Write a subject of at most 200 characters."), "subject")
    if not body or len(body) > 10000:
        raise _invalid(_("Write a message of at most 10,000 characters."), "body")
    if session is not None and session.conference_id != conference.pk:
        raise RegistrationError("invalid_session", _("Choose a session of this conference."))
    from .tasks import send_message

    AuditEntry.objects.create(
        conference=conference,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor, "organiser"),
        action="message_sent",
        details={"subject": subject, "session": session.pk if session else None},
    )
    session_id = session.pk if session else None
    transaction.on_commit(lambda: send_message.delay(conference.pk, session_id, subject, body))


def organiser_message_fan_out(
    *, conference_id: int, session_id: int | None, subject: str, body: str
) -> int:
    registrations = Registration.objects.filter(
        conference_id=conference_id, status=Registration.Status.CONFIRMED
    )
    if session_id is not None:
        registrations = registrations.filter(
            signups__session_id=session_id, signups__status=Signup.Status.CONFIRMED
        )
    count = 0
    with transaction.atomic():
        for registration in registrations.order_by("id"):
            emails.email_queue(
                registration=registration,
                kind=EmailLog.Kind.MESSAGE,
                payload={"subject": subject, "body": body},
            )
            count += 1
    return count
