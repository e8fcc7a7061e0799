"""Reads of the programme, shared by pages, the API and every export.

`programme_get` fetches a whole programme in a fixed number of queries, whatever its size.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Conference, Room, Session, Speaker, Track


def conference_list_published() -> QuerySet[Conference]:
    return Conference.objects.filter(is_published=True).order_by("-start")


def conference_get_published(*, slug: str) -> Conference:
    try:
        return Conference.objects.get(slug=slug, is_published=True)
    except Conference.DoesNotExist:
        raise Http404("conference") from None


def conferences_for_user(user) -> QuerySet[Conference]:
    """The conferences a staff user may edit: all for superusers, else those they organise."""
    if user.is_superuser:
        return Conference.objects.all()
    return Conference.objects.filter(organisers=user)


def session_queryset(conference: Conference) -> QuerySet[Session]:
    return (
        Session.objects.filter(conference=conference)
        .select_related("room", "track")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("name")))
        .order_by("start", "room__position", "room__name", "title")
    )


@dataclass
class Day:
    date: date
    sessions: list
    rooms: list
    times: list = field(default_factory=list)

    @property
    def is_parallel(self):
        return len(self.rooms) > 1


@dataclass
class Programme:
    conference: Conference
    rooms: list
    tracks: list
    sessions: list
    speakers: list
    days: list

    @property
    def last_modified(self) -> datetime:
        return self.conference.programme_changed_at


def _days(sessions, rooms) -> list[Day]:
    by_date: dict[date, list] = {}
    for session in sessions:
        by_date.setdefault(timezone.localdate(session.start), []).append(session)
    days = []
    for day, day_sessions in sorted(by_date.items()):
        used = {s.room_id for s in day_sessions if s.room_id}
        day_rooms = [r for r in rooms if r.pk in used]
        times = sorted({s.start for s in day_sessions} | {s.end for s in day_sessions})
        column = {room.pk: i + 2 for i, room in enumerate(day_rooms)}
        row = {moment: i + 2 for i, moment in enumerate(times)}
        for s in day_sessions:
            # Grid placement for the wide-screen timetable: column 1 holds the times; a session
            # without a room (a shared break or lunch) spans every room.
            s.grid_row = f"{row[s.start]} / {row[s.end]}"
            if s.room_id in column:
                s.grid_column = f"{column[s.room_id]} / {column[s.room_id] + 1}"
            else:
                s.grid_column = f"2 / {len(day_rooms) + 2 if day_rooms else 3}"
        days.append(
            Day(
                date=day,
                sessions=day_sessions,
                rooms=day_rooms,
                times=[(row[t], t) for t in times[:-1]],
            )
        )
    return days


def programme_get(*, conference: Conference, include_cancelled: bool = True) -> Programme:
    """The whole programme of `conference` in four queries."""
    rooms = list(Room.objects.filter(conference=conference))
    tracks = list(Track.objects.filter(conference=conference))
    sessions = list(session_queryset(conference))
    for session in sessions:
        session.conference = conference
    if not include_cancelled:
        sessions = [s for s in sessions if not s.is_cancelled]
    speakers_by_pk: dict[int, Speaker] = {}
    for session in sessions:
        for speaker in session.speakers.all():
            speaker = speakers_by_pk.setdefault(speaker.pk, speaker)
            speaker.__dict__.setdefault("programme_sessions", []).append(session)
    speakers = sorted(speakers_by_pk.values(), key=lambda s: s.name.casefold())
    return Programme(
        conference=conference,
        rooms=rooms,
        tracks=tracks,
        sessions=sessions,
        speakers=speakers,
        days=_days(sessions, rooms),
    )


def speakers_for(*, conference: Conference) -> list[Speaker]:
    """All speakers of a conference, each with `programme_sessions`, in two queries."""
    speakers = list(
        Speaker.objects.filter(conference=conference).prefetch_related(
            Prefetch(
                "sessions",
                queryset=Session.objects.select_related("room", "conference").order_by("start"),
                to_attr="programme_sessions",
            )
        )
    )
    return sorted(speakers, key=lambda s: s.name.casefold())


def rooms_and_tracks(*, conference: Conference) -> tuple[list[Room], list[Track]]:
    """A conference's rooms and themes, each with `session_count`, in two queries."""
    rooms = list(
        Room.objects.filter(conference=conference).annotate(session_count=Count("sessions"))
    )
    tracks = list(
        Track.objects.filter(conference=conference).annotate(session_count=Count("sessions"))
    )
    return rooms, tracks
