from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from conference.models import Conference, Session
from registration.errors import RegistrationError
from registration.models import AuditEntry, EmailLog, Registration, Signup
from registration.services import (
    offer_accept,
    registration_cancel,
    registration_delete,
    registration_expire_offers,
    registration_export,
    registration_update,
    signup_swap,
    signups_change,
)
from tests.factories import ConferenceFactory, SessionFactory, local

from .conftest import register, workshop

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


def snapshot():
    return (
        list(Registration.objects.order_by("id").values_list("id", "status", "email")),
        list(Signup.objects.order_by("id").values_list("id", "session_id", "status")),
    )


# Registering ---------------------------------------------------------------------------------


def test_register_with_seats_left_is_confirmed_and_mailed(conference, workshops, lunch):
    first, _second, later = workshops

    registration, created = register(
        conference, session_ids=[first.pk, later.pk], meal_ids=[lunch.pk], diets=["vegan"]
    )

    assert created is True
    assert registration.status == Registration.Status.CONFIRMED
    assert list(registration.signups.values_list("session_id", "status")) == [
        (first.pk, "confirmed"),
        (later.pk, "confirmed"),
    ]
    assert list(registration.meals.all()) == [lunch]
    assert registration.diets == ["vegan"]
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert EmailLog.objects.get().status == EmailLog.Status.SENT
    assert AuditEntry.objects.get().action == "registered"


def test_register_same_email_other_case_returns_same_registration(conference):
    registration, _ = register(conference, email="Anna@Example.org")
    mail.outbox.clear()

    again, created = register(conference, email="anna@EXAMPLE.org", name="Someone Else")

    assert created is False
    assert again.pk == registration.pk
    assert Registration.objects.get().name == "Anna Andersson"
    assert Registration.objects.count() == 1
    assert mail.outbox == []  # a double click within minutes sends nothing more


def test_register_known_email_long_after_sends_reminder_to_holder_only(conference):
    registration, _ = register(conference)
    Registration.objects.filter(pk=registration.pk).update(
        updated_at=timezone.now() - timedelta(days=1)
    )
    mail.outbox.clear()

    again, created = register(conference, name="Mallory")

    assert (again.pk, created) == (registration.pk, False)
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert EmailLog.objects.filter(kind="reminder").count() == 1


def test_register_when_conference_full_joins_waiting_list(conference):
    for i in range(3):
        register(conference, email=f"p{i}@example.org")

    registration, created = register(conference, email="late@example.org")

    assert created is True
    assert registration.status == Registration.Status.WAITING
    assert registration.waiting_since is not None
    assert EmailLog.objects.filter(to="late@example.org").get().kind == "waiting"


def test_register_when_conference_full_without_waitlist_refused_nothing_changed(conference):
    for i in range(3):
        register(conference, email=f"p{i}@example.org")
    before = snapshot()

    with pytest.raises(RegistrationError) as error:
        register(conference, email="late@example.org", waitlist_ok=False)

    assert error.value.code == "conference_full"
    assert snapshot() == before


def test_register_when_workshop_full_joins_its_waiting_list_keeps_conference_seat(
    conference, workshops
):
    first, _, later = workshops
    register(conference, email="a@example.org", session_ids=[first.pk])
    register(conference, email="b@example.org", session_ids=[first.pk])

    registration, _ = register(conference, email="c@example.org", session_ids=[first.pk, later.pk])

    assert registration.status == "confirmed"
    assert dict(registration.signups.values_list("session_id", "status")) == {
        first.pk: "waiting",
        later.pk: "confirmed",
    }


def test_register_when_workshop_full_without_waitlist_refused_nothing_changed(
    conference, workshops
):
    first = workshops[0]
    register(conference, email="a@example.org", session_ids=[first.pk])
    register(conference, email="b@example.org", session_ids=[first.pk])
    before = snapshot()

    with pytest.raises(RegistrationError) as error:
        register(conference, email="c@example.org", session_ids=[first.pk], waitlist_ok=False)

    assert error.value.code == "session_full"
    assert snapshot() == before


def test_register_overlapping_sessions_refused_nothing_changed(conference, workshops):
    first, second, _ = workshops

    with pytest.raises(RegistrationError) as error:
        register(conference, session_ids=[first.pk, second.pk])

    assert error.value.code == "sessions_overlap"
    assert snapshot() == ([], [])
    assert mail.outbox == []


