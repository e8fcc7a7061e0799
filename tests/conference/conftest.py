from datetime import timedelta

import pytest

from conference.models import Session
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
)


@pytest.fixture
def conference(db):
    return ConferenceFactory(slug="malmo", name="Lärkonferens", name_en="Learning conference")


def build_programme(conference, sessions):
    """`sessions` sessions spread over the conference's rooms, each with a speaker and a track."""
    rooms = [RoomFactory(conference=conference, name=f"Sal {i}", position=i) for i in range(4)]
    track = TrackFactory(conference=conference, name="Samverkan")
    built = []
    for i in range(sessions):
        start = conference.start + timedelta(minutes=30 * (i // len(rooms)))
        session = SessionFactory(
            conference=conference,
            title=f"Seminarium {i}",
            room=rooms[i % len(rooms)],
            track=track,
            start=start,
            end=start + timedelta(minutes=30),
            kind=Session.Kind.SEMINAR,
        )
        session.speakers.add(SpeakerFactory(conference=conference, name=f"Talare {i}"))
        built.append(session)
    return built


@pytest.fixture
def programme_of():
    return build_programme
