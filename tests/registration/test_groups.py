"""Colleagues registered in one go (all or none) and a seat handed to a colleague."""

import pytest

from registration.errors import RegistrationError
from registration.models import AuditEntry, Registration, Signup
from registration.services import group_of, group_register, registration_substitute
from tests.factories import ConferenceFactory

from .conftest import BEFORE_DEADLINE, DETAILS, assert_seat_counters_match, register, workshop
from .test_races import run_together


def member(email, **kwargs):
    return {**DETAILS, "email": email, **kwargs}


def test_group_register_when_seats_left_registers_everyone_with_own_link(conference):
    ws = workshop(conference, capacity=5)

    people = group_register(
        conference=conference,
        booker=member("anna@example.org", session_ids=[ws.pk]),
        colleagues=[member("bo@example.org", session_ids=[ws.pk]), member("cia@example.org")],
        consent=True,
        now=BEFORE_DEADLINE,
    )

    assert [p.status for p in people] == ["confirmed", "confirmed", "confirmed"]
    assert len({p.manage_token for p in people}) == 3
    assert [p.email for p in group_of(people[0])] == ["bo@example.org", "cia@example.org"]
    assert list(Registration.objects.values_list("source", flat=True)) == [
        "form",
        "group",
        "group",
    ]
    assert Signup.objects.filter(session=ws, status="confirmed").count() == 2
    assert_seat_counters_match(conference)


def test_group_register_when_one_seat_short_saves_nothing(conference):
    register(conference, email="first@example.org", now=BEFORE_DEADLINE)  # 2 of 3 seats left

    with pytest.raises(RegistrationError) as refused:
        group_register(
            conference=conference,
            booker=member("anna@example.org"),
            colleagues=[member("bo@example.org"), member("cia@example.org")],
            consent=True,
            now=BEFORE_DEADLINE,
        )

    assert refused.value.code == "conference_full"
    assert Registration.objects.count() == 1
    assert_seat_counters_match(conference)


def test_group_register_when_a_workshop_is_short_saves_nothing(conference):
    ws = workshop(conference, capacity=1)

    with pytest.raises(RegistrationError) as refused:
        group_register(
            conference=conference,
            booker=member("anna@example.org", session_ids=[ws.pk]),
            colleagues=[member("bo@example.org", session_ids=[ws.pk])],
            consent=True,
            now=BEFORE_DEADLINE,
        )

    assert refused.value.code == "session_full"
    assert Registration.objects.count() == 0
    assert Signup.objects.count() == 0
    assert_seat_counters_match(conference)


def test_group_register_with_a_registered_colleague_saves_nothing(conference):
    register(conference, email="bo@example.org", now=BEFORE_DEADLINE)

    with pytest.raises(RegistrationError) as refused:
        group_register(
            conference=conference,
            booker=member("anna@example.org"),
            colleagues=[member("BO@example.org")],
            consent=True,
            now=BEFORE_DEADLINE,
        )

    assert refused.value.code == "colleague_already_registered"
    assert Registration.objects.count() == 1


def test_group_register_with_the_same_address_twice_is_refused(conference):
    with pytest.raises(RegistrationError) as refused:
        group_register(
            conference=conference,
            booker=member("anna@example.org"),
            colleagues=[member("Anna@example.org")],
            consent=True,
            now=BEFORE_DEADLINE,
        )

    assert refused.value.field == "colleagues"
    assert Registration.objects.count() == 0


def test_substitute_moves_seat_and_workshops_only_and_logs_it(conference, lunch):
    ws = workshop(conference, capacity=1)
    old, _created = register(
        conference,
        now=BEFORE_DEADLINE,
        session_ids=[ws.pk],
        meal_ids=[lunch.pk],
        diets=["vegan"],
        accessibility="Rullstol",
    )

    new = registration_substitute(
        registration=old, name="Bo Berg", email="bo@example.org", now=BEFORE_DEADLINE
    )

    old.refresh_from_db()
    assert old.status == "cancelled"
    assert (new.status, new.name, new.organisation, new.source) == (
        "confirmed",
        "Bo Berg",
        "Exempelkommunen",
        "substitute",
    )
    assert new.manage_token != old.manage_token
    assert list(new.signups.values_list("session_id", "status")) == [(ws.pk, "confirmed")]
    assert (new.diets, new.accessibility, list(new.meals.all())) == ([], "", [])
    assert list(old.meals.all()) == [lunch]
    assert Registration.objects.filter(status="confirmed").count() == 1
    assert sorted(
        AuditEntry.objects.filter(action__startswith="seat.").values_list(
            "registration_id", "action"
        )
    ) == [(old.pk, "seat.handed_over"), (new.pk, "seat.taken_over")]
    assert_seat_counters_match(conference)


def test_substitute_after_deadline_refused_unless_on_the_day(conference):
    old, _created = register(conference, now=BEFORE_DEADLINE)
    after = conference.start

    with pytest.raises(RegistrationError) as refused:
        registration_substitute(registration=old, name="Bo Berg", email="bo@example.org", now=after)
    assert refused.value.code == "registration_closed"
    assert Registration.objects.count() == 1

    new = registration_substitute(
        registration=old, name="Bo Berg", email="bo@example.org", now=after, on_the_day=True
    )
    assert new.status == "confirmed"


def test_substitute_to_a_registered_address_changes_nothing(conference):
    old, _created = register(conference, now=BEFORE_DEADLINE)
    register(conference, email="bo@example.org", now=BEFORE_DEADLINE)

    with pytest.raises(RegistrationError) as refused:
        registration_substitute(
            registration=old, name="Bo Berg", email="bo@example.org", now=BEFORE_DEADLINE
        )

    assert refused.value.code == "already_registered"
    old.refresh_from_db()
    assert old.status == "confirmed"


@pytest.mark.django_db(transaction=True)
def test_two_groups_of_3_racing_for_the_last_4_seats_one_gets_3_the_other_none():
    conference = ConferenceFactory(capacity=6)
    for i in range(2):
        register(conference, email=f"early{i}@example.org")

    def group(prefix):
        return lambda: group_register(
            conference=conference,
            booker=member(f"{prefix}0@example.org"),
            colleagues=[member(f"{prefix}1@example.org"), member(f"{prefix}2@example.org")],
            consent=True,
        )

    results, errors = run_together([group("a"), group("b")])

    assert len(results) == 1
    assert [e.code for e in errors] == ["conference_full"]
    assert Registration.objects.filter(status="confirmed").count() == 5
    assert Registration.objects.count() == 5
    assert_seat_counters_match(conference)


@pytest.mark.django_db(transaction=True)
def test_group_of_3_racing_a_single_for_the_last_2_seats_takes_none():
    conference = ConferenceFactory(capacity=3)
    register(conference, email="early@example.org")

    results, errors = run_together(
        [
            lambda: group_register(
                conference=conference,
                booker=member("a0@example.org"),
                colleagues=[member("a1@example.org"), member("a2@example.org")],
                consent=True,
            ),
            lambda: register(conference, email="single@example.org", waitlist_ok=False),
        ]
    )

    assert [e.code for e in errors] == ["conference_full"]
    assert len(results) == 1
    assert sorted(Registration.objects.values_list("email", flat=True)) == [
        "early@example.org",
        "single@example.org",
    ]
    assert_seat_counters_match(conference)
