import pytest
from rest_framework.test import APIClient

from registration.models import Registration, Signup
from tests.factories import ConferenceFactory, SessionFactory, UserFactory, local

from .conftest import register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


@pytest.fixture
def api():
    return APIClient()


def payload(**overrides):
    data = {
        "name": "Anna Andersson",
        "email": "anna@example.org",
        "organisation": "Exempelkommunen",
        "sector": "public",
        "consent": True,
    }
    data.update(overrides)
    return data


def snapshot():
    return (
        list(Registration.objects.values_list("id", "status", "name")),
        list(Signup.objects.values_list("id", "status")),
    )


def test_create_answers_202_check_email_for_new_and_known_address_alike(api, conference):
    url = f"/api/conferences/{conference.slug}/registrations/"

    new = api.post(url, payload(), format="json")
    known = api.post(url, payload(email="ANNA@example.org", name="Other"), format="json")

    assert new.status_code == known.status_code == 202
    assert new.json() == known.json()
    assert new.json()["code"] == "check_email"
    assert "token" not in str(new.json())
    assert Registration.objects.get().name == "Anna Andersson"


def test_token_reads_changes_and_cancels(api, conference, workshops):
    first, second, _ = workshops
    registration, _ = register(conference, session_ids=[first.pk])
    url = f"/api/registrations/{registration.manage_token}/"

    read = api.get(url)
    changed = api.patch(url, {"sessions": [second.pk], "name": "Anna B"}, format="json")
    cancelled = api.delete(url)

    assert read.status_code == 200
    assert read.json()["sessions"][0]["session"] == first.pk
    assert changed.status_code == 200
    assert [s["session"] for s in changed.json()["sessions"]] == [second.pk]
    assert changed.json()["name"] == "Anna B"
    assert cancelled.json()["status"] == "cancelled"


