import pytest

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


def test_conferences_endpoint_lists_only_published(client):
    ConferenceFactory(slug="open", is_published=True)
    ConferenceFactory(slug="draft", is_published=False)

    response = client.get("/api/conferences/")

    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == ["open"]


def test_unpublished_conference_answers_404_with_code(client):
    ConferenceFactory(slug="draft", is_published=False)

    response = client.get("/api/conferences/draft/sessions/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_conference_answers_404_with_code(client):
    response = client.get("/api/conferences/nope/")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_sessions_endpoint_returns_programme_with_speakers(client, conference):
    room = RoomFactory(conference=conference, name="Aulan")
    session = SessionFactory(conference=conference, title="Öppning", room=room)
    session.speakers.add(SpeakerFactory(conference=conference, name="Anna"))

    data = client.get("/api/conferences/malmo/sessions/").json()

    assert len(data) == 1
    assert data[0]["id"] == session.code
    assert data[0]["title"] == "Öppning"
    assert data[0]["room"]["name"] == "Aulan"
    assert [s["name"] for s in data[0]["speakers"]] == ["Anna"]
    assert data[0]["start"] == "2027-03-16T13:00:00+01:00"


def test_sessions_filter_by_day_uses_local_date(client, conference):
    SessionFactory(
        conference=conference,
        title="Dag 1",
        start=local(2027, 3, 16, 23, 0),
        end=local(2027, 3, 16, 23, 30),
    )
    SessionFactory(
        conference=conference,
        title="Dag 2",
        start=local(2027, 3, 17, 0, 30),
        end=local(2027, 3, 17, 1, 0),
    )

    day1 = client.get("/api/conferences/malmo/sessions/?day=2027-03-16").json()
    day2 = client.get("/api/conferences/malmo/sessions/?day=2027-03-17").json()

    assert [s["title"] for s in day1] == ["Dag 1"]
    assert [s["title"] for s in day2] == ["Dag 2"]


def test_sessions_filter_by_room_track_and_kind(client, conference):
    room = RoomFactory(conference=conference)
    track = TrackFactory(conference=conference)
    wanted = SessionFactory(
        conference=conference, room=room, track=track, kind=Session.Kind.WORKSHOP
    )
    SessionFactory(conference=conference, kind=Session.Kind.WORKSHOP)
    SessionFactory(
        conference=conference,
        room=room,
        track=track,
        kind=Session.Kind.SEMINAR,
        start=local(2027, 3, 16, 15),
        end=local(2027, 3, 16, 16),
    )

    data = client.get(
        f"/api/conferences/malmo/sessions/?room={room.pk}&track={track.pk}&kind=workshop"
    ).json()

    assert [s["id"] for s in data] == [wanted.code]


@pytest.mark.parametrize(
    "query",
    [
        "day=16-03-2027",
        "day=tomorrow",
        "room=abc",
        "track=1.5",
        "kind=party",
        # No row can have these ids; SQLite cannot even compare with the first.
        "room=99999999999999999999999",
        "track=-1",
        "room=0",
    ],
)
def test_invalid_filter_answers_400_with_code(client, conference, query):
    response = client.get(f"/api/conferences/malmo/sessions/?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"


def test_invalid_filter_message_is_translated(client, conference):
    response = client.get("/api/conferences/malmo/sessions/?kind=party", HTTP_ACCEPT_LANGUAGE="sv")

    assert response.json()["detail"].startswith("Okänd sorts pass")


def test_rooms_tracks_speakers_endpoints(client, conference):
    RoomFactory(conference=conference, name="Aulan")
    TrackFactory(conference=conference, name="Samverkan")
    SpeakerFactory(conference=conference, name="Anna")
    RoomFactory(conference=ConferenceFactory(), name="Annan")

    rooms = client.get("/api/conferences/malmo/rooms/").json()
    tracks = client.get("/api/conferences/malmo/tracks/").json()
    speakers = client.get("/api/conferences/malmo/speakers/").json()

    assert [r["name"] for r in rooms] == ["Aulan"]
    assert [t["name"] for t in tracks] == ["Samverkan"]
    assert [s["name"] for s in speakers] == ["Anna"]


def test_session_detail_endpoint(client, conference):
    session = SessionFactory(conference=conference, title="Ett pass")

    response = client.get(f"/api/conferences/malmo/sessions/{session.code}/")

    assert (response.status_code, response.json()["title"]) == (200, "Ett pass")


@pytest.mark.parametrize("count", [1, 50])
def test_session_list_endpoint_runs_fixed_queries(
    client, conference, programme_of, count, django_assert_num_queries
):
    programme_of(conference, count)

    with django_assert_num_queries(3):
        response = client.get("/api/conferences/malmo/sessions/")

    assert len(response.json()) == count


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/conferences/{slug}/sessions/" in schema.content
    assert docs.status_code == 200


def test_openapi_schema_is_valid_and_has_no_warnings(tmp_path):
    from django.core.management import call_command

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )

    assert "/api/checkin/checkpoints/{id}/scans/" in (tmp_path / "schema.yml").read_text()
