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
