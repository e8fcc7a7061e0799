"""The frab/c3voc schedule exchange formats (schedule.xml and schedule.json).

Conference apps (Giggity, ConfClerk, Fahrplan, ...) and video pipelines read these. Both
validate against the voc/schedule schemas. Cancelled sessions are left out, as frab and pretalx
do: the format has no status field, and apps would otherwise show them as happening.
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import (
    conference_dates,
    conference_url,
    local_midnight,
    session_url_maker,
    stable_uuid,
)

GENERATOR = "Samla"
FORMAT_VERSION = "1.0"


def acronym(conference) -> str:
    """The conference slug in the shape both schemas accept: [a-z0-9_], at least four long."""
    value = re.sub(r"[^a-z0-9_]", "_", conference.slug.lower())
    return value.ljust(4, "_")


def event_slug(conference, session) -> str:
    tail = f"{session.pk}-{slugify(session.title)}".strip("-_")
    if len(tail) < 4:
        tail = f"{tail}-session"
    return f"{acronym(conference)}-{tail}"


def _hhmm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat()


def _track_slug(track) -> str:
    return slugify(track.name) or f"track-{track.pk}"


class _Schedule:
    """The programme arranged as frab wants it: days, each with rooms, each with events."""

    def __init__(self, programme):
        self.programme = programme
        self.conference = programme.conference
        self.url_for = session_url_maker(self.conference)
        self.sessions = [s for s in programme.sessions if not s.is_cancelled]
        self.no_room = _("Whole venue")
        self.no_room_guid = str(stable_uuid(self.conference.slug, "rooms", "none"))
        self.speaker_guids: dict = {}
        self.room_guids = {
            r.pk: str(stable_uuid(self.conference.slug, "rooms", r.pk)) for r in programme.rooms
        }

    def speaker_guid(self, pk) -> str:
        guid = self.speaker_guids.get(pk)
        if guid is None:
            guid = self.speaker_guids[pk] = str(stable_uuid(self.conference.slug, "speakers", pk))
        return guid

    def room_name(self, session) -> str:
        return session.room.localized("name") if session.room_id else self.no_room

    def days(self):
        """[(index, date, start, end, [(room name, room guid, [sessions])])]"""
        dates = conference_dates(self.conference)
        by_date = {day: [] for day in dates}
        for session in self.sessions:
            by_date.setdefault(timezone.localdate(session.start), []).append(session)
        first, last = dates[0], dates[-1]
        result = []
        for index, day in enumerate(sorted(by_date), start=1):
            sessions = by_date[day]
            starts = [s.start for s in sessions]
            ends = [s.end for s in sessions]
            if day == first:
                starts.append(self.conference.start)
            if day == last:
                ends.append(self.conference.end)
            start = min(starts) if starts else local_midnight(day)
            end = max(ends) if ends else local_midnight(day + timedelta(days=1))
            rooms = []
            for room in self.programme.rooms:
                in_room = [s for s in sessions if s.room_id == room.pk]
                if in_room:
                    rooms.append((room.localized("name"), self.room_guids[room.pk], in_room))
            roomless = [s for s in sessions if not s.room_id]
            if roomless:
                rooms.insert(0, (self.no_room, self.no_room_guid, roomless))
            result.append((index, day, start, end, rooms))
        return result

    def event(self, session) -> dict:
        start = timezone.localtime(session.start)
        return {
            "guid": str(session.uid),
            "code": session.code,
            "id": session.pk,
            "date": start.isoformat(),
            "start": start.strftime("%H:%M"),
            "end": _iso(session.end),
            "duration": _hhmm(session.end - session.start),
            "room": self.room_name(session),
            "slug": event_slug(self.conference, session),
            "url": self.url_for(session.code),
            "title": session.localized("title"),
            "subtitle": "",
            "track": session.track.localized("name") if session.track_id else None,
            "type": session.kind,
            "language": session.language,
            "abstract": session.localized("abstract"),
            "description": session.localized("description"),
            "persons": [
                {
                    "name": speaker.name,
                    "guid": self.speaker_guid(speaker.pk),
                    "biography": speaker.localized("bio") or None,
                }
                for speaker in session.speakers.all()
            ],
            "links": [],
        }


class ScheduleJson:
    content_type = "application/json; charset=utf-8"

    def filename(self, conference) -> str:
        return f"{conference.slug}-schedule.json"

    def render(self, programme) -> bytes:
        schedule = _Schedule(programme)
        conference = programme.conference
        days = [
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": _iso(start),
                "day_end": _iso(end),
                "rooms": {
                    name: [schedule.event(s) for s in sessions] for name, _guid, sessions in rooms
                },
            }
            for index, day, start, end, rooms in schedule.days()
        ]
        rooms = [
            {
                "name": room.localized("name"),
                "guid": schedule.room_guids[room.pk],
                "capacity": room.capacity,
                "description": room.notes or None,
            }
            for room in programme.rooms
        ]
        if any(not s.room_id for s in schedule.sessions):
            rooms.insert(0, {"name": schedule.no_room, "guid": schedule.no_room_guid})
        document = {
            "$schema": "https://c3voc.de/schedule/schema.json",
            "generator": {"name": GENERATOR, "version": FORMAT_VERSION},
            "schedule": {
                "version": programme.last_modified.strftime("%Y-%m-%d %H:%M:%S"),
                "base_url": f"{settings.SITE_URL}/",
                "conference": {
                    "acronym": acronym(conference),
                    "title": conference.localized("name"),
                    "description": conference.localized("description"),
                    "start": _iso(conference.start),
                    "end": _iso(conference.end),
                    "daysCount": len(days),
                    "timeslot_duration": "00:05",
                    "time_zone_name": conference.time_zone,
                    "url": conference_url(conference),
                    "tracks": [
                        {
                            "name": track.localized("name"),
                            "slug": _track_slug(track),
                            "color": track.colour,
                        }
                        for track in programme.tracks
                    ],
                    "rooms": rooms,
                    "days": days,
                },
            },
        }
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


class ScheduleXml:
    content_type = "application/xml; charset=utf-8"

    def filename(self, conference) -> str:
        return f"{conference.slug}-schedule.xml"

    def render(self, programme) -> bytes:
        schedule = _Schedule(programme)
        conference = programme.conference
        root = ET.Element("schedule")
        ET.SubElement(root, "generator", name=GENERATOR, version=FORMAT_VERSION)
        ET.SubElement(root, "version").text = programme.last_modified.strftime("%Y-%m-%d %H:%M:%S")
        head = ET.SubElement(root, "conference")
        days = schedule.days()
        for tag, text in (
            ("acronym", acronym(conference)),
            ("title", conference.localized("name")),
            ("start", _iso(conference.start)),
            ("end", _iso(conference.end)),
            ("days", str(len(days))),
            ("timeslot_duration", "00:05"),
            ("base_url", f"{settings.SITE_URL}/"),
            ("url", conference_url(conference)),
            ("time_zone_name", conference.time_zone),
        ):
            ET.SubElement(head, tag).text = text
        for track in programme.tracks:
            attributes = {"name": track.localized("name"), "color": track.colour}
            slug = _track_slug(track)
            if re.fullmatch(r"[a-z][a-z0-9-]+", slug):
                attributes["slug"] = slug
            ET.SubElement(head, "track", attributes).text = track.localized("name")
        for index, day, start, end, rooms in days:
            day_element = ET.SubElement(
                root,
                "day",
                index=str(index),
                date=day.isoformat(),
                start=_iso(start),
                end=_iso(end),
            )
            for name, guid, sessions in rooms:
                room_element = ET.SubElement(day_element, "room", name=name, guid=guid)
                for session in sessions:
                    self._event(room_element, schedule.event(session))
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def _event(self, parent, data):
        event = ET.SubElement(parent, "event", id=str(data["id"]), guid=data["guid"])
        for tag in (
            "date",
            "start",
            "duration",
            "room",
            "slug",
            "url",
            "title",
            "subtitle",
            "track",
            "type",
            "language",
            "abstract",
            "description",
        ):
            ET.SubElement(event, tag).text = data[tag] or ""
        persons = ET.SubElement(event, "persons")
        for person in data["persons"]:
            ET.SubElement(persons, "person", guid=person["guid"]).text = person["name"]
        ET.SubElement(event, "links")