def test_register_back_to_back_sessions_allowed(conference):
    a = workshop(conference, start=conference.start + timedelta(hours=1), minutes=60)
    b = workshop(conference, start=conference.start + timedelta(hours=2), minutes=60)

    registration, _ = register(conference, session_ids=[a.pk, b.pk])

    assert registration.signups.count() == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda c: SessionFactory(conference=ConferenceFactory(), requires_signup=True),
        lambda c: SessionFactory(conference=c, requires_signup=False),
        lambda c: SessionFactory(
            conference=c, requires_signup=True, status=Session.Status.CANCELLED
        ),
    ],
    ids=["other-conference", "no-signup", "cancelled"],
)
def test_register_with_unchoosable_session_refused(conference, make):
    session = make(conference)

    with pytest.raises(RegistrationError) as error:
        register(conference, session_ids=[session.pk])

    assert error.value.code == "invalid_session"
    assert snapshot() == ([], [])


def test_register_with_unknown_or_malformed_session_id_refused(conference):
    for bad in ([999999], ["abc"], [None]):
        with pytest.raises(RegistrationError) as error:
            register(conference, session_ids=bad)
        assert error.value.code == "invalid_session"
    assert snapshot() == ([], [])


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 10_000}, "name"),
        ({"name": "<script>alert(1)</script>"}, "name"),
        ({"organisation": "<b>Org</b>"}, "organisation"),
        ({"sector": "martian"}, "sector"),
        ({"diets": ["chocolate"]}, "diets"),
        ({"language": "de"}, "language"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"consent": False}, "consent"),
    ],
)
def test_register_bad_input_refused_nothing_changed(conference, fields, field):
    with pytest.raises(RegistrationError) as error:
        register(conference, **fields)

    assert (error.value.code, error.value.field) == ("invalid_input", field)
    assert Registration.objects.count() == 0


def test_register_cancelled_person_can_register_again_same_row(conference):
    registration, _ = register(conference)
    registration_cancel(registration=registration)

    again, created = register(conference, name="Anna A.")

    assert (again.pk, created, again.status, again.name) == (
        registration.pk,
        True,
        "confirmed",
        "Anna A.",
    )


# Registration window --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closes", "now", "allowed"),
    [
        (date(2027, 3, 7), local(2027, 3, 7, 23, 59, 59), True),
        (date(2027, 3, 7), local(2027, 3, 8, 0, 0), False),
        # Summer time starts 28 March 2027 at 02.00: the day is 23 hours long.
        (date(2027, 3, 28), local(2027, 3, 28, 23, 59, 59), True),
        (date(2027, 3, 28), local(2027, 3, 29, 0, 0), False),
        (date(2027, 3, 27), local(2027, 3, 27, 23, 59), True),
        (date(2027, 3, 27), local(2027, 3, 28, 0, 0), False),
        # Winter time returns 31 October 2027: a 25-hour day.
        (date(2027, 10, 31), local(2027, 10, 31, 23, 59), True),
        (date(2027, 10, 31), local(2027, 11, 1, 0, 0), False),
    ],
)
def test_register_deadline_is_end_of_day_in_stockholm(closes, now, allowed):
    conference = ConferenceFactory(
        registration_closes=closes,
        start=local(2027, 11, 16, 12, 0),
        end=local(2027, 11, 17, 13, 0),
    )

    if allowed:
        registration, _ = register(conference, now=now)
        assert registration.status == "confirmed"
    else:
        with pytest.raises(RegistrationError) as error:
            register(conference, now=now)
        assert error.value.code == "registration_closed"
        assert Registration.objects.count() == 0


def test_register_deadline_midnight_utc_is_not_midnight_stockholm():
    conference = ConferenceFactory(registration_closes=date(2027, 3, 7))
    # 23.30 UTC on 7 March is 00.30 on 8 March in Stockholm: closed.
    now = datetime(2027, 3, 7, 23, 30, tzinfo=UTC)

    with pytest.raises(RegistrationError) as error:
        register(conference, now=now)

    assert error.value.code == "registration_closed"


def test_register_before_opening_refused_nothing_changed():
    conference = ConferenceFactory(registration_opens=local(2027, 1, 10, 9, 0))

    with pytest.raises(RegistrationError) as error:
        register(conference, now=local(2027, 1, 10, 8, 59))

    assert error.value.code == "registration_not_open"
    assert Registration.objects.count() == 0
    registration, _ = register(conference, now=local(2027, 1, 10, 9, 0))
    assert registration.status == "confirmed"


def test_organiser_may_add_after_deadline_but_not_twice(conference):
    registration, _ = register(
        conference, now=local(2027, 3, 10, 9, 0), by_organiser=True, email="x@example.org"
    )

    with pytest.raises(RegistrationError) as error:
        register(conference, by_organiser=True, email="X@example.org")

    assert registration.status == "confirmed"
    assert error.value.code == "already_registered"
    assert Registration.objects.count() == 1


# Waiting lists --------------------------------------------------------------------------------


