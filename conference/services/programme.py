"""Writes to the programme. Every rule that keeps a programme sane is checked here, under a lock
on the conference row, and the database backs the room rule with a constraint of its own."""

from functools import partial

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..errors import ProgrammeError
from ..exporters.booklet import booklets_refresh_later
from ..models import (
    Conference,
    Session,
    Speaker,
)
from ..selectors import (
    programme_warnings,
)
from ..signals import seats_changed, session_rescheduled

# Changing any of these moves the session in attendees' calendars, so the iCal SEQUENCE moves too.
SCHEDULE_FIELDS = ("start", "end", "room_id", "status", "title", "title_en")


# Changing any of these can change how many seats a session has.
SEAT_FIELDS = ("capacity", "room_id", "status", "requires_signup")


def _local(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def session_check_rules(*, session: Session, speakers=None) -> None:
    """Raise ProgrammeError for the first rule `session` (saved or not) breaks."""
    for problem in session_problems(session=session, speakers=speakers):
        raise problem


def session_problems(*, session: Session, speakers=None) -> list[ProgrammeError]:
    """Every rule `session` (saved or not) breaks, as ProgrammeErrors in the order
    `session_check_rules` checks them; nothing is written. The organiser's "check" step shows
    them all before anything is saved."""
    return list(_session_rule_errors(session=session, speakers=speakers))


def _session_rule_errors(*, session: Session, speakers=None):
    conference = session.conference
    if session.start is None or session.end is None:
        return
    if session.end <= session.start:
        yield ProgrammeError(
            "session_ends_before_start", _("A session must end after it starts."), "end"
        )
        return
    if session.start < conference.start or session.end > conference.end:
        yield ProgrammeError(
            "session_outside_conference",
            _("The session must lie within the conference, %(start)s to %(end)s.")
            % {"start": _local(conference.start), "end": _local(conference.end)},
            "start",
        )
    room_ours = session.room_id is None or session.room.conference_id == conference.id
    if not room_ours:
        yield ProgrammeError("room_not_in_conference", _("Pick a room of this conference."), "room")
    if session.track_id is not None and session.track.conference_id != conference.id:
        yield ProgrammeError(
            "track_not_in_conference", _("Pick a theme of this conference."), "track"
        )
    if session.status == Session.Status.CANCELLED:
        return
    overlapping = (
        Session.objects.filter(conference=conference, start__lt=session.end, end__gt=session.start)
        .exclude(status=Session.Status.CANCELLED)
        .exclude(pk=session.pk)
    )
    if session.room_id is not None and room_ours:
        clash = overlapping.filter(room_id=session.room_id).order_by("start").first()
        if clash is not None:
            yield ProgrammeError(
                "room_busy",
                _("%(room)s is already booked for “%(other)s” at %(time)s.")
                % {"room": session.room.name, "other": clash.title, "time": _local(clash.start)},
                "room",
            )
    for speaker in speakers or ():
        if speaker.conference_id != conference.id:
            yield ProgrammeError(
                "speaker_not_in_conference", _("Pick speakers of this conference."), "speakers"
            )
            continue
        if speaker.pk is None:
            continue
        clash = overlapping.filter(speakers=speaker).order_by("start").first()
        if clash is not None:
            yield ProgrammeError(
                "speaker_busy",
                _("%(speaker)s already speaks in “%(other)s” at %(time)s.")
                % {"speaker": speaker.name, "other": clash.title, "time": _local(clash.start)},
                "speakers",
            )


def conference_touch(*, conference: Conference) -> None:
    """Mark the programme as changed, so exports and feeds answer with fresh content."""
    now = timezone.now()
    Conference.objects.filter(pk=conference.pk).update(programme_changed_at=now)
    conference.programme_changed_at = now
    transaction.on_commit(partial(booklets_refresh_later, conference), robust=True)


def seats_changed_announce(*, conference: Conference, sessions=()) -> None:
    """Once the current transaction commits, tell the apps that build on the programme that
    caps changed (`signals.seats_changed`), so that seats which became free are handed out. A
    receiver's failure is logged, never undoes the organiser's change."""
    transaction.on_commit(
        partial(
            seats_changed.send, sender=Conference, conference=conference, sessions=list(sessions)
        ),
        robust=True,
    )


def room_seats_changed(*, room) -> None:
    """A room's capacity changed: announce the sign-up sessions that take their cap from it."""
    sessions = list(room.sessions.filter(requires_signup=True, capacity__isnull=True))
    if sessions:
        seats_changed_announce(conference=room.conference, sessions=sessions)


def session_save(*, session: Session, speakers=None) -> Session:
    """Create or update `session` (and its speakers when given) after checking every rule.

    Locks the conference row, so two organisers editing at once cannot both pass the checks.
    The iCal revision (`sequence`) moves when the time, room, title or status changes.
    """
    with transaction.atomic():
        Conference.objects.select_for_update().get(pk=session.conference_id)
        seats_moved = False
        if speakers is None and session.pk:
            speakers = list(session.speakers.all())
        speakers = list(speakers or [])
        session_check_rules(session=session, speakers=speakers)
        if session.pk:
            before = (
                Session.objects.filter(pk=session.pk).values(*SCHEDULE_FIELDS, *SEAT_FIELDS).first()
            )
            seats_moved = bool(before) and any(
                before[f] != getattr(session, f) for f in SEAT_FIELDS
            )
            if before and any(before[f] != getattr(session, f) for f in SCHEDULE_FIELDS):
                session.sequence += 1
                # Receivers (attendee e-mails) run only once the change is really saved.
                transaction.on_commit(
                    partial(
                        session_rescheduled.send, sender=Session, session=session, previous=before
                    )
                )
        try:
            with transaction.atomic():
                session.save()
        except IntegrityError as exc:
            raise ProgrammeError(
                "room_busy", _("The room is already booked at that time."), "room"
            ) from exc
        session.speakers.set(speakers)
        conference_touch(conference=session.conference)
        if seats_moved:
            seats_changed_announce(conference=session.conference, sessions=[session])
    return session


def session_create(*, conference: Conference, speakers=(), **fields) -> Session:
    return session_save(session=Session(conference=conference, **fields), speakers=speakers)


def session_cancel(*, session: Session) -> Session:
    session.status = Session.Status.CANCELLED
    return session_save(session=session)


def session_delete(*, session: Session) -> None:
    with transaction.atomic():
        conference = session.conference
        session.delete()
        conference_touch(conference=conference)


def session_duplicate(*, session: Session) -> Session:
    """Copy a session without its room, so the copy can be placed without clashing."""
    copy = Session(
        conference=session.conference,
        title=_("%(title)s (copy)") % {"title": session.title},
        title_en=f"{session.title_en} (copy)" if session.title_en else "",
        kind=session.kind,
        abstract=session.abstract,
        abstract_en=session.abstract_en,
        description=session.description,
        description_en=session.description_en,
        language=session.language,
        track=session.track,
        start=session.start,
        end=session.end,
        capacity=session.capacity,
        requires_signup=session.requires_signup,
    )
    return session_save(session=copy, speakers=[])


def conference_clashes(*, conference: Conference) -> list[str]:
    """Warnings for the organiser: speakers in two places and rooms booked twice."""
    return [
        warning.message
        for warning in programme_warnings(conference=conference)
        if warning.code in ("room_busy", "speaker_busy")
    ]


def speaker_create(*, conference: Conference, **fields) -> Speaker:
    speaker = Speaker.objects.create(conference=conference, **fields)
    conference_touch(conference=conference)
    return speaker
