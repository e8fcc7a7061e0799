"""Name search at the door ignores case and diacritics both ways and shows each person's state;
a badge of the organisers' other conference is named."""

import hashlib
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from checkin.models import Scan
from checkin.names import folds, matches
from checkin.selectors import door_other_badges, door_search
from checkin.services import badge_code_for, scan_submit, scans_sync
from registration.models import Registration
from registration.services import registration_cancel
from tests.checkin.conftest import set_status
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(rows):
    return [row["name"] for row in rows]


@pytest.mark.parametrize("query", ["odeg", "Ödeg", "OEDEGAARD", "ödegaard", "ODEGAARD"])
def test_door_search_ignores_case_and_diacritics(entrance, query):
    RegistrationFactory(conference=entrance.conference, name="Karin Ödegaard")
    RegistrationFactory(conference=entrance.conference, name="Bo Ek")

    assert names(door_search(entrance, query)) == ["Karin Ödegaard"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("ödeg", "Oedegaard"),
        ("odeg", "Ødegaard"),
        ("aeroe", "Ærø Jensen"),
        ("aero", "Ærø Jensen"),
        ("strasse", "Anna Straße"),
        ("ASA", "Åsa Öberg"),
        ("jose", "José García"),
    ],
)
def test_door_search_folds_both_ways(entrance, query, name):
    RegistrationFactory(conference=entrance.conference, name=name)

    assert names(door_search(entrance, query)) == [name]


def test_names_fold_same_as_scanner_js_cases():
    # static/checkin/names.js implements the same folds; the browser test checks it offline.
    assert folds("Ödegaard") == {"odegaard", "oedegaard"}
    assert folds("ÆRØ") == {"aero", "aeroe"}
    assert matches(folds("oedegaard"), "Ödegaard") is True
    assert matches(folds("xyz"), "Ödegaard") is False


def test_door_search_finds_organisation_too(entrance):
    RegistrationFactory(conference=entrance.conference, name="Bo Ek", organisation="Malmö stad")

    assert names(door_search(entrance, "malmo")) == ["Bo Ek"]


def test_door_search_shows_state_and_offers_check_in_only_when_it_can_succeed(entrance):
    conference = entrance.conference
    fresh = RegistrationFactory(conference=conference, name="Karin A")
    inside = RegistrationFactory(conference=conference, name="Karin B")
    cancelled = RegistrationFactory(conference=conference, name="Karin C")
    waiting = RegistrationFactory(conference=conference, name="Karin D")
    scan_submit(checkpoint=entrance, scan_id=uuid.uuid4(), code=badge_code_for(inside).code)
    set_status(cancelled, Registration.Status.CANCELLED)
    set_status(waiting, Registration.Status.WAITING)

    rows = door_search(entrance, "karin")

    assert [(r["id"], r["verdict"], r["can_check_in"]) for r in rows] == [
        (fresh.pk, "ok", True),
        (inside.pk, "ok", False),
        (cancelled.pk, "cancelled", False),
        (waiting.pk, "waiting_list", False),
    ]
    assert rows[1]["checked_in_at"] is not None
    assert rows[0]["checked_in_at"] is None


@pytest.mark.parametrize("size", [1, 5])
def test_door_search_queries_do_not_grow(entrance, size):
    RegistrationFactory.create_batch(size, conference=entrance.conference, name="Karin Ek")

    with CaptureQueriesContext(connection) as queries:
        rows = door_search(entrance, "karin")

    assert len(rows) == size
    assert len(queries) == 2


@pytest.fixture
def sister(conference, organiser):
    """Another conference of the same organiser, with a badge."""
    other = ConferenceFactory(slug="sister", name="Lärkonferens 2018", name_en="Learning 2018")
    other.organisers.add(organiser)
    person = RegistrationFactory(conference=other, name="Sara Syster")
    return other, badge_code_for(person)


