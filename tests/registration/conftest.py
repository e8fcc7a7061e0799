from datetime import timedelta

import pytest
from django.core import mail

from conference.models import Session
from tests.factories import ConferenceFactory, SessionFactory, local

DETAILS = {"name": "Anna Andersson", "organisation": "Exempelkommunen", "sector": "public"}


@pytest.fixture(autouse=True)
def _outbox(settings):
    # Django's test set-up replaces EMAIL_BACKEND with locmem; use anymail's test backend, which
    # also fills mail.outbox and reports a provider status like a real ESP.
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process even when CELERY_BROKER_URL is set; the worker test opts out."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _send_on_commit_at_once(request, monkeypatch):
    """In tests that run inside one never-committed transaction, after-commit work runs at
    once. Transactional tests (races, the Celery worker) keep the real after-commit path."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return
    from django.db import transaction

    def at_once(func, using=None, robust=False):
        func()

    monkeypatch.setattr(transaction, "on_commit", at_once)


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
