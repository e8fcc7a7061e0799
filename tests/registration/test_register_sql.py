"""PostgreSQL's one-statement registration (registration.register_sql): it writes exactly what
the general path writes, and wherever anything but the common case applies it declines and
changes nothing, so the general path gives the answer."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conference.models import Session
from conference.selectors import privacy_version_current
from registration import register_sql
from registration.models import AuditEntry, EmailLog, Registration, SeatCounter, Signup
from registration.seats import seat_counters_get
from registration.services import clean_details, registration_cancel
from tests.factories import ConferenceFactory, SessionFactory, local

from .conftest import DETAILS, register, workshop

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("seats_consistent"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite has no such function"),
]

NOW = local(2027, 3, 1, 12, 0)


def fast(conference=None, *, slug=None, email="fast@example.org", sessions=(), meals=(), now=NOW):
    return register_sql.registration_create(
        conference_id=conference.pk if conference is not None and slug is None else None,
        slug=slug,
        email=email,
        details=clean_details(DETAILS),
        session_ids=sorted(s.pk for s in sessions),
        meal_ids=sorted(m.pk for m in meals),
        now=now,
    )


# Per row, what must differ between two people: keys, tokens, the address, the clocks and the
# id the e-mail provider gave the message.
UNIQUE_PER_ROW = {
    "id", "registration_id", "manage_token", "calendar_token", "email", "to",
    "created_at", "updated_at", "at", "sent_at", "message_id",
}  # fmt: skip


def row(obj) -> dict:
    """Every concrete field of one row but those of UNIQUE_PER_ROW."""
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in UNIQUE_PER_ROW
    }


def written(registration):
    """Every row registering wrote for one person, every concrete field of it, without keys,
    tokens, addresses and clocks (and the e-mail's payload without the address in it)."""
    registration = Registration.objects.get(pk=registration.pk)
    emails = []
    for log in EmailLog.objects.filter(registration=registration).order_by("pk"):
        fields = row(log)
        fields["payload"] = {
            k: v for k, v in (log.payload or {}).items() if v != registration.email
        }
        emails.append(fields)
    return {
        "registration": row(registration),
        "meals": sorted(registration.meals.values_list("pk", flat=True)),
        "signups": sorted(
            (row(signup) for signup in registration.signups.all()), key=lambda r: r["session_id"]
        ),
        "audit": [row(entry) for entry in AuditEntry.objects.filter(registration=registration)],
        "emails": emails,
    }


def state():
    return (
        Registration.objects.count(),
        Signup.objects.count(),
        AuditEntry.objects.count(),
        EmailLog.objects.count(),
        sorted(SeatCounter.objects.values_list("session_id", "taken"), key=str),
    )


@pytest.fixture
def setup(conference, workshops, lunch):
    # Counters exist once anyone registered, as in a rush.
    seat_counters_get(conference_id=conference.pk, session_ids=[w.pk for w in workshops])
    return conference, workshops, lunch


def test_common_case_is_one_statement(setup, monkeypatch):
    conference, (first, _second, later), lunch = setup
    monkeypatch.setattr("registration.emails.email_dispatch", lambda log_id: None)

    privacy_version_current()  # cached, as it is after a site's first registration
    with CaptureQueriesContext(connection) as queries:
        registration, created = register(
            conference, session_ids=[first.pk, later.pk], meal_ids=[lunch.pk], now=NOW
        )

    assert created is True
    assert [q["sql"].split("(")[0] for q in queries.captured_queries] == [
        "SELECT * FROM samla_registration_create"
    ]
    assert registration.status == "confirmed"


@pytest.mark.parametrize("seats_left", [True, False], ids=["confirmed", "waiting"])
def test_writes_what_the_general_path_writes(setup, monkeypatch, seats_left):
    conference, (first, second, later), lunch = setup
    if not seats_left:
        # The conference full and the first workshop full: both join the waiting lists.
        for i in range(2):
            register(conference, email=f"w{i}@example.org", session_ids=[first.pk], now=NOW)
        register(conference, email="w2@example.org", now=NOW)
    choices = {"session_ids": [first.pk, later.pk], "meal_ids": [lunch.pk], "now": NOW}

    quick, _ = register(conference, email="fast@example.org", **choices)
    monkeypatch.setattr(register_sql, "available", lambda: False)
    general, _ = register(conference, email="general@example.org", **choices)

    assert written(quick) == written(general)
    assert written(quick)["registration"]["status"] == ("confirmed" if seats_left else "waiting")


def test_published_conference_by_address(setup):
    conference = setup[0]

    registration, log_id = fast(slug=conference.slug)

    assert (registration.conference_id, registration.status) == (conference.pk, "confirmed")
    assert EmailLog.objects.get(pk=log_id).registration_id == registration.pk


def _other_conference_session(conference, workshops, lunch):
    return {"sessions": [workshop(ConferenceFactory())]}


DECLINED = {
    "unknown address": lambda c, w, lunch: {"slug": "no-such-conference"},
    "unpublished": lambda c, w, lunch: (
        type(c).objects.filter(pk=c.pk).update(is_published=False) and {"slug": c.slug}
    ),
    "not open yet": lambda c, w, lunch: (
        type(c).objects.filter(pk=c.pk).update(registration_opens=NOW + timedelta(seconds=1)) and {}
    ),
    "closed": lambda c, w, lunch: {"now": local(2027, 3, 8, 0, 0)},
    "cancelled address": lambda c, w, lunch: (
        registration_cancel(registration=register(c, email="Fast@Example.org", now=NOW)[0]),
        {"email": "fast@EXAMPLE.org"},
    )[1],
    "other conference's workshop": _other_conference_session,
    "no sign-up": lambda c, w, lunch: {
        "sessions": [SessionFactory(conference=c, requires_signup=False)]
    },
    "cancelled workshop": lambda c, w, lunch: (
        Session.objects.filter(pk=w[1].pk).update(status="cancelled") and {"sessions": [w[1]]}
    ),
    "overlapping workshops": lambda c, w, lunch: {"sessions": [w[0], w[1]]},
    "a workshop as a meal": lambda c, w, lunch: {"meals": [w[0]]},
    "no seat counter yet": lambda c, w, lunch: {"sessions": [workshop(c, title="Ny")]},
}


@pytest.mark.parametrize("case", DECLINED, ids=list(DECLINED))
def test_declines_and_changes_nothing(setup, case):
    conference, workshops, lunch = setup
    arguments = DECLINED[case](conference, workshops, lunch)
    if "slug" not in arguments:
        arguments["conference"] = conference
    before = state()

    result = fast(**arguments)

    assert result is None
    assert state() == before


def test_known_address_is_named_and_nothing_changes(setup):
    conference, (first, _second, _later), _lunch = setup
    known, _ = register(conference, email="Fast@Example.org", now=NOW)
    before = state()

    registration, log_id = fast(conference, email="fast@EXAMPLE.org", sessions=[first])

    assert (registration.pk, registration.status, log_id) == (known.pk, "confirmed", None)
    assert state() == before


@pytest.mark.parametrize(
    ("closes", "last_moment"),
    [
        # The night summer time starts (28 March 2027): CET until the end of the 27th ...
        (local(2027, 3, 27, 0, 0).date(), local(2027, 3, 27, 23, 59, 59, 999999)),
        # ... and CEST from the 28th on.
        (local(2027, 3, 28, 0, 0).date(), local(2027, 3, 28, 23, 59, 59, 999999)),
    ],
    ids=["before-switch", "after-switch"],
)
def test_deadline_is_the_end_of_the_day_in_stockholm(closes, last_moment):
    conference = ConferenceFactory(
        registration_closes=closes,
        start=local(2027, 4, 1, 9, 0),
        end=local(2027, 4, 1, 17, 0),
    )
    seat_counters_get(conference_id=conference.pk)

    at_last_moment = fast(conference, now=last_moment)
    at_midnight = fast(conference, email="late@example.org", now=last_moment + timedelta(0, 0, 1))

    assert at_last_moment is not None
    assert at_midnight is None