def test_cancel_promotes_first_waiting_in_order(conference):
    seated = [register(conference, email=f"s{i}@example.org")[0] for i in range(3)]
    first, _ = register(conference, email="w1@example.org")
    second, _ = register(conference, email="w2@example.org")
    mail.outbox.clear()

    registration_cancel(registration=seated[1])

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "waiting")
    assert sorted(m.to[0] for m in mail.outbox) == ["s1@example.org", "w1@example.org"]
    assert EmailLog.objects.filter(to="w1@example.org", kind="promoted").count() == 1


def test_waiting_order_is_by_waiting_since_then_id(conference):
    for i in range(3):
        register(conference, email=f"s{i}@example.org")
    late, _ = register(conference, email="late@example.org")
    early, _ = register(conference, email="early@example.org")
    Registration.objects.filter(pk=early.pk).update(
        waiting_since=late.waiting_since - timedelta(seconds=1)
    )

    registration_cancel(registration=Registration.objects.get(email="s0@example.org"))

    assert Registration.objects.get(pk=early.pk).status == "confirmed"
    assert Registration.objects.get(pk=late.pk).status == "waiting"


def test_workshop_seat_freed_goes_to_first_waiting_with_conference_seat(conference, workshops):
    first = workshops[0]
    a, _ = register(conference, email="a@example.org", session_ids=[first.pk])
    register(conference, email="b@example.org", session_ids=[first.pk])
    c, _ = register(conference, email="c@example.org", session_ids=[first.pk])
    # d waits for the conference; its workshop wish must not jump ahead of c.
    d, _ = register(conference, email="d@example.org", session_ids=[first.pk])

    signups_change(registration=a, session_ids=[])

    assert Signup.objects.get(registration=c).status == "confirmed"
    assert Signup.objects.get(registration=d).status == "waiting"
    assert Registration.objects.get(pk=d.pk).status == "waiting"


def test_promoted_from_conference_list_gets_free_workshop_seat(conference, workshops):
    later = workshops[2]
    seated = [register(conference, email=f"s{i}@example.org")[0] for i in range(3)]
    waiting, _ = register(conference, email="w@example.org", session_ids=[later.pk])
    assert Signup.objects.get(registration=waiting).status == "waiting"

    registration_cancel(registration=seated[0])

    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    assert Signup.objects.get(registration=waiting).status == "confirmed"


def test_offer_mode_holds_seat_until_accepted(conference):
    Conference.objects.filter(pk=conference.pk).update(waitlist_mode="offer", offer_hours=48)
    seated = [register(conference, email=f"s{i}@example.org")[0] for i in range(3)]
    waiting, _ = register(conference, email="w@example.org")
    other, _ = register(conference, email="w2@example.org")

    registration_cancel(registration=seated[0])
    waiting.refresh_from_db()
    offer_accept(registration=waiting)

    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert waiting.offer_expires_at is None
    assert Registration.objects.get(pk=other.pk).status == "waiting"
    assert EmailLog.objects.filter(to="w@example.org").values_list("kind", flat=True).count() == 3


def test_offer_expiry_passes_seat_to_next(conference):
    Conference.objects.filter(pk=conference.pk).update(waitlist_mode="offer", offer_hours=48)
    seated = [register(conference, email=f"s{i}@example.org")[0] for i in range(3)]
    waiting, _ = register(conference, email="w@example.org")
    other, _ = register(conference, email="w2@example.org")
    registration_cancel(registration=seated[0])

    expired = registration_expire_offers(now=timezone.now() + timedelta(hours=49))

    assert expired == 1
    assert Registration.objects.get(pk=waiting.pk).status == "cancelled"
    assert Registration.objects.get(pk=other.pk).status == "offered"
    assert EmailLog.objects.filter(to="w@example.org", kind="offer_expired").count() == 1
    with pytest.raises(RegistrationError) as error:
        offer_accept(registration=waiting)
    assert error.value.code == "no_offer"


def test_offer_not_yet_expired_is_kept(conference):
    Conference.objects.filter(pk=conference.pk).update(waitlist_mode="offer", offer_hours=48)
    seated = [register(conference, email=f"s{i}@example.org")[0] for i in range(3)]
    waiting, _ = register(conference, email="w@example.org")
    registration_cancel(registration=seated[0])

    expired = registration_expire_offers(now=timezone.now() + timedelta(hours=47))

    assert expired == 0
    assert Registration.objects.get(pk=waiting.pk).status == "offered"


def test_session_offer_accept_and_expiry(conference, workshops):
    Conference.objects.filter(pk=conference.pk).update(waitlist_mode="offer", offer_hours=1)
    first = workshops[0]
    a, _ = register(conference, email="a@example.org", session_ids=[first.pk])
    register(conference, email="b@example.org", session_ids=[first.pk])
    c, _ = register(conference, email="c@example.org", session_ids=[first.pk])

    signups_change(registration=a, session_ids=[])
    assert Signup.objects.get(registration=c).status == "offered"
    offer_accept(registration=c, session=first)

    assert Signup.objects.get(registration=c).status == "confirmed"


