import hashlib
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from checkin.models import BadgeCode, Entry, Scan
from checkin.services import badge_code_for, door_staff_assign
from registration.models import Registration
from tests.checkin.conftest import set_status
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def scan_url(checkpoint):
    return f"/api/checkin/checkpoints/{checkpoint.pk}/scans/"


def post_scan(client, checkpoint, **body):
    body.setdefault("scan_id", str(uuid.uuid4()))
    return client.post(scan_url(checkpoint), body, format="json")


def test_api_scan_ok_returns_door_fields_only(entrance, attendee, badge, door_user):
    attendee.diets = ["vegan"]
    attendee.save(update_fields=["diets"])

    response = post_scan(client_for(door_user), entrance, code=badge.lower(), device_id="north")

    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "ok"
    assert body["person"] == {
        "id": attendee.pk,
        "name": "Alva Ek",
        "organisation": "Malmö stad",
        "status": "confirmed",
    }
    assert attendee.email not in response.content.decode()
    assert "vegan" not in response.content.decode()


def test_api_scan_twice_already_checked_in_with_time_and_place(entrance, badge, door_user):
    client = client_for(door_user)
    post_scan(client, entrance, code=badge, device_id="north")

    response = post_scan(client, entrance, code=badge, device_id="south")

    body = response.json()
    assert body["verdict"] == "already_checked_in"
    assert body["is_duplicate"] is True
    assert body["entry"]["device"] == "north"
    assert body["entry"]["checkpoint"] == entrance.label()
    assert body["detail"].startswith("Incheckad") or body["detail"].startswith("Checked in")


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (Registration.Status.CANCELLED, "cancelled"),
        (Registration.Status.WAITING, "waiting_list"),
        (Registration.Status.OFFERED, "waiting_list"),
    ],
)
def test_api_scan_refused_statuses(entrance, attendee, badge, door_user, status, verdict):
    set_status(attendee, status)

    response = post_scan(client_for(door_user), entrance, code=badge)

    assert (response.status_code, response.json()["verdict"]) == (200, verdict)
    assert Entry.objects.count() == 0


def test_api_scan_not_signed_up_at_workshop(workshop_door, badge, door_user):
    response = post_scan(client_for(door_user), workshop_door, code=badge)

    assert response.json()["verdict"] == "not_signed_up"


def test_api_scan_unknown_code(entrance, door_user):
    response = post_scan(client_for(door_user), entrance, code="ZZZZ2222")

    assert response.json()["verdict"] == "unknown_code"
    assert response.json()["person"] is None


def test_api_scan_retry_same_scan_id_same_answer(entrance, badge, door_user):
    client = client_for(door_user)
    scan_id = str(uuid.uuid4())
    first = post_scan(client, entrance, code=badge, scan_id=scan_id)

    retry = post_scan(client, entrance, code=badge, scan_id=scan_id)

    assert retry.json() == first.json()
    assert Scan.objects.count() == 1


def test_api_scan_bad_scan_id_400_with_code(entrance, badge, door_user):
    response = post_scan(client_for(door_user), entrance, code=badge, scan_id="x")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_scan_id"
    assert Scan.objects.count() == 0


def test_api_scan_naive_time_400(entrance, badge, door_user):
    response = post_scan(
        client_for(door_user), entrance, code=badge, scanned_at="2027-03-16T08:45:00"
    )

    assert (response.status_code, response.json()["code"]) == (400, "bad_time")


