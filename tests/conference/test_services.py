from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from conference import services
from conference.errors import ProgrammeError
from conference.models import Session
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db


def make(conference, **fields):
    fields.setdefault("title", "Workshop")
    fields.setdefault("start", local(2027, 3, 16, 13, 0))
    fields.setdefault("end", local(2027, 3, 16, 14, 0))
    speakers = fields.pop("speakers", [])
    return services.session_create(conference=conference, speakers=speakers, **fields)


def test_session_create_inside_conference_saves(conference):
    session = make(conference)

    assert Session.objects.get() == session
    assert len(session.code) == 8


def test_session_create_ending_before_start_is_refused_and_nothing_saved(conference):
    with pytest.raises(ProgrammeError) as error:
        make(conference, start=local(2027, 3, 16, 14, 0), end=local(2027, 3, 16, 13, 0))

    assert error.value.code == "session_ends_before_start"
    assert Session.objects.count() == 0


def test_session_create_with_equal_start_and_end_is_refused(conference):
    with pytest.raises(ProgrammeError) as error:
        make(conference, start=local(2027, 3, 16, 14, 0), end=local(2027, 3, 16, 14, 0))

    assert error.value.code == "session_ends_before_start"


def test_session_create_before_conference_start_is_refused(conference):
    with pytest.raises(ProgrammeError) as error:
        make(conference, start=local(2027, 3, 16, 11, 0), end=local(2027, 3, 16, 12, 30))

    assert error.value.code == "session_outside_conference"
    assert Session.objects.count() == 0


def test_session_create_after_conference_end_is_refused(conference):
    with pytest.raises(ProgrammeError) as error:
        make(conference, start=local(2027, 3, 17, 13, 0), end=local(2027, 3, 17, 14, 0))

    assert error.value.code == "session_outside_conference"


def test_session_create_exactly_at_conference_bounds_is_allowed(conference):
    make(conference, start=conference.start, end=conference.end)

    assert Session.objects.count() == 1


def test_session_refusal_message_is_translated(conference):
    with translation.override("sv"), pytest.raises(ProgrammeError) as swedish:
        make(conference, start=local(2027, 3, 16, 14, 0), end=local(2027, 3, 16, 13, 0))
    with translation.override("en"), pytest.raises(ProgrammeError) as english:
        make(conference, start=local(2027, 3, 16, 14, 0), end=local(2027, 3, 16, 13, 0))

    assert swedish.value.message == "Ett pass måste sluta efter att det börjar."
    assert english.value.message == "A session must end after it starts."


def test_room_double_booking_is_refused_and_nothing_saved(conference):
    room = RoomFactory(conference=conference)
    make(conference, room=room)

    with pytest.raises(ProgrammeError) as error:
        make(conference, room=room, start=local(2027, 3, 16, 13, 30), end=local(2027, 3, 16, 15))

    assert error.value.code == "room_busy"
    assert Session.objects.count() == 1


def test_room_back_to_back_sessions_are_allowed(conference):
    room = RoomFactory(conference=conference)
    make(conference, room=room)

    make(conference, room=room, start=local(2027, 3, 16, 14, 0), end=local(2027, 3, 16, 15, 0))

    assert Session.objects.count() == 2


def test_room_of_cancelled_session_can_be_booked_again(conference):
    room = RoomFactory(conference=conference)
    services.session_cancel(session=make(conference, room=room))

    make(conference, room=room)

    assert Session.objects.filter(status=Session.Status.SCHEDULED).count() == 1


def test_same_time_in_different_rooms_is_allowed(conference):
    make(conference, room=RoomFactory(conference=conference))

    make(conference, room=RoomFactory(conference=conference))

    assert Session.objects.count() == 2