def test_expire_offers_command_runs(conference, capsys):
    from django.core.management import call_command

    call_command("expire_offers")

    assert capsys.readouterr().out.strip() == "0 offer(s) expired."


# Changing -------------------------------------------------------------------------------------


def test_swap_to_free_workshop_moves_seat_and_promotes(conference, workshops):
    first, second, _ = workshops
    a, _ = register(conference, email="a@example.org", session_ids=[first.pk])
    register(conference, email="b@example.org", session_ids=[first.pk])
    c, _ = register(conference, email="c@example.org", session_ids=[first.pk])

    signup_swap(registration=a, from_session=first, to_session=second)

    assert dict(Signup.objects.filter(registration=a).values_list("session_id", "status")) == {
        first.pk: "cancelled",
        second.pk: "confirmed",
    }
    assert Signup.objects.get(registration=c).status == "confirmed"


def test_swap_to_full_workshop_keeps_old_seat(conference, workshops):
    first, second, _ = workshops
    a, _ = register(conference, email="a@example.org", session_ids=[first.pk])
    register(conference, email="b@example.org", session_ids=[second.pk])
    register(conference, email="c@example.org", session_ids=[second.pk])
    before = snapshot()

    with pytest.raises(RegistrationError) as error:
        signup_swap(registration=a, from_session=first, to_session=second)

    assert error.value.code == "session_full"
    assert snapshot() == before


def test_change_to_overlapping_refused_nothing_changed(conference, workshops):
    first, second, _ = workshops
    a, _ = register(conference, session_ids=[first.pk])
    before = snapshot()

    with pytest.raises(RegistrationError) as error:
        signups_change(registration=a, session_ids=[first.pk, second.pk])

    assert error.value.code == "sessions_overlap"
    assert snapshot() == before


def test_change_after_deadline_refused(conference, workshops):
    a, _ = register(conference)

    with pytest.raises(RegistrationError) as error:
        signups_change(registration=a, session_ids=[workshops[0].pk], now=local(2027, 3, 8, 0, 0))

    assert error.value.code == "registration_closed"
    assert Signup.objects.count() == 0


def test_update_details_audited_without_personal_values(conference, lunch):
    registration, _ = register(conference)

    registration_update(
        registration=registration, name="Anna B", diets=["vegan"], meal_ids=[lunch.pk]
    )

    registration.refresh_from_db()
    assert (registration.name, registration.diets) == ("Anna B", ["vegan"])
    entry = AuditEntry.objects.filter(action="details_changed").get()
    assert entry.details == {"fields": ["name", "diets", "meals"]}


def test_update_bad_input_refused_nothing_changed(conference):
    registration, _ = register(conference)

    with pytest.raises(RegistrationError):
        registration_update(registration=registration, name="<i>x</i>")

    assert Registration.objects.get().name == "Anna Andersson"


def test_cancel_twice_is_noop(conference):
    registration, _ = register(conference)
    registration_cancel(registration=registration)
    count = AuditEntry.objects.count()

    registration_cancel(registration=registration)

    assert AuditEntry.objects.count() == count
    assert Registration.objects.get().status == "cancelled"


def test_change_cancelled_registration_refused(conference, workshops):
    registration, _ = register(conference)
    registration_cancel(registration=registration)

    with pytest.raises(RegistrationError) as error:
        signups_change(registration=registration, session_ids=[workshops[0].pk])

    assert error.value.code == "registration_cancelled"


# Personal data --------------------------------------------------------------------------------


def test_delete_removes_personal_data_keeps_anonymous_audit_and_promotes(conference):
    seated = [register(conference, email=f"s{i}@example.org")[0] for i in range(3)]
    waiting, _ = register(conference, email="w@example.org")
    victim_id = seated[0].pk

    registration_delete(registration=seated[0])

    assert not Registration.objects.filter(pk=victim_id).exists()
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    assert not EmailLog.objects.filter(to="s0@example.org").exists()
    deleted = AuditEntry.objects.get(action="deleted")
    assert deleted.details == {"registration": victim_id}
    assert "s0@example.org" not in str(list(AuditEntry.objects.values_list("details", flat=True)))


def test_export_holds_own_data(conference, workshops):
    registration, _ = register(conference, session_ids=[workshops[0].pk])

    data = registration_export(registration=registration)

    assert data["email"] == "anna@example.org"
    assert data["sessions"][0]["title"] == "Partnerskap"
    assert data["emails"][0]["kind"] == "confirmation"
    assert data["history"][0]["action"] == "registered"