def test_unknown_token_is_404_with_code(api):
    response = api.get("/api/registrations/nope/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"name": "x" * 10_000}, "invalid_input", "name"),
        ({"name": "<b>Anna</b>"}, "invalid_input", "name"),
        ({"name": ""}, "invalid_input", "name"),
        ({"email": "not-an-email"}, "invalid_input", "email"),
        ({"email": None}, "invalid_input", "email"),
        ({"sector": "martian"}, "invalid_input", "sector"),
        ({"consent": False}, "invalid_input", "consent"),
        ({"consent": "maybe"}, "invalid_input", "consent"),
        ({"sessions": "abc"}, "invalid_input", "sessions"),
        ({"sessions": ["abc"]}, "invalid_input", "sessions"),
        ({"sessions": [999999]}, "invalid_session", "sessions"),
        ({"sessions": [99999999999999999999999]}, "invalid_input", "sessions"),
        ({"sessions": [-1]}, "invalid_input", "sessions"),
        ({"meals": [99999999999999999999999]}, "invalid_input", "meals"),
        ({"diets": ["chocolate"]}, "invalid_input", "diets"),
    ],
)
def test_create_bad_input_400_with_code_and_nothing_saved(api, conference, overrides, code, field):
    data = payload(**overrides)
    if overrides.get("email", "") is None:
        del data["email"]

    response = api.post(f"/api/conferences/{conference.slug}/registrations/", data, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    assert field in body["errors"]
    assert snapshot() == ([], [])


def test_create_other_conference_session_refused(api, conference):
    other = SessionFactory(conference=ConferenceFactory(), requires_signup=True)

    response = api.post(
        f"/api/conferences/{conference.slug}/registrations/",
        payload(sessions=[other.pk]),
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_session")
    assert snapshot() == ([], [])


def test_create_overlap_refused(api, conference, workshops):
    response = api.post(
        f"/api/conferences/{conference.slug}/registrations/",
        payload(sessions=[workshops[0].pk, workshops[1].pk]),
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "sessions_overlap")
    assert snapshot() == ([], [])


def test_create_closed_409_in_both_languages(api):
    conference = ConferenceFactory(registration_closes=local(2026, 1, 1, 0, 0).date())
    url = f"/api/conferences/{conference.slug}/registrations/"

    en = api.post(url, payload(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    sv = api.post(url, payload(), format="json", HTTP_ACCEPT_LANGUAGE="sv")

    assert (en.status_code, en.json()["code"]) == (409, "registration_closed")
    assert en.json()["detail"] == "Registration has closed."
    assert (sv.status_code, sv.json()["code"]) == (409, "registration_closed")
    assert Registration.objects.count() == 0


def test_create_full_without_waiting_list_409(api, conference):
    for i in range(3):
        register(conference, email=f"s{i}@example.org")

    response = api.post(
        f"/api/conferences/{conference.slug}/registrations/",
        payload(join_waiting_list=False),
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "conference_full")
    assert Registration.objects.count() == 3


def test_patch_swap_to_full_session_409_keeps_seat(api, conference, workshops):
    first, second, _ = workshops
    registration, _ = register(conference, session_ids=[first.pk])
    register(conference, email="b@example.org", session_ids=[second.pk])
    register(conference, email="c@example.org", session_ids=[second.pk])
    before = snapshot()

    response = api.patch(
        f"/api/registrations/{registration.manage_token}/",
        {"sessions": [second.pk], "name": "Changed"},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "session_full")
    assert snapshot() == before


def test_organiser_list_and_csv_only_for_own_conferences(api, conference):
    register(conference)
    organiser = UserFactory()
    conference.organisers.add(organiser)
    stranger = UserFactory()
    api.force_authenticate(organiser)

    listed = api.get(f"/api/organiser/conferences/{conference.slug}/registrations/")
    csv = api.get(f"/api/organiser/conferences/{conference.slug}/registrations.csv")
    api.force_authenticate(stranger)
    hidden = api.get(f"/api/organiser/conferences/{conference.slug}/registrations/")
    api.force_authenticate(None)
    anonymous = api.get(f"/api/organiser/conferences/{conference.slug}/registrations/")

    assert [r["email"] for r in listed.json()] == ["anna@example.org"]
    assert b"anna@example.org" in csv.content
    assert hidden.status_code == 404
    assert anonymous.status_code in (401, 403)


def test_organiser_add_known_address_409_already_registered(api, conference):
    register(conference)
    organiser = UserFactory()
    conference.organisers.add(organiser)
    api.force_authenticate(organiser)

    response = api.post(
        f"/api/organiser/conferences/{conference.slug}/registrations/",
        payload(email="Anna@example.org"),
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "already_registered")
    assert Registration.objects.count() == 1


def test_schema_generates(api):
    response = api.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/registrations/{token}/" in response.content


# Sessions named as the sessions API names them ---------------------------------------------------


def test_create_with_session_and_meal_codes_from_sessions_api(api, conference, workshops, lunch):
    first, _, later = workshops
    published = {
        s["title"]: s["id"] for s in api.get(f"/api/conferences/{conference.slug}/sessions/").json()
    }

    response = api.post(
        f"/api/conferences/{conference.slug}/registrations/",
        payload(
            sessions=[published["Partnerskap"], published["Mätning"]], meals=[published["Lunch"]]
        ),
        format="json",
    )

    assert response.status_code == 202
    registration = Registration.objects.get()
    assert sorted(registration.signups.values_list("session_id", flat=True)) == sorted(
        [first.pk, later.pk]
    )
    assert list(registration.meals.values_list("pk", flat=True)) == [lunch.pk]


def test_create_with_code_and_id_mixed(api, conference, workshops):
    first, _, later = workshops

    response = api.post(
        f"/api/conferences/{conference.slug}/registrations/",
        payload(sessions=[first.code, later.pk]),
        format="json",
    )

    assert response.status_code == 202
    assert sorted(Signup.objects.values_list("session_id", flat=True)) == sorted(
        [first.pk, later.pk]
    )


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"sessions": ["ZZZZZZZZ"]}, "invalid_session"),
        ({"meals": ["ZZZZZZZZ"]}, "invalid_meal"),
        ({"sessions": ["zzzzzzzz"]}, "invalid_input"),
        ({"sessions": [True]}, "invalid_input"),
        ({"sessions": [{"id": 1}]}, "invalid_input"),
    ],
)
def test_create_with_unknown_or_malformed_code_refused(api, conference, workshops, overrides, code):
    response = api.post(
        f"/api/conferences/{conference.slug}/registrations/", payload(**overrides), format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, code)
    assert snapshot() == ([], [])


def test_create_with_code_of_other_conference_refused(api, conference):
    other = SessionFactory(conference=ConferenceFactory(), requires_signup=True)

    response = api.post(
        f"/api/conferences/{conference.slug}/registrations/",
        payload(sessions=[other.code]),
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_session")
    assert snapshot() == ([], [])


def test_patch_with_session_code(api, conference, workshops):
    first, second, _ = workshops
    registration, _ = register(conference, session_ids=[first.pk])

    response = api.patch(
        f"/api/registrations/{registration.manage_token}/",
        {"sessions": [second.code]},
        format="json",
    )

    assert response.status_code == 200
    assert [s["code"] for s in response.json()["sessions"]] == [second.code]


def test_create_without_codes_makes_no_lookup_query(api, conference, workshops):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        api.post(
            f"/api/conferences/{conference.slug}/registrations/",
            payload(sessions=[workshops[0].pk]),
            format="json",
        )

    assert [q["sql"] for q in queries if '"code" IN' in q["sql"]] == []


def test_schema_documents_session_codes_for_sessions_and_meals(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    fields = schema["components"]["schemas"]["Create"]["properties"]
    for name in ("sessions", "meals"):
        one_of = fields[name]["items"]["oneOf"]
        assert [option["type"] for option in one_of] == ["string", "integer"]
        assert one_of[0]["pattern"] == "^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$"
