"""Reads of the programme, shared by pages, the API and every export.

`programme_get` fetches a whole programme in a fixed number of queries, whatever its size.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache as memoize
from zoneinfo import available_timezones

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Conference, Room, Session, SiteProfile, Speaker, Track


def site_profile_get() -> SiteProfile:
    """The site's profile; an unsaved one with the defaults until an operator has saved it."""
    return SiteProfile.objects.filter(pk=1).first() or SiteProfile(pk=1)


PRIVACY_VERSION_KEY = "privacy-version"


def funder_logos(*, conference: Conference) -> list:
    return list(conference.funder_logos.all())


def privacy_version_current() -> int:
    """The privacy notice's version, from the shared cache (site_profile_save replaces it)."""
    version = cache.get(PRIVACY_VERSION_KEY)
    if version is None:
        version = site_profile_get().privacy_version
        cache.set(PRIVACY_VERSION_KEY, version, 60 * 60)
    return version


def conference_list_published() -> QuerySet[Conference]:
    return Conference.objects.filter(is_published=True).order_by("-start")


def conference_get_published(*, slug: str, user=None) -> Conference:
    """The published conference named `slug`, else 404. Given `user`, an unpublished one too
    when `user` organises it (or is a superuser): a preview; callers check `is_published` to
    show the preview banner."""
    conference = Conference.objects.filter(slug=slug).first()
    if conference is None:
        raise Http404("conference")
    if not conference.is_published and not conference_user_organises(user, conference):
        raise Http404("conference")
    return conference


def conference_user_organises(user, conference: Conference) -> bool:
    """Whether `user` may work on `conference`: its organisers and superusers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return conference.organisers.filter(pk=user.pk).exists()


@memoize
def time_zone_names() -> tuple[str, ...]:
    """Every IANA time zone name Python knows, sorted (for a select); read once per process."""
    return tuple(sorted(available_timezones()))


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
            s.grid_rows = (row[s.start], row[s.end])
            if s.room_id in column:
                s.grid_columns = (column[s.room_id], column[s.room_id] + 1)
            else:
                s.grid_columns = (2, len(day_rooms) + 2 if day_rooms else 3)
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


def programme_narrow(programme: Programme, *, day: date | None = None, track_id=None) -> Programme:
    """The programme with only the sessions of `day` (local date, in the active time zone) and
    of theme `track_id`; no queries."""
    sessions = [
        s
        for s in programme.sessions
        if (day is None or timezone.localdate(s.start) == day)
        and (track_id is None or s.track_id == track_id)
    ]
    return Programme(
        conference=programme.conference,
        rooms=programme.rooms,
        tracks=programme.tracks,
        sessions=sessions,
        speakers=programme.speakers,
        days=_days(sessions, programme.rooms),
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


# Warnings for the organiser --------------------------------------------------------------------

# Kinds that may lie without a room: a shared break or lunch spans every room of the timetable.
ROOMLESS_KINDS = (Session.Kind.BREAK, Session.Kind.MEAL, Session.Kind.NETWORKING)


@dataclass
class ProgrammeWarning:
    """Something in the programme that needs the organiser's action. `session` is where to fix
    it; `code` is machine-readable, `message` translated."""

    code: str
    message: str
    session: Session | None = None


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def programme_warnings(*, conference: Conference) -> list[ProgrammeWarning]:
    """What the organiser should fix, in two queries whatever the programme's size: a session
    outside the conference's days, a session without a room (breaks, meals and networking may
    span all rooms), a workshop (a session with sign-up) without a cap, a room booked twice and a
    speaker in two places at once. Cancelled sessions are left out. Times are formatted in the
    current time zone: activate the conference's."""
    sessions = sorted(
        (s for s in session_queryset(conference) if not s.is_cancelled),
        key=lambda s: (s.start, s.pk),
    )
    warnings = []
    for s in sessions:
        if s.start < conference.start or s.end > conference.end:
            warnings.append(
                ProgrammeWarning(
                    "session_outside_conference",
                    _("“%(title)s” (%(when)s) lies outside the conference, %(start)s to %(end)s.")
                    % {
                        "title": s.title,
                        "when": _when(s.start),
                        "start": _when(conference.start),
                        "end": _when(conference.end),
                    },
                    s,
                )
            )
    for s in sessions:
        if s.room_id is None and s.kind not in ROOMLESS_KINDS:
            warnings.append(
                ProgrammeWarning(
                    "session_without_room",
                    _("“%(title)s” (%(when)s) has no room.")
                    % {"title": s.title, "when": _when(s.start)},
                    s,
                )
            )
    for s in sessions:
        if s.requires_signup and s.seats is None:
            warnings.append(
                ProgrammeWarning(
                    "workshop_without_cap",
                    _("“%(title)s” takes sign-ups but has no cap on its seats.")
                    % {"title": s.title},
                    s,
                )
            )
    for i, a in enumerate(sessions):
        for b in sessions[i + 1 :]:
            if b.start >= a.end:
                break  # sorted by start: no later session overlaps `a` either
            if a.room_id and a.room_id == b.room_id:
                warnings.append(
                    ProgrammeWarning(
                        "room_busy",
                        _("%(room)s: “%(a)s” and “%(b)s” overlap.")
                        % {"room": a.room.name, "a": a.title, "b": b.title},
                        b,
                    )
                )
            a_speakers = {sp.pk for sp in a.speakers.all()}
            for speaker in b.speakers.all():
                if speaker.pk in a_speakers:
                    warnings.append(
                        ProgrammeWarning(
                            "speaker_busy",
                            _("%(speaker)s is in both “%(a)s” and “%(b)s”.")
                            % {"speaker": speaker.name, "a": a.title, "b": b.title},
                            b,
                        )
                    )
    return warnings


def rooms_and_tracks(*, conference: Conference) -> tuple[list[Room], list[Track]]:
    """A conference's rooms and themes, each with `session_count`, in two queries."""
    rooms = list(
        Room.objects.filter(conference=conference).annotate(session_count=Count("sessions"))
    )
    tracks = list(
        Track.objects.filter(conference=conference).annotate(session_count=Count("sessions"))
    )
    return rooms, tracks
