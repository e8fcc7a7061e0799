import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import RoomFactory, SessionFactory, SpeakerFactory, TrackFactory

pytestmark = pytest.mark.django_db


def url(name, conference, *args):
    return reverse(f"organiser:{name}", args=[conference.slug, *args])


def queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def test_speaker_list_runs_the_same_queries_at_1_and_20_speakers(organiser_client, conference):
    SessionFactory(conference=conference).speakers.add(SpeakerFactory(conference=conference))
    small = queries(organiser_client, url("speakers", conference))
    for _ in range(19):
        SessionFactory(conference=conference).speakers.add(SpeakerFactory(conference=conference))

    assert queries(organiser_client, url("speakers", conference)) == small


def test_rooms_page_runs_the_same_queries_at_1_and_20_rooms(organiser_client, conference):
    RoomFactory(conference=conference)
    TrackFactory(conference=conference)
    small = queries(organiser_client, url("rooms", conference))
    for _ in range(19):
        RoomFactory(conference=conference)
        TrackFactory(conference=conference)

    assert queries(organiser_client, url("rooms", conference)) == small


def test_speaker_list_shows_only_this_conferences_speakers(organiser_client, conference):
    own = SpeakerFactory(conference=conference, name="Anna Exempel")
    SpeakerFactory(name="Någon Annan")

    response = organiser_client.get(url("speakers", conference))

    assert [s.pk for s in response.context["speakers"]] == [own.pk]


def test_speaker_add_and_edit(organiser_client, conference):
    organiser_client.post(
        url("speakers-add", conference),
        {"name": "Anna Exempel", "organisation": "Coompanion Skåne", "bio": "Vd."},
    )
    speaker = conference.speakers.get()

    response = organiser_client.post(
        url("speakers-edit", conference, speaker.pk),
        {"name": "Anna Exempel", "organisation": "Region Skåne", "bio_en": "CEO."},
    )

    speaker.refresh_from_db()
    assert response.status_code == 302
    assert (speaker.organisation, speaker.bio_en) == ("Region Skåne", "CEO.")


def test_speaker_delete_refused_while_speaking_changes_nothing(organiser_client, conference):
    speaker = SpeakerFactory(conference=conference)
    SessionFactory(conference=conference).speakers.add(speaker)

    response = organiser_client.post(url("speakers-delete", conference, speaker.pk))

    assert response.status_code == 400
    assert conference.speakers.count() == 1


def test_speaker_delete_when_unused(organiser_client, conference):
    speaker = SpeakerFactory(conference=conference)

    response = organiser_client.post(url("speakers-delete", conference, speaker.pk))

    assert response.status_code == 302
    assert conference.speakers.count() == 0


def test_room_add_refuses_a_taken_name_with_a_form_error(organiser_client, conference):
    RoomFactory(conference=conference, name="Aulan")

    response = organiser_client.post(
        url("rooms-add", conference), {"name": "Aulan", "position": "1", "step_free": "on"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Konferensen har redan en lokal som heter Aulan."
    ]
    assert conference.rooms.count() == 1


def test_room_add_edit_and_delete(organiser_client, conference):
    organiser_client.post(
        url("rooms-add", conference), {"name": "Aulan", "capacity": "80", "position": "0"}
    )
    room = conference.rooms.get()
    organiser_client.post(
        url("rooms-edit", conference, room.pk),
        {"name": "Aulan", "name_en": "The Hall", "capacity": "90", "position": "0"},
    )
    room.refresh_from_db()
    assert (room.name_en, room.capacity) == ("The Hall", 90)

    response = organiser_client.post(url("rooms-delete", conference, room.pk))

    assert response.status_code == 302
    assert conference.rooms.count() == 0


def test_room_delete_refused_while_in_use(organiser_client, conference):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room)

    response = organiser_client.post(url("rooms-delete", conference, room.pk))

    assert response.status_code == 400
    assert conference.rooms.count() == 1


def test_theme_add_and_delete(organiser_client, conference):
    organiser_client.post(url("themes-add", conference), {"name": "Samverkan", "colour": "#224466"})
    track = conference.tracks.get()

    organiser_client.post(url("themes-delete", conference, track.pk))

    assert conference.tracks.count() == 0
