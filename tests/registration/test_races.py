"""Many people at the same second, with real threads and real transactions: on PostgreSQL the
conference row lock serialises seat-taking; on SQLite the IMMEDIATE transactions do."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from registration.models import Registration, Signup
from registration.services import registration_cancel, registration_create, signup_swap
from tests.factories import ConferenceFactory

from .conftest import DETAILS, assert_seat_counters_match, workshop

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seats_consistent"),
]


def run_together(jobs):
    """Start every job at once (behind a barrier); return (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job):
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except Exception as exc:  # collected and asserted empty below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def registers(conference, email, session_ids=()):
    return lambda: registration_create(
        conference=conference, email=email, consent=True, session_ids=session_ids, **DETAILS
    )


@pytest.fixture(params=["default", "general"])
def registering_path(request, monkeypatch):
    """PostgreSQL registers in one statement where it can (registration.register_sql); race
    the general path there too, which organisers' adds and refusals-when-full take."""
    if request.param == "general":
        if connection.vendor != "postgresql":
            pytest.skip("SQLite has only the general path")
        monkeypatch.setattr("registration.register_sql.available", lambda: False)
    return request.param


@pytest.mark.usefixtures("registering_path")
def test_rush_of_60_for_30_seats_and_a_10_seat_workshop_never_oversells():
    conference = ConferenceFactory(capacity=30)
    ws = workshop(conference, capacity=10)

    results, errors = run_together(
        [registers(conference, f"p{i}@example.org", [ws.pk]) for i in range(60)]
    )

    assert errors == []
    assert len(results) == 60
    assert Registration.objects.filter(conference=conference).count() == 60
    assert Registration.objects.filter(status="confirmed").count() == 30
    assert Registration.objects.filter(status="waiting").count() == 30
    assert Signup.objects.filter(session=ws, status="confirmed").count() == 10
    assert Signup.objects.filter(session=ws, status="waiting").count() == 50
    assert Signup.objects.filter(status="confirmed", registration__status="waiting").count() == 0


@pytest.mark.usefixtures("registering_path")
def test_same_address_submitted_by_20_threads_gives_one_registration():
    conference = ConferenceFactory(capacity=30)

    results, errors = run_together(
        [
            registers(conference, "Same@Example.org" if i % 2 else "same@example.org")
            for i in range(20)
        ]
    )

    assert errors == []
    assert Registration.objects.count() == 1
    assert len({registration.pk for registration, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 19 + [True]


def test_cancellations_racing_registrations_keep_waiting_list_order():
    conference = ConferenceFactory(capacity=10)
    seated = [registers(conference, f"s{i}@example.org")()[0] for i in range(10)]
    waiting = [registers(conference, f"w{i}@example.org")()[0] for i in range(20)]
    # Distinct, increasing times, so the expected order is unambiguous on every database.
    for i, registration in enumerate(waiting):
        Registration.objects.filter(pk=registration.pk).update(
            waiting_since=registration.waiting_since - timedelta(minutes=60 - i)
        )

    jobs = [lambda r=r: registration_cancel(registration=r) for r in seated[:6]]
    jobs += [registers(conference, f"n{i}@example.org") for i in range(30)]
    results, errors = run_together(jobs)

    assert errors == []
    confirmed = set(Registration.objects.filter(status="confirmed").values_list("email", flat=True))
    assert len(confirmed) == 10
    assert confirmed == {f"s{i}@example.org" for i in range(6, 10)} | {
        f"w{i}@example.org" for i in range(6)
    }
    still_waiting = list(
        Registration.objects.filter(status="waiting")
        .order_by("waiting_since", "id")
        .values_list("email", flat=True)
    )
    assert still_waiting[:14] == [f"w{i}@example.org" for i in range(6, 20)]
    assert sorted(still_waiting[14:]) == sorted(f"n{i}@example.org" for i in range(30))


def test_swaps_cancels_and_registrations_at_once_keep_counters_exact():
    conference = ConferenceFactory(capacity=20)
    a = workshop(conference, capacity=6, title="A")
    b = workshop(conference, capacity=6, title="B")
    seated = [registers(conference, f"s{i}@example.org", [a.pk])()[0] for i in range(12)]

    jobs = [
        lambda r=r: signup_swap(registration=r, from_session=a, to_session=b, waitlist_ok=True)
        for r in seated[:4]
    ]
    jobs += [lambda r=r: registration_cancel(registration=r) for r in seated[8:]]
    jobs += [
        registers(conference, f"n{i}@example.org", [a.pk if i % 2 else b.pk]) for i in range(24)
    ]
    results, errors = run_together(jobs)

    assert errors == []
    assert Registration.objects.filter(status="confirmed").count() == 20
    for session in (a, b):
        assert Signup.objects.filter(session=session, status="confirmed").count() == 6
    assert Signup.objects.filter(status="confirmed", registration__status="waiting").count() == 0
    assert_seat_counters_match(conference)


def test_api_answers_each_of_40_simultaneous_posts_on_its_own():
    """The create endpoint shares one serializer between threads: good and bad bodies sent at
    the same moment each get their own answer, and only the good ones are saved."""
    from rest_framework.test import APIClient

    conference = ConferenceFactory(capacity=15)
    url = f"/api/conferences/{conference.slug}/registrations/"
    bad = {"sector": "martian"}, {"consent": "maybe"}, {"name": "<b>x</b>"}, {"email": "nope"}
    bodies = [
        {
            **DETAILS,
            "email": f"p{i}@example.org",
            "consent": True,
            **(bad[i // 2 % 4] if i % 2 else {}),
        }
        for i in range(40)
    ]

    def post(body):
        response = APIClient().post(url, body, format="json")
        return (
            response.status_code,
            response.json()["code"],
            sorted(response.json().get("errors", {})),
        )

    results, errors = run_together([lambda body=body: post(body) for body in bodies])

    assert errors == []
    assert sorted(results) == sorted(
        [(202, "check_email", [])] * 20
        + [(400, "invalid_input", [field]) for field in ("sector", "consent", "name", "email")] * 5
    )
    assert sorted(Registration.objects.values_list("email", flat=True)) == sorted(
        f"p{i}@example.org" for i in range(0, 40, 2)
    )
    assert Registration.objects.filter(status="confirmed").count() == 15
