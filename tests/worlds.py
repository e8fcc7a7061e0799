"""A conference in use, with one of the things every page and API operation may name: the
starting point of the tests that walk every page (test_hostile_input) and every API operation
(test_api_properties)."""

from dataclasses import dataclass
from datetime import timedelta

from checkin.services import badge_code_for, checkpoints_ensure, door_staff_assign
from conference.models import Conference, Room, Session, Speaker, Track
from registration.models import Registration
from registration.services import registration_create
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
)


@dataclass
class ConferenceInUse:
    conference: Conference
    room: Room
    track: Track
    workshop: Session
    speaker: Speaker
    registration: Registration
    organiser: object
    door: object


def conference_in_use() -> ConferenceInUse:
    """Malmö, five seats: a room, a theme, a capped workshop with a speaker, a lunch, one
    registration holding a place and a badge, an organiser and a door volunteer, the doors."""
    conference = ConferenceFactory(slug="malmo", capacity=5)
    room = RoomFactory(conference=conference, name="Aulan", capacity=3)
    track = TrackFactory(conference=conference, name="Samverkan")
    start = conference.start + timedelta(hours=1)
    workshop = SessionFactory(
        conference=conference,
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        capacity=2,
        room=room,
        track=track,
        start=start,
        end=start + timedelta(hours=1),
    )
    speaker = SpeakerFactory(conference=conference, name="Talare")
    workshop.speakers.add(speaker)
    SessionFactory(
        conference=conference,
        kind=Session.Kind.MEAL,
        start=conference.start,
        end=conference.start + timedelta(minutes=45),
    )
    registration, _created = registration_create(
        conference=conference,
        email="anna@example.org",
        consent=True,
        name="Anna Andersson",
        sector="public",
        session_ids=[workshop.pk],
    )
    badge_code_for(registration)
    organiser = UserFactory(username="organiser")
    conference.organisers.add(organiser)
    door = UserFactory(username="door", is_staff=False)
    door_staff_assign(conference=conference, user=door)
    checkpoints_ensure(conference=conference)
    return ConferenceInUse(
        conference, room, track, workshop, speaker, registration, organiser, door
    )