def test_room_overlap_is_refused_by_the_database_itself(conference):
    room = RoomFactory(conference=conference)
    make(conference, room=room)
    clash = Session(
        conference=conference,
        title="Bypass",
        room=room,
        start=local(2027, 3, 16, 13, 15),
        end=local(2027, 3, 16, 13, 45),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()

    assert Session.objects.count() == 1


def test_end_before_start_is_refused_by_the_database_itself(conference):
    bad = Session(
        conference=conference,
        title="Bypass",
        start=local(2027, 3, 16, 14, 0),
        end=local(2027, 3, 16, 13, 0),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()

    assert Session.objects.count() == 0


def test_speaker_in_two_places_is_refused_and_nothing_saved(conference):
    speaker = SpeakerFactory(conference=conference)
    make(conference, room=RoomFactory(conference=conference), speakers=[speaker])

    with pytest.raises(ProgrammeError) as error:
        make(
            conference,
            room=RoomFactory(conference=conference),
            speakers=[speaker],
            start=local(2027, 3, 16, 13, 30),
            end=local(2027, 3, 16, 14, 30),
        )

    assert error.value.code == "speaker_busy"
    assert Session.objects.count() == 1


def test_speaker_in_consecutive_sessions_is_allowed(conference):
    speaker = SpeakerFactory(conference=conference)
    make(conference, speakers=[speaker])

    make(conference, speakers=[speaker], start=local(2027, 3, 16, 14), end=local(2027, 3, 16, 15))

    assert speaker.sessions.count() == 2


def test_update_moving_session_onto_busy_room_is_refused_and_row_unchanged(conference):
    room = RoomFactory(conference=conference)
    make(conference, room=room)
    other = make(conference, start=local(2027, 3, 16, 15), end=local(2027, 3, 16, 16))

    other.room = room
    other.start = local(2027, 3, 16, 13, 30)
    with pytest.raises(ProgrammeError):
        services.session_save(session=other)

    other.refresh_from_db()
    assert (other.room, other.start) == (None, local(2027, 3, 16, 15))


def test_room_of_another_conference_is_refused(conference):
    foreign_room = RoomFactory(conference=ConferenceFactory())

    with pytest.raises(ProgrammeError) as error:
        make(conference, room=foreign_room)

    assert error.value.code == "room_not_in_conference"


def test_track_of_another_conference_is_refused(conference):
    with pytest.raises(ProgrammeError) as error:
        make(conference, track=TrackFactory(conference=ConferenceFactory()))

    assert error.value.code == "track_not_in_conference"


def test_speaker_of_another_conference_is_refused(conference):
    with pytest.raises(ProgrammeError) as error:
        make(conference, speakers=[SpeakerFactory(conference=ConferenceFactory())])

    assert error.value.code == "speaker_not_in_conference"


def test_moving_a_session_bumps_sequence_and_programme_changed_at(conference):
    session = make(conference)
    before = conference.programme_changed_at

    session.start += timedelta(minutes=15)
    session.end += timedelta(minutes=15)
    services.session_save(session=session)

    session.refresh_from_db()
    conference.refresh_from_db()
    assert session.sequence == 1
    assert conference.programme_changed_at > before


def test_editing_only_the_abstract_keeps_sequence(conference):
    session = make(conference)

    session.abstract = "Mer text"
    services.session_save(session=session)

    session.refresh_from_db()
    assert session.sequence == 0


def test_cancel_keeps_the_session_and_bumps_sequence(conference):
    session = make(conference)

    services.session_cancel(session=session)

    session.refresh_from_db()
    assert (session.status, session.sequence) == (Session.Status.CANCELLED, 1)


def test_duplicate_copies_without_room_and_speakers(conference):
    room = RoomFactory(conference=conference)
    original = make(conference, room=room, speakers=[SpeakerFactory(conference=conference)])

    copy = services.session_duplicate(session=original)

    assert (copy.room, copy.start, copy.end, copy.kind) == (
        None,
        original.start,
        original.end,
        original.kind,
    )
    assert copy.code != original.code
    assert list(copy.speakers.all()) == []


def test_conference_clashes_lists_room_and_speaker_overlaps(conference):
    room = RoomFactory(conference=conference, name="Aulan")
    speaker = SpeakerFactory(conference=conference, name="Anna")
    a = SessionFactory(conference=conference, title="A", room=room)
    b = SessionFactory(conference=conference, title="B", room=None)
    a.speakers.add(speaker)
    b.speakers.add(speaker)
    with translation.override("en"):
        warnings = services.conference_clashes(conference=conference)

    assert warnings == ["Anna is in both “A” and “B”."]


def test_database_refuses_conference_ending_before_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(start=local(2027, 3, 17), end=local(2027, 3, 16))


def test_overlap_constraint_exists_for_this_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_constraint WHERE conname = 'session_room_no_overlap'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'session_room_no_overlap%'"
            )
        (count,) = cursor.fetchone()

    assert count == (1 if connection.vendor == "postgresql" else 2)


def test_deleting_a_conference_takes_its_rooms_and_sessions_along(conference):
    make(conference, room=RoomFactory(conference=conference))

    conference.delete()

    assert Session.objects.count() == 0


def test_deleting_a_room_that_has_sessions_is_refused(conference):
    from django.db.models import RestrictedError

    room = RoomFactory(conference=conference)
    make(conference, room=room)

    with pytest.raises(RestrictedError):
        room.delete()

    assert Session.objects.get().room == room
