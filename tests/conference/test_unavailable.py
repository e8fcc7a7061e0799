"""When the database cannot answer (restarting, failing over), pages and the API answer 503 with
"try again", rendered without the database; other server errors stay 500."""

import pytest
from django.db import OperationalError
from django.test import Client

from registration.models import Registration
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.fixture
def database_gone(monkeypatch):
    """Every query fails as it does while PostgreSQL restarts."""
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    monkeypatch.setattr(CursorWrapper, "executemany", refuse)


def test_page_while_database_gone_answers_503_try_again_in_swedish(client, database_gone):
    response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "<h1>Försök igen om en stund</h1>" in response.content.decode()


def test_english_page_while_database_gone_answers_english_503(client, database_gone):
    response = client.get("/en/")

    assert response.status_code == 503
    assert "<h1>Try again in a moment</h1>" in response.content.decode()


def test_api_while_database_gone_answers_503_with_code(client, database_gone):
    response = client.get("/api/conferences/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response.json() == {
        "code": "unavailable",
        "detail": "Samla is briefly unavailable. Try again.",
    }


@pytest.mark.django_db(transaction=True)
def test_registration_while_database_gone_503_and_nothing_saved(client, monkeypatch):
    conference = ConferenceFactory(slug="malmo")
    from django.db.backends.utils import CursorWrapper

    real = CursorWrapper.execute

    def fail_on_insert(self, sql, params=None):
        if sql.lstrip().upper().startswith("INSERT"):
            raise OperationalError("server closed the connection unexpectedly")
        return real(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", fail_on_insert)

    response = client.post(
        f"/api/conferences/{conference.slug}/registrations/",
        {"name": "Anna", "email": "anna@example.org", "sector": "public", "consent": True},
        content_type="application/json",
    )

    monkeypatch.undo()
    assert response.status_code == 503
    assert Registration.objects.count() == 0


def test_other_server_error_stays_500(client, monkeypatch):
    import conference.views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(conference.views, "conference_list_published", broken)

    response = client.get("/")

    assert response.status_code == 500
    assert "<h1>Något gick fel</h1>" in response.content.decode()
