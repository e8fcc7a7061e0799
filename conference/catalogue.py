"""Writes to a conference's rooms, themes and speakers (the things a programme is built from),
and saving a session together with a room or speakers created on the spot.

Every change marks the programme changed (rooms, themes and speakers show in every export).
Deleting is refused while sessions still use a room or a speaker; a theme may go at any time
(its sessions simply lose it).
"""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .errors import ProgrammeError
from .models import Conference, Room, Session, Speaker, Track
from .services import conference_touch, room_seats_changed, session_save

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def room_save(*, room: Room) -> Room:
    """Create or update `room`; names are unique within the conference."""
    name = room.name.strip()
    if not name:
        raise ProgrammeError("room_name_missing", _("Give the room a name."), "name")
    room.name = name
    with transaction.atomic():
        taken = Room.objects.filter(conference_id=room.conference_id, name__iexact=name)
        if taken.exclude(pk=room.pk).exists():
            raise ProgrammeError(
                "room_name_taken",
                _("This conference already has a room called %(name)s.") % {"name": name},
                "name",
            )
        capacity_before = None
        if room.pk:
            capacity_before = Room.objects.filter(pk=room.pk).values_list("capacity", flat=True)[0]
        try:
            with transaction.atomic():
                room.save()
        except IntegrityError as exc:
            raise ProgrammeError(
                "room_name_taken",
                _("This conference already has a room called %(name)s.") % {"name": name},
                "name",
            ) from exc
        conference_touch(conference=room.conference)
        if capacity_before is not None and capacity_before != room.capacity:
            room_seats_changed(room=room)
    return room


def room_delete(*, room: Room) -> None:
    with transaction.atomic():
        if room.sessions.exists():
            raise ProgrammeError(
                "room_in_use",
                _("%(room)s still has sessions; move or delete them first.") % {"room": room.name},
            )
        conference = room.conference
        room.delete()
        conference_touch(conference=conference)


def track_save(*, track: Track) -> Track:
    """Create or update a theme; names are unique within the conference, colours hex."""
    name = track.name.strip()
    if not name:
        raise ProgrammeError("track_name_missing", _("Give the theme a name."), "name")
    track.name = name
    if not HEX_COLOUR.match(track.colour or ""):
        raise ProgrammeError(
            "track_colour_invalid", _("Give the colour as # and six hex digits."), "colour"
        )
    with transaction.atomic():
        taken = Track.objects.filter(conference_id=track.conference_id, name__iexact=name)
        if taken.exclude(pk=track.pk).exists():
            raise ProgrammeError(
                "track_name_taken",
                _("This conference already has a theme called %(name)s.") % {"name": name},
                "name",
            )
        track.save()
        conference_touch(conference=track.conference)
    return track


def track_delete(*, track: Track) -> None:
    with transaction.atomic():
        conference = track.conference
        track.delete()
        conference_touch(conference=conference)


def speaker_save(*, speaker: Speaker) -> Speaker:
    name = speaker.name.strip()
    if not name:
        raise ProgrammeError("speaker_name_missing", _("Give the speaker's name."), "name")
    speaker.name = name
    with transaction.atomic():
        speaker.save()
        conference_touch(conference=speaker.conference)
    return speaker


def speaker_delete(*, speaker: Speaker) -> None:
    with transaction.atomic():
        if speaker.sessions.exists():
            raise ProgrammeError(
                "speaker_in_use",
                _("%(speaker)s still speaks in sessions; take them off those first.")
                % {"speaker": speaker.name},
            )
        conference = speaker.conference
        speaker.delete()
        conference_touch(conference=conference)


def session_save_with_new(
    *,
    session: Session,
    speakers=(),
    new_room: Room | None = None,
    new_speakers=(),
) -> Session:
    """Save `session` with a room and speakers that do not exist yet, all or nothing: a refused
    session leaves no stray room or speaker behind."""
    with transaction.atomic():
        if new_room is not None:
            session.room = room_save(room=new_room)
        created = [speaker_save(speaker=speaker) for speaker in new_speakers]
        return session_save(session=session, speakers=[*speakers, *created])


def speaker_parse(text: str, *, conference: Conference) -> Speaker:
    """'Name (Organisation)' → an unsaved Speaker of `conference`."""
    text = text.strip()
    match = re.fullmatch(r"(.+?)\s*\(([^()]*)\)", text)
    if match:
        return Speaker(conference=conference, name=match[1].strip(), organisation=match[2].strip())
    return Speaker(conference=conference, name=text)