def test_api_scan_unknown_checkpoint_404(door_user, badge):
    client = client_for(door_user)

    response = client.post(
        "/api/checkin/checkpoints/999999/scans/",
        {"scan_id": str(uuid.uuid4()), "code": badge},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (404, "checkpoint_not_found")


def test_api_scan_anonymous_401_nothing_stored(entrance, badge):
    response = post_scan(APIClient(), entrance, code=badge)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert Scan.objects.count() == 0


def test_api_attendee_manage_token_cannot_check_anyone_in(entrance, attendee, badge):
    other = RegistrationFactory(conference=entrance.conference)
    other_code = badge_code_for(other).code
    client = APIClient()

    as_bearer = client.post(
        scan_url(entrance),
        {"scan_id": str(uuid.uuid4()), "code": other_code},
        format="json",
        HTTP_AUTHORIZATION=f"Token {attendee.manage_token}",
    )
    as_query = client.post(
        scan_url(entrance) + f"?token={attendee.manage_token}",
        {"scan_id": str(uuid.uuid4()), "code": other_code},
        format="json",
    )

    assert as_bearer.status_code == 401
    assert as_query.status_code == 401
    assert Scan.objects.count() == 0


def test_api_door_staff_of_other_conference_403(entrance, badge):
    stranger = UserFactory(username="elsewhere", is_staff=False)
    door_staff_assign(conference=ConferenceFactory(), user=stranger)

    response = post_scan(client_for(stranger), entrance, code=badge)

    assert (response.status_code, response.json()["code"]) == (403, "not_door_staff")
    assert Scan.objects.count() == 0


def test_api_plain_staff_user_without_assignment_403(entrance, badge):
    user = UserFactory(username="staff")

    response = post_scan(client_for(user), entrance, code=badge)

    assert response.status_code == 403


def test_api_organiser_and_superuser_may_scan(entrance, badge, organiser):
    superuser = UserFactory(username="root", is_superuser=True)

    as_organiser = post_scan(client_for(organiser), entrance, code=badge)
    as_superuser = post_scan(client_for(superuser), entrance, code=badge)

    assert as_organiser.json()["verdict"] == "ok"
    assert as_superuser.json()["verdict"] == "already_checked_in"


def test_api_session_auth_needs_csrf(entrance, badge, door_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(door_user)

    response = post_scan(client, entrance, code=badge)

    assert response.status_code == 403
    assert Scan.objects.count() == 0


def test_api_list_has_hashes_and_door_fields_only(entrance, attendee, badge, door_user):
    attendee.diets = ["vegan"]
    attendee.save(update_fields=["diets"])

    response = client_for(door_user).get(f"/api/checkin/checkpoints/{entrance.pk}/list/")

    body = response.json()
    assert body["people"] == [
        {
            "id": attendee.pk,
            "h": hashlib.sha256(badge.encode()).hexdigest(),
            "s": hashlib.sha256(BadgeCode.objects.get(code=badge).short_code.encode()).hexdigest(),
            "name": "Alva Ek",
            "organisation": "Malmö stad",
            "status": "confirmed",
            "verdict": "ok",
            "checked_in_at": None,
        }
    ]
    text = response.content.decode()
    assert badge not in text
    assert attendee.email not in text
    assert "vegan" not in text


def test_api_list_includes_people_without_a_badge_for_offline_name_search(
    entrance, attendee, door_user
):
    response = client_for(door_user).get(f"/api/checkin/checkpoints/{entrance.pk}/list/")

    assert [(p["id"], p["h"], p["verdict"]) for p in response.json()["people"]] == [
        (attendee.pk, None, "ok")
    ]


def test_api_list_query_count_does_not_grow(entrance, door_user):
    client = client_for(door_user)
    url = f"/api/checkin/checkpoints/{entrance.pk}/list/"
    badge_code_for(RegistrationFactory(conference=entrance.conference))
    client.get(url)  # the token and the right to scan are then cached
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        badge_code_for(RegistrationFactory(conference=entrance.conference))

    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.json()["people"]) == 5
    assert len(many) == len(one)


def test_api_list_other_conference_403(entrance):
    stranger = UserFactory(username="elsewhere", is_staff=False)
    door_staff_assign(conference=ConferenceFactory(), user=stranger)

    response = client_for(stranger).get(f"/api/checkin/checkpoints/{entrance.pk}/list/")

    assert response.status_code == 403


def test_api_sync_batch_results_per_item(entrance, attendee, badge, door_user):
    client = client_for(door_user)
    ids = [str(uuid.uuid4()) for _ in range(3)]
    scans = [
        {"scan_id": ids[0], "code": badge, "scanned_at": "2026-01-01T08:50:00+01:00"},
        {"scan_id": ids[1], "code": badge, "scanned_at": "2026-01-01T08:45:00+01:00"},
        {"scan_id": ids[2], "code": badge, "scanned_at": "yesterday"},
    ]

    response = client.post(
        f"/api/checkin/checkpoints/{entrance.pk}/sync/",
        {"device_id": "phone-1", "scans": scans},
        format="json",
    )

    results = response.json()["results"]
    assert [r["scan_id"] for r in results] == ids
    assert results[0]["verdict"] == "ok"
    assert results[1]["verdict"] == "ok"
    assert Entry.objects.get().scan.scan_id == uuid.UUID(ids[1])
    assert Scan.objects.get(scan_id=ids[0]).is_duplicate is True
    assert Scan.objects.filter(device_id="phone-1").count() == 3


def test_api_sync_empty_400(entrance, door_user):
    response = client_for(door_user).post(
        f"/api/checkin/checkpoints/{entrance.pk}/sync/", {"scans": []}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "no_scans")


def test_api_search_by_name_door_fields(entrance, attendee, door_user):
    RegistrationFactory(conference=entrance.conference, name="Bo Ek")
    RegistrationFactory(name="Alva Ek i annan konferens")

    response = client_for(door_user).get(
        f"/api/checkin/checkpoints/{entrance.pk}/search/", {"q": "alva"}
    )

    assert response.json()["results"] == [
        {
            "id": attendee.pk,
            "name": "Alva Ek",
            "organisation": "Malmö stad",
            "status": "confirmed",
            "verdict": "ok",
            "checked_in_at": None,
            "can_check_in": True,
        }
    ]


def test_api_manual_check_in_by_registration_id(entrance, attendee, door_user):
    response = post_scan(client_for(door_user), entrance, registration_id=attendee.pk)

    assert response.json()["verdict"] == "ok"
    assert Scan.objects.get().manual is True


def test_api_manual_check_in_other_conference_person_unknown(entrance, door_user):
    stranger = RegistrationFactory()

    response = post_scan(client_for(door_user), entrance, registration_id=stranger.pk)

    assert response.json()["verdict"] == "unknown_code"


@pytest.mark.parametrize("registration_id", ["99999999999999999999999", "-3", "abc"])
def test_api_manual_check_in_with_an_impossible_id_400_nothing_stored(
    entrance, door_user, registration_id
):
    response = post_scan(client_for(door_user), entrance, registration_id=registration_id)

    assert response.status_code == 400
    assert response.json()["code"] == "bad_registration"
    assert not Scan.objects.exists()


def test_api_checkpoints_lists_only_own_conferences(entrance, door_user):
    ConferenceFactory()

    response = client_for(door_user).get("/api/checkin/checkpoints/")

    assert {row["conference"] for row in response.json()} == {entrance.conference.slug}


def test_api_scan_not_json_body_400(entrance, door_user):
    response = client_for(door_user).post(
        scan_url(entrance), data=json.dumps([1, 2]), content_type="application/json"
    )

    assert response.status_code == 400


def test_api_checkpoints_for_token_only_device_without_any_page_opened(conference, door_user):
    from checkin.models import Checkpoint
    from tests.factories import SessionFactory

    workshop = SessionFactory(conference=conference, kind="workshop", title="Verkstad")
    assert Checkpoint.objects.count() == 0

    response = client_for(door_user).get("/api/checkin/checkpoints/")

    assert response.status_code == 200
    assert [(row["kind"], row["label"]) for row in response.json()] == [
        ("entrance", "Entré, 16 mars"),
        ("entrance", "Entré, 17 mars"),
        ("session", Checkpoint.objects.get(session=workshop).label()),
    ]


def test_api_checkpoints_query_count_does_not_grow_with_conferences(
    door_user, conference, django_capture_on_commit_callbacks
):
    client = client_for(door_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/api/checkin/checkpoints/")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/checkin/checkpoints/")
    for _ in range(3):
        door_staff_assign(conference=ConferenceFactory(), user=door_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/api/checkin/checkpoints/")

    with CaptureQueriesContext(connection) as four:
        client.get("/api/checkin/checkpoints/")

    assert len(four) == len(one)  # the doors of every conference in one go; none ensured again