def test_scan_submit_badge_of_sister_conference_names_it(entrance, sister, door_user):
    other, badge = sister

    response = (
        _client(door_user)
        .post(
            f"/api/checkin/checkpoints/{entrance.pk}/scans/",
            {"scan_id": str(uuid.uuid4()), "code": badge.code},
            format="json",
            HTTP_ACCEPT_LANGUAGE="sv",
        )
        .json()
    )

    assert response["verdict"] == "other_conference"
    assert response["title"] == "Brickan gäller en annan konferens: Lärkonferens 2018"
    assert response["person"] is None
    assert Scan.objects.get().verdict == "other_conference"


def test_scan_submit_short_code_of_sister_conference_names_it(entrance, sister):
    other, badge = sister

    result = scan_submit(checkpoint=entrance, scan_id=uuid.uuid4(), code=badge.short_code)

    assert (result.verdict, result.other_conference) == ("other_conference", other)


def test_scans_sync_badge_of_sister_conference_names_it(entrance, sister):
    other, badge = sister

    [result] = scans_sync(
        checkpoint=entrance, scans=[{"scan_id": str(uuid.uuid4()), "code": badge.code}]
    )

    assert (result.verdict, result.other_conference) == ("other_conference", other)


def test_scan_submit_badge_of_strangers_conference_unknown(entrance, organiser):
    stranger = ConferenceFactory(slug="stranger")
    stranger.organisers.add(UserFactory(username="someone-else"))
    badge = badge_code_for(RegistrationFactory(conference=stranger))

    result = scan_submit(checkpoint=entrance, scan_id=uuid.uuid4(), code=badge.code)

    assert (result.verdict, result.other_conference) == ("unknown_code", None)


def _client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.parametrize("size", [1, 4])
def test_api_search_query_count_does_not_grow(entrance, door_user, size):
    client = _client(door_user)
    url = f"/api/checkin/checkpoints/{entrance.pk}/search/"
    RegistrationFactory.create_batch(size, conference=entrance.conference, name="Karin Ek")
    client.get(url, {"q": "warm"})  # the token and the right to scan are then cached

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": "karin"})

    assert len(response.json()["results"]) == size
    assert len(queries) == 2


def test_api_status_changed_at_moves_with_registrations_and_badges(entrance, door_user, attendee):
    client = _client(door_user)
    url = f"/api/checkin/checkpoints/{entrance.pk}/status/"
    before = client.get(url).json()["changed_at"]
    list_made = client.get(f"/api/checkin/checkpoints/{entrance.pk}/list/").json()["changed_at"]

    badge_code_for(attendee)
    after_badge = client.get(url).json()["changed_at"]
    registration_cancel(registration=attendee, notify=False)
    after_cancel = client.get(url).json()["changed_at"]

    assert before == list_made
    assert before < after_badge < after_cancel


def test_api_status_other_conference_403(entrance):
    stranger = UserFactory(username="stranger", is_staff=False)

    response = _client(stranger).get(f"/api/checkin/checkpoints/{entrance.pk}/status/")

    assert (response.status_code, response.json()["code"]) == (403, "not_door_staff")


def test_api_list_carries_hashes_of_sister_conference_badges_with_its_name(
    entrance, sister, door_user, organiser
):
    other, badge = sister
    stranger = ConferenceFactory(slug="stranger")
    badge_code_for(RegistrationFactory(conference=stranger))

    body = (
        _client(door_user)
        .get(f"/api/checkin/checkpoints/{entrance.pk}/list/", HTTP_ACCEPT_LANGUAGE="en")
        .json()
    )

    assert body["other_conferences"] == {
        hashlib.sha256(badge.code.encode()).hexdigest(): "Learning 2018",
        hashlib.sha256(badge.short_code.encode()).hexdigest(): "Learning 2018",
    }


@pytest.mark.parametrize("size", [1, 4])
def test_door_other_badges_one_query(entrance, sister, size):
    other, _badge = sister
    for _ in range(size):
        badge_code_for(RegistrationFactory(conference=other))

    with CaptureQueriesContext(connection) as queries:
        found = door_other_badges(entrance)

    assert len(found) == 2 * (size + 1)
    assert len(queries) == 1
