from datetime import timedelta

import pytest

from conference.models import Session
from tests.email_fixtures import anymail_outbox, celery_eager, send_on_commit_at_once  # noqa: F401
from tests.factories import ConferenceFactory, SessionFactory, local

DETAILS = {"name": "Anna Andersson", "organisation": "Exempelkommunen", "sector": "public"}


@pytest.fixture
def conference(db):
    return ConferenceFactory(capacity=3, registration_closes=local(2027, 3, 7, 0, 0).date())


def workshop(conference, *, capacity=2, start=None, minutes=60, **kwargs):
    start = start or conference.start + timedelta(hours=1)
    return SessionFactory(
        conference=conference,
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        capacity=capacity,
        start=start,
        end=start + timedelta(minutes=minutes),
        **kwargs,
    )


@pytest.fixture
def workshops(conference):
    """Two parallel workshops at 13.00 and one at 15.00."""
    first = workshop(conference, title="Partnerskap")
    second = workshop(conference, title="Finansiering")
    later = workshop(conference, start=conference.start + timedelta(hours=3), title="Mätning")
    return first, second, later


@pytest.fixture
def lunch(conference):
    return SessionFactory(
        conference=conference,
        kind=Session.Kind.MEAL,
        title="Lunch",
        start=conference.start,
        end=conference.start + timedelta(minutes=45),
    )


BEFORE_DEADLINE = local(2027, 3, 1, 12, 0)


def register(conference, email="anna@example.org", now=None, **kwargs):
    from registration.services import registration_create

    fields = {**DETAILS, "consent": True, **kwargs}
    return registration_create(conference=conference, email=email, now=now, **fields)


def assert_seat_counters_match(conference=None):
    """Every seat counter equals the seats held by statuses (a missing counter counts as 0)."""
    from conference.models import Conference
    from registration.seats import seat_counters_mismatches

    conferences = [conference] if conference is not None else Conference.objects.all()
    mismatches = {c.slug: seat_counters_mismatches(conference_id=c.pk) for c in conferences}
    assert {slug: found for slug, found in mismatches.items() if found} == {}


@pytest.fixture
def general_path(monkeypatch):
    """Registering takes the service's general (ORM) path on every database, also where
    PostgreSQL would take its one-statement path (registration.register_sql)."""
    monkeypatch.setattr("registration.register_sql.available", lambda: False)


@pytest.fixture
def seats_consistent(db):
    """After the test: the counters of every conference match the statuses."""
    yield
    assert_seat_counters_match()
