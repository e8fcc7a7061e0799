"""Input that no database column can store (NUL, lone surrogates, bytes that are not UTF-8) is
refused once, before any view queries, with a 400 and the code `unstorable_input`."""

import pytest

from registration.models import Registration
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

DETAIL_EN = "The request holds characters that cannot be stored, such as a NUL character."


@pytest.fixture
def conference():
    return ConferenceFactory(slug="malmo")


@pytest.mark.parametrize(
    "path",
    [
        "/r/%00/",
        "/agenda/%00.ics",
        "/malmo/sessions/%00/",
        "/malmo/%00/",
        "/organiser/malmo/registrations/?q=a%00b",
        "/malmo/?%00=1",
        "/r/%ff%fe/",
        "/malmo/sessions/%ed%a0%80/",
    ],
)
def test_page_with_unstorable_path_or_query_answers_400_page(client, conference, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="sv")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Felaktig förfrågan</h1>" in response.content.decode()


def test_english_page_with_nul_answers_english_400_page(client, conference):
    response = client.get("/en/malmo/sessions/%00/")

    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert f"<p>{DETAIL_EN}</p>" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/registrations/%00/",
        "/api/conferences/malmo/sessions/?day=%00",
        "/api/conferences/%ff/",
    ],
)
def test_api_with_unstorable_path_or_query_answers_400_with_code(client, conference, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"code": "unstorable_input", "detail": DETAIL_EN}


def test_api_json_body_with_nul_refused_and_nothing_saved(client, conference):
    response = client.post(
        "/api/conferences/malmo/registrations/",
        {"name": "Alva\u0000Ek", "email": "alva@example.org"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "unstorable_input"
    assert Registration.objects.count() == 0


def test_api_json_body_with_lone_surrogate_in_key_refused(client, conference):
    response = client.post(
        "/api/conferences/malmo/registrations/",
        b'{"name": "Alva", "\\ud800": 1, "email": "alva@example.org"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "unstorable_input"
    assert Registration.objects.count() == 0


def test_form_field_with_nul_refused_and_nothing_saved(client, conference):
    response = client.post(
        "/malmo/register/",
        {"name": "Alva Ek", "email": "alva\x00@example.org", "organisation": "Malmö stad"},
    )

    assert response.status_code == 400
    assert Registration.objects.count() == 0


def test_multipart_field_with_nul_refused(client, conference):
    user = UserFactory(username="anna")
    conference.organisers.add(user)
    client.force_login(user)

    response = client.post("/en/organiser/malmo/registrations/", {"q": "x\x00"})

    assert response.status_code == 400


def test_token_header_with_nul_refused(client, conference):
    response = client.get("/api/checkin/checkpoints/", HTTP_AUTHORIZATION="Token abc\x00def")

    assert response.status_code == 400
    assert response.json()["code"] == "unstorable_input"


def test_session_cookie_with_nul_dropped_not_a_500(client, conference):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"

    response = client.get("/malmo/")

    assert response.status_code == 200


def test_ordinary_input_passes(client, conference):
    RegistrationFactory(conference=conference)

    page = client.get("/malmo/?q=Malmö%20\u200fstad")
    api = client.get("/api/conferences/malmo/sessions/?q=%C3%A5")

    assert page.status_code == 200
    assert api.status_code == 200


def test_malformed_json_still_answers_the_parsers_400(client, conference):
    response = client.post(
        "/api/conferences/malmo/registrations/", b"{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
