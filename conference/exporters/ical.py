"""iCalendar feeds (RFC 5545) with the `icalendar` package.

Times are written in UTC, which every client converts to its own zone and which cannot go wrong
across the switch to summer time. UIDs come from `Session.uid` and never change across edits;
SEQUENCE is `Session.sequence`, which `session_save` moves when time, room, title or status
change, so clients replace their copy instead of adding a second one. Cancelled sessions stay
in the feed with STATUS:CANCELLED, so subscribed calendars drop them rather than keep them.
"""

import functools
from datetime import UTC, timedelta

import icalendar
from django.utils.translation import gettext as _

from conference.models import Session

from . import session_url_maker

REFRESH = timedelta(hours=1)


def _utc(moment):
    return moment.astimezone(UTC)


def _description(session, url, labels) -> str:
    lines = [labels[session.kind]]
    if session.track_id:
        lines[0] += f" · {session.track.localized('name')}"
    speakers = list(session.speakers.all())
    if speakers:
        names = ", ".join(
            f"{s.name} ({s.organisation})" if s.organisation else s.name for s in speakers
        )
        lines.append(labels["speakers"] % {"names": names})
    abstract = session.localized("abstract")
    if abstract:
        lines += ["", abstract]
    lines += ["", url]
    return "\n".join(lines)


def _labels() -> dict:
    """Translated labels, looked up once per feed rather than once or twice per session."""
    labels = {value: str(label) for value, label in Session.Kind.choices}
    labels["speakers"] = _("Speakers: %(names)s")
    labels["cancelled"] = _("Cancelled")
    return labels


def calendar_render(*, conference, sessions, name: str, stamp) -> bytes:
    """A VCALENDAR of `sessions` (already fetched with room, track and speakers).

    `stamp` is kept in the signature for callers; each event's DTSTAMP is its own last change,
    so an event's text depends on nothing but the session and is rendered once (see
    `_event_ical`) until the session, its room, theme or speakers change.
    """
    url_for = session_url_maker(conference)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Samla//Samla programme//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", conference.time_zone)
    calendar.add("refresh-interval", icalendar.vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    labels = _labels()
    cancelled_label = labels["cancelled"]
    venue = [p for p in (conference.venue_name, conference.venue_address) if p]
    events = []
    for session in sessions:
        url = url_for(session.code)
        title = session.localized("title")
        cancelled = session.status == Session.Status.CANCELLED
        events.append(
            _event_ical(
                (
                    f"{session.uid}@samla",
                    _utc(session.start),
                    _utc(session.end),
                    _utc(session.created_at),
                    _utc(session.updated_at),
                    session.sequence,
                    f"{cancelled_label}: {title}" if cancelled else title,
                    "CANCELLED" if cancelled else "CONFIRMED",
                    ", ".join([session.room.localized("name"), *venue])
                    if session.room_id
                    else ", ".join(venue),
                    url,
                    _description(session, url, labels),
                    labels[session.kind],
                    session.kind in (Session.Kind.BREAK, Session.Kind.MEAL),
                )
            )
        )
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    return head[: -len(end)] + b"".join(events) + end


@functools.lru_cache(maxsize=16384)
def _event_ical(fields: tuple) -> bytes:
    """One VEVENT, from every value it shows: the tuple is the cache key, so any change to the
    session, its room, theme, speakers, the venue or the language renders it afresh."""
    (uid, start, end, created, modified, sequence, summary, status, location, url) = fields[:10]
    description, category, transparent = fields[10:]
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", modified)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("created", created)
    event.add("last-modified", modified)
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("status", status)
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("description", description)
    event.add("categories", [category])
    if transparent:
        event.add("transp", "TRANSPARENT")
    return event.to_ical()


class ProgrammeCalendar:
    """The whole programme, or one theme's sessions when `track` is given."""

    content_type = "text/calendar; charset=utf-8"

    def __init__(self, track=None):
        self.track = track

    def filename(self, conference) -> str:
        if self.track is not None:
            return f"{conference.slug}-{self.track.pk}.ics"
        return f"{conference.slug}.ics"

    def render(self, programme) -> bytes:
        conference = programme.conference
        name = conference.localized("name")
        sessions = programme.sessions
        if self.track is not None:
            sessions = [s for s in sessions if s.track_id == self.track.pk]
            name = f"{name}: {self.track.localized('name')}"
        return calendar_render(
            conference=conference, sessions=sessions, name=name, stamp=programme.last_modified
        )


class SessionCalendar:
    """One session, for "add to my calendar" on the session page."""

    content_type = "text/calendar; charset=utf-8"

    def __init__(self, session):
        self.session = session

    def filename(self, conference) -> str:
        return f"{conference.slug}-{self.session.code}.ics"

    def render(self, programme) -> bytes:
        conference = programme.conference
        return calendar_render(
            conference=conference,
            sessions=[self.session],
            name=f"{conference.localized('name')}: {self.session.localized('title')}",
            stamp=programme.last_modified,
        )


class AgendaCalendar:
    """A registration's personal agenda: its confirmed workshops and every session open to all.

    `session_ids` are the sessions the person holds a confirmed place in; sessions that need no
    sign-up (plenaries, keynotes, meals, breaks) are in everyone's agenda.
    """

    content_type = "text/calendar; charset=utf-8"

    def __init__(self, *, session_ids, include_open=True, stamp=None):
        self.session_ids = set(session_ids)
        self.include_open = include_open
        self.stamp = stamp

    def filename(self, conference) -> str:
        return f"{conference.slug}-agenda.ics"

    def render(self, programme) -> bytes:
        conference = programme.conference
        sessions = [
            s
            for s in programme.sessions
            if s.pk in self.session_ids or (self.include_open and not s.requires_signup)
        ]
        return calendar_render(
            conference=conference,
            sessions=sessions,
            name=_("%(conference)s: my agenda") % {"conference": conference.localized("name")},
            stamp=max(programme.last_modified, self.stamp or programme.last_modified),
        )
