"""Seat counters: taken by one conditional UPDATE right before commit, always equal to the
statuses, capped by the capacity as the organiser has set it at that moment."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from conference.models import Conference, Session
from conference.services import session_cancel, session_delete
from registration import seats
from registration.errors import RegistrationError
from registration.models import AuditEntry, EmailLog, Registration, SeatCounter, Signup
from registration.seats import seat_counters_mismatches, seat_counters_rebuild
from registration.services import registration_cancel, signup_swap, signups_change
from tests.factories import RegistrationFactory, RoomFactory, SignupFactory

from .conftest import assert_seat_counters_match, register, workshop

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


def taken(conference, session=None):
    counter = SeatCounter.objects.filter(conference=conference, session=session).first()
    return counter.taken if counter else None


def test_register_takes_seats_in_counters(conference, workshops):
    first, _second, later = workshops

    register(conference, session_ids=[first.pk, later.pk])

    assert (taken(conference), taken(conference, first), taken(conference, later)) == (1, 1, 1)


@pytest.mark.usefixtures("general_path")
def test_register_takes_seats_last_before_commit(conference, workshops, monkeypatch):
    first, _second, later = workshops
    # Counters exist, as they do in a rush; the e-mail task is left out of the count.
    register(conference, email="warm@example.org", session_ids=[first.pk, later.pk])
    monkeypatch.setattr("registration.emails.email_dispatch", lambda log_id: None)

    with CaptureQueriesContext(connection) as queries:
        register(conference, session_ids=[first.pk, later.pk])

    sql = [" ".join(q["sql"].replace('"', "").split()) for q in queries.captured_queries]
    updates = [i for i, q in enumerate(sql) if q.startswith("UPDATE registration_seatcounter")]
    assert len(updates) == 3
    # From the first counter UPDATE (which locks its row) to COMMIT: only counter UPDATEs.
    after = [q for q in sql[updates[0] :] if not q.startswith(("RELEASE", "COMMIT"))]
    assert len(after) == 3
    assert len(sql) == 11


@pytest.mark.usefixtures("general_path")
def test_register_when_guess_says_free_but_conference_full_flips_to_waiting(
    conference, workshops, monkeypatch
):
    first = workshops[0]
    for i in range(3):
        register(conference, email=f"s{i}@example.org")
    stale = {None: 0, first.pk: 0}
    monkeypatch.setattr(seats, "seat_counters_get", lambda **kwargs: stale)

    registration, _ = register(conference, session_ids=[first.pk])

    registration.refresh_from_db()
    assert (registration.status, registration.waiting_since is not None) == ("waiting", True)
    assert list(registration.signups.values_list("status", flat=True)) == ["waiting"]
    assert AuditEntry.objects.get(registration=registration).details["status"] == "waiting"
    assert EmailLog.objects.get(registration=registration).kind == "waiting"
    assert taken(conference) == 3


@pytest.mark.usefixtures("general_path")
def test_register_when_guess_says_full_but_seat_free_flips_to_confirmed(
    conference, workshops, monkeypatch
):
    first = workshops[0]
    stale = {None: 3, first.pk: 2}
    register(conference, email="warm@example.org", session_ids=[first.pk])
    monkeypatch.setattr(seats, "seat_counters_get", lambda **kwargs: stale)

    registration, _ = register(conference, session_ids=[first.pk])

    registration.refresh_from_db()
    assert (registration.status, registration.waiting_since) == ("confirmed", None)
    assert list(registration.signups.values_list("status", "waiting_since")) == [
        ("confirmed", None)
    ]
    assert AuditEntry.objects.get(registration=registration).details == {
        "status": "confirmed",
        "sessions": {str(first.pk): "confirmed"},
    }
    assert EmailLog.objects.get(registration=registration).kind == "confirmation"


@pytest.mark.usefixtures("general_path")
def test_register_without_waitlist_when_guess_wrong_refused_nothing_changed(
    conference, workshops, monkeypatch
):
    first = workshops[0]
    register(conference, email="a@example.org", session_ids=[first.pk])
    register(conference, email="b@example.org", session_ids=[first.pk])
    monkeypatch.setattr(
        seats,
        "seat_counters_get",
        lambda **kwargs: {None: 0, first.pk: 0},
    )

    with pytest.raises(RegistrationError) as error:
        register(conference, session_ids=[first.pk], waitlist_ok=False)

    assert error.value.code == "session_full"
    assert Registration.objects.count() == 2
    assert (taken(conference), taken(conference, first)) == (2, 2)


def test_capacity_lowered_by_organiser_counts_at_once(conference):
    register(conference, email="a@example.org")
    register(conference, email="b@example.org")
    Conference.objects.filter(pk=conference.pk).update(capacity=2)

    # `conference` still says 3 seats: the UPDATE reads the cap itself.
    late, _ = register(conference, email="c@example.org")

    assert late.status == "waiting"
    assert taken(conference) == 2


def test_capacity_raised_by_organiser_counts_at_once(conference):
    for i in range(3):
        register(conference, email=f"s{i}@example.org")
    Conference.objects.filter(pk=conference.pk).update(capacity=4)

    late, _ = register(conference, email="late@example.org")

    assert late.status == "confirmed"
    assert taken(conference) == 4


def test_capacity_removed_means_no_limit(conference):
    Conference.objects.filter(pk=conference.pk).update(capacity=None)

    results = [register(conference, email=f"p{i}@example.org")[0] for i in range(5)]

    assert [r.status for r in results] == ["confirmed"] * 5


def test_session_cap_falls_back_to_room_and_follows_its_edits(conference):
    room = RoomFactory(conference=conference, capacity=1)
    ws = workshop(conference, capacity=None, room=room)
    register(conference, email="a@example.org", session_ids=[ws.pk])

    second, _ = register(conference, email="b@example.org", session_ids=[ws.pk])
    room.capacity = 3
    room.save(update_fields=["capacity"])
    third, _ = register(conference, email="c@example.org", session_ids=[ws.pk])
    Session.objects.filter(pk=ws.pk).update(capacity=1)
    fourth, _ = register(conference, email="d@example.org", session_ids=[ws.pk])

    statuses = [r.signups.get().status for r in (second, third, fourth)]
    assert statuses == ["waiting", "confirmed", "waiting"]
    assert taken(conference, ws) == 2


def test_cancel_and_swap_move_counters(conference, workshops):
    first, second, _later = workshops
    a, _ = register(conference, email="a@example.org", session_ids=[first.pk])
    b, _ = register(conference, email="b@example.org", session_ids=[first.pk])
    c, _ = register(conference, email="c@example.org", session_ids=[first.pk])
    w, _ = register(conference, email="w@example.org", session_ids=[first.pk])

    signup_swap(registration=a, from_session=first, to_session=second)
    registration_cancel(registration=b)

    assert Signup.objects.get(registration=c).status == "confirmed"
    assert Registration.objects.get(pk=w.pk).status == "confirmed"
    assert (taken(conference), taken(conference, first), taken(conference, second)) == (3, 2, 1)


def test_session_cancelled_by_organiser_keeps_counters_and_closes_signup(conference, workshops):
    first = workshops[0]
    a, _ = register(conference, email="a@example.org", session_ids=[first.pk])

    session_cancel(session=Session.objects.get(pk=first.pk))

    assert taken(conference, first) == 1
    with pytest.raises(RegistrationError) as error:
        register(conference, email="b@example.org", session_ids=[first.pk])
    assert error.value.code == "invalid_session"
    signups_change(registration=a, session_ids=[])
    assert taken(conference, first) == 0


def test_session_deleted_by_organiser_takes_its_counter_along(conference, workshops):
    first = workshops[0]
    register(conference, session_ids=[first.pk])

    session_delete(session=Session.objects.get(pk=first.pk))

    assert not SeatCounter.objects.filter(session_id=first.pk).exists()
    assert taken(conference) == 1


def test_missing_counters_are_created_from_statuses(conference, workshops):
    first = workshops[0]
    register(conference, email="a@example.org", session_ids=[first.pk])
    SeatCounter.objects.all().delete()

    register(conference, email="b@example.org", session_ids=[first.pk])
    third, _ = register(conference, email="c@example.org", session_ids=[first.pk])

    assert (taken(conference), taken(conference, first)) == (3, 2)
    assert third.signups.get().status == "waiting"


def test_counter_below_zero_refused_by_database(conference):
    register(conference)

    with pytest.raises(IntegrityError), transaction.atomic():
        SeatCounter.objects.filter(conference=conference).update(taken=-1)


def test_rebuild_corrects_counters_written_around_the_services(conference, workshops):
    first = workshops[0]
    register(conference, session_ids=[first.pk])
    SignupFactory(session=first, registration=RegistrationFactory(conference=conference))
    SeatCounter.objects.filter(session__isnull=True).update(taken=7)

    changes = seat_counters_rebuild(conference=conference)

    assert changes == {None: (7, 2), first.pk: (1, 2)}
    assert seat_counters_mismatches(conference_id=conference.pk) == {}
    assert seat_counters_rebuild(conference=conference) == {}


def test_rebuild_command_reports_and_corrects(conference, capsys):
    register(conference)
    SeatCounter.objects.filter(conference=conference).update(taken=2)

    call_command("rebuild_seat_counters", conference.slug)

    assert capsys.readouterr().out == (
        f"{conference.slug}: conference: 2 -> 1\n1 counter(s) corrected.\n"
    )
    assert_seat_counters_match(conference)


def test_offer_expiry_and_accept_keep_counters(conference, workshops):
    from django.utils import timezone

    from registration.services import offer_accept, registration_expire_offers

    Conference.objects.filter(pk=conference.pk).update(waitlist_mode="offer", offer_hours=1)
    first = workshops[0]
    seated = [
        register(conference, email=f"s{i}@example.org", session_ids=[first.pk])[0] for i in range(3)
    ]
    w1, _ = register(conference, email="w1@example.org", session_ids=[first.pk])
    w2, _ = register(conference, email="w2@example.org")

    registration_cancel(registration=seated[0])
    registration_expire_offers(now=timezone.now() + timedelta(hours=2))
    offer_accept(registration=Registration.objects.get(pk=w2.pk))

    assert Registration.objects.get(pk=w1.pk).status == "cancelled"
    assert Registration.objects.get(pk=w2.pk).status == "confirmed"
    # s2 was offered the workshop seat s0 freed, and let it expire too.
    assert (taken(conference), taken(conference, first)) == (3, 1)


def test_cancelled_session_has_no_seat_at_decision_time(conference, workshops):
    first = workshops[0]
    register(conference, session_ids=[first.pk])
    Session.objects.filter(pk=first.pk).update(status=Session.Status.CANCELLED)

    taken_now = seats.session_seat_take(conference_id=conference.pk, session_id=first.pk)

    assert taken_now is False
    assert taken(conference, first) == 1
