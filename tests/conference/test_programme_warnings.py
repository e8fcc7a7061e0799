"""programme_warnings: what the organiser's overview asks them to fix."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from conference.models import Session
from conference.selectors import programme_warnings
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    return ConferenceFactory(start=local(2027, 3, 16, 12, 0), end=local(2027, 3, 17, 13, 30))


def codes(conference):
    return [(w.code, w.session.title) for w in programme_warnings(conference=conference)]


def test_programme_warnings_for_a_sane_programme_are_none(conference):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room)
    SessionFactory(conference=conference, title="Lunch", kind=Session.Kind.MEAL)
    SessionFactory(
        conference=conference, room=room, kind=Session.Kind.WORKSHOP, requires_signup=True,
        start=local(2027, 3, 17, 9, 0), end=local(2027, 3, 17, 10, 0),
    )  # fmt: skip

    assert codes(conference) == []


def test_programme_warnings_name_a_session_without_a_room(conference):
    SessionFactory(conference=conference, title="Rumslös")

    assert codes(conference) == [("session_without_room", "Rumslös")]


def test_programme_warnings_name_a_workshop_without_a_cap(conference):
    room = RoomFactory(conference=conference, capacity=None)
    SessionFactory(conference=conference, title="Öppen", room=room, requires_signup=True)

    assert codes(conference) == [("workshop_without_cap", "Öppen")]


def test_programme_warnings_name_a_speaker_in_two_places(conference):
    a, b = RoomFactory(conference=conference), RoomFactory(conference=conference)
    speaker = SpeakerFactory(conference=conference, name="Fadi Barakat")
    first = SessionFactory(conference=conference, title="Först", room=a)
    second = SessionFactory(conference=conference, title="Sedan", room=b, start=first.start)
    first.speakers.add(speaker)
    second.speakers.add(speaker)

    with translation.override("en"):
        warnings = programme_warnings(conference=conference)

    assert [(w.code, w.message) for w in warnings] == [
        ("speaker_busy", "Fadi Barakat is in both “Först” and “Sedan”.")
    ]


def test_programme_warnings_name_a_session_outside_the_conference_days(conference):
    room = RoomFactory(conference=conference)
    SessionFactory(
        conference=conference, title="För sent", room=room,
        start=local(2027, 3, 18, 9, 0), end=local(2027, 3, 18, 10, 0),
    )  # fmt: skip

    assert codes(conference) == [("session_outside_conference", "För sent")]


def test_programme_warnings_leave_cancelled_sessions_out(conference):
    SessionFactory(conference=conference, status=Session.Status.CANCELLED)

    assert codes(conference) == []


@pytest.mark.parametrize("size", [3, 30])
def test_programme_warnings_take_two_queries_whatever_the_size(conference, size):
    rooms = [RoomFactory(conference=conference) for _ in range(3)]
    for i in range(size):
        start = conference.start + timedelta(minutes=50 * (i // 3))
        session = SessionFactory(
            conference=conference, room=rooms[i % 3], start=start, end=start + timedelta(minutes=45)
        )
        session.speakers.add(SpeakerFactory(conference=conference))

    with CaptureQueriesContext(connection) as queries:
        programme_warnings(conference=conference)

    assert len(queries) == 2
