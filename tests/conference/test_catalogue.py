import pytest

from conference import catalogue
from conference.errors import ProgrammeError
from conference.models import Room, Speaker, Track
from conference.services import session_problems
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    local,
)


def test_session_problems_lists_room_and_speaker_clashes_at_once(conference):
    room = RoomFactory(conference=conference, name="Aulan")
    speaker = SpeakerFactory(conference=conference, name="Anna Exempel")
    other = SessionFactory(
        conference=conference,
        title="Öppning",
        room=room,
        start=local(2027, 3, 16, 13),
        end=local(2027, 3, 16, 14),
    )
    other.speakers.add(speaker)
    candidate = SessionFactory.build(
        conference=conference,
        room=room,
        start=local(2027, 3, 16, 13, 30),
        end=local(2027, 3, 16, 14, 30),
    )

    problems = session_problems(session=candidate, speakers=[speaker])

    assert [p.code for p in problems] == ["room_busy", "speaker_busy"]
    assert [p.field for p in problems] == ["room", "speakers"]


def test_session_problems_for_a_sound_session_is_empty_and_saves_nothing(conference):
    candidate = SessionFactory.build(
        conference=conference, start=local(2027, 3, 16, 13), end=local(2027, 3, 16, 14)
    )

    assert session_problems(session=candidate, speakers=[]) == []
    assert conference.sessions.count() == 0


def test_room_save_creates_a_room(conference):
    room = catalogue.room_save(room=Room(conference=conference, name=" Aulan ", capacity=80))

    assert list(conference.rooms.values_list("name", "capacity")) == [("Aulan", 80)]
    assert room.name == "Aulan"


def test_room_save_refuses_a_name_taken_in_the_conference(conference):
    RoomFactory(conference=conference, name="Aulan")

    with pytest.raises(ProgrammeError) as error:
        catalogue.room_save(room=Room(conference=conference, name="aulan"))

    assert error.value.code == "room_name_taken"
    assert conference.rooms.count() == 1


def test_room_save_allows_the_same_name_in_another_conference(conference):
    RoomFactory(conference=ConferenceFactory(), name="Aulan")

    catalogue.room_save(room=Room(conference=conference, name="Aulan"))

    assert conference.rooms.count() == 1


def test_room_delete_removes_an_unused_room(conference):
    room = RoomFactory(conference=conference)

    catalogue.room_delete(room=room)

    assert conference.rooms.count() == 0


def test_room_delete_refuses_a_room_with_sessions(conference):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room)

    with pytest.raises(ProgrammeError) as error:
        catalogue.room_delete(room=room)

    assert error.value.code == "room_in_use"
    assert conference.rooms.count() == 1


def test_track_save_creates_and_refuses_a_bad_colour(conference):
    catalogue.track_save(track=Track(conference=conference, name="Samverkan", colour="#112233"))

    with pytest.raises(ProgrammeError) as error:
        catalogue.track_save(track=Track(conference=conference, name="Finansiering", colour="red"))

    assert error.value.code == "track_colour_invalid"
    assert list(conference.tracks.values_list("name", flat=True)) == ["Samverkan"]


def test_track_save_refuses_a_taken_name(conference):
    TrackFactory(conference=conference, name="Samverkan")

    with pytest.raises(ProgrammeError) as error:
        catalogue.track_save(track=Track(conference=conference, name="SAMVERKAN"))

    assert error.value.code == "track_name_taken"
    assert conference.tracks.count() == 1


def test_track_delete_leaves_its_sessions_without_a_theme(conference):
    track = TrackFactory(conference=conference)
    session = SessionFactory(conference=conference, track=track)

    catalogue.track_delete(track=track)

    session.refresh_from_db()
    assert session.track_id is None
    assert conference.tracks.count() == 0


def test_speaker_save_creates_and_refuses_an_empty_name(conference):
    catalogue.speaker_save(speaker=Speaker(conference=conference, name="Anna", organisation="X"))

    with pytest.raises(ProgrammeError) as error:
        catalogue.speaker_save(speaker=Speaker(conference=conference, name="  "))

    assert error.value.code == "speaker_name_missing"
    assert list(conference.speakers.values_list("name", flat=True)) == ["Anna"]


def test_speaker_delete_removes_a_speaker_without_sessions(conference):
    speaker = SpeakerFactory(conference=conference)

    catalogue.speaker_delete(speaker=speaker)

    assert conference.speakers.count() == 0


def test_speaker_delete_refuses_a_speaker_in_a_session(conference):
    speaker = SpeakerFactory(conference=conference)
    SessionFactory(conference=conference).speakers.add(speaker)

    with pytest.raises(ProgrammeError) as error:
        catalogue.speaker_delete(speaker=speaker)

    assert error.value.code == "speaker_in_use"
    assert conference.speakers.count() == 1


def test_session_save_with_new_creates_room_speakers_and_session(conference):
    session = SessionFactory.build(
        conference=conference, start=local(2027, 3, 16, 13), end=local(2027, 3, 16, 14)
    )

    saved = catalogue.session_save_with_new(
        session=session,
        new_room=Room(conference=conference, name="Sal B"),
        new_speakers=[catalogue.speaker_parse("Bo Prov (Region Skåne)", conference=conference)],
    )

    assert saved.room.name == "Sal B"
    assert list(saved.speakers.values_list("name", "organisation")) == [("Bo Prov", "Region Skåne")]


def test_session_save_with_new_refused_leaves_no_room_or_speaker(conference):
    session = SessionFactory.build(
        conference=conference, start=local(2027, 3, 10, 13), end=local(2027, 3, 10, 14)
    )

    with pytest.raises(ProgrammeError) as error:
        catalogue.session_save_with_new(
            session=session,
            new_room=Room(conference=conference, name="Sal B"),
            new_speakers=[Speaker(conference=conference, name="Bo Prov")],
        )

    assert error.value.code == "session_outside_conference"
    assert (conference.rooms.count(), conference.speakers.count(), conference.sessions.count()) == (
        0,
        0,
        0,
    )


def test_speaker_parse_reads_name_and_organisation(conference):
    speaker = catalogue.speaker_parse(" Fadi Barakat (Coompanion Skåne) ", conference=conference)

    assert (speaker.name, speaker.organisation) == ("Fadi Barakat", "Coompanion Skåne")
