"""An organiser of another conference gets 404 for every page and endpoint of the programme."""

import pytest
from django.urls import reverse

from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    ("programme", False),
    ("programme-add", False),
    ("programme-check", False),
    ("programme-import", False),
    ("programme-import-template", False),
    ("programme-edit", "session"),
    ("programme-move", "session"),
    ("programme-cancel", "session"),
    ("programme-reinstate", "session"),
    ("speakers", False),
    ("speakers-add", False),
    ("speakers-edit", "speaker"),
    ("speakers-delete", "speaker"),
    ("rooms", False),
    ("rooms-add", False),
    ("rooms-edit", "room"),
    ("rooms-delete", "room"),
    ("themes-add", False),
    ("themes-edit", "track"),
    ("themes-delete", "track"),
]


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_programme_page_of_another_conference_is_404(client, method):
    theirs = ConferenceFactory()
    things = {
        "session": SessionFactory(conference=theirs),
        "speaker": SpeakerFactory(conference=theirs),
        "room": RoomFactory(conference=theirs),
        "track": TrackFactory(conference=theirs),
    }
    mine = ConferenceFactory()
    me = UserFactory(is_staff=False)
    mine.organisers.add(me)
    client.force_login(me)

    statuses = {}
    for name, thing in PAGES:
        args = [theirs.slug] + ([things[thing].pk] if thing else [])
        statuses[name] = getattr(client, method)(
            reverse(f"organiser:{name}", args=args)
        ).status_code

    assert statuses == {name: 404 for name, _thing in PAGES}
    assert theirs.sessions.get().status == "scheduled"


def test_own_conference_but_another_conferences_session_is_404(organiser_client, conference):
    session = SessionFactory()

    response = organiser_client.get(
        reverse("organiser:programme-edit", args=[conference.slug, session.pk])
    )

    assert response.status_code == 404


def test_check_of_another_conferences_session_is_404(organiser_client, conference):
    session = SessionFactory()

    response = organiser_client.post(
        reverse("organiser:programme-check", args=[conference.slug]),
        {"move": session.pk, "start": "2027-03-16T13:00"},
    )

    assert response.status_code == 404


def test_programme_pages_ask_anonymous_visitors_to_log_in(client, conference):
    response = client.get(reverse("organiser:programme", args=[conference.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("organiser:login"))


@pytest.mark.parametrize(
    "name", ["programme-edit", "programme-move", "programme-cancel", "speakers-edit", "rooms-edit"]
)
def test_an_id_no_row_can_have_is_404_not_500(organiser_client, conference, name):
    response = organiser_client.get(reverse(f"organiser:{name}", args=[conference.slug, 10**25]))

    assert response.status_code == 404


def test_a_room_id_no_row_can_have_is_a_form_error(organiser_client, conference):
    response = organiser_client.post(
        reverse("organiser:programme-check", args=[conference.slug]),
        {
            "title": "X",
            "kind": "seminar",
            "language": "sv",
            "start": "2027-03-16T15:00",
            "duration": "30",
            "room": "9" * 25,
            "speakers": ["9" * 25],
        },
    )

    assert response.status_code == 200
    assert [(p["field"], p["code"]) for p in response.json()["problems"]] == [
        ("room", "invalid_choice"),
        ("speakers", "invalid_choice"),
    ]
