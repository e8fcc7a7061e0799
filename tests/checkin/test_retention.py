"""Retention: a conference's personal data is anonymised after its period; the figures stay."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import translation

from checkin.models import BadgeCode, Checkpoint, Scan
from checkin.selectors import live_counts
from checkin.services import badge_code_for, checkpoints_ensure, scan_submit
from checkin.services.retention import conference_anonymise, retention_sweep
from conference.models import Conference, Session
from registration.models import AuditEntry, EmailLog, Registration, Signup
from registration.selectors import catering_per_meal, conference_counts
from registration.services import audit, registration_create
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, UserFactory, local

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Zelda Quistgaard", "zelda.quistgaard@example.com", "Qvarnbyhus AB", "public"),
    ("Yngve Pärsson", "yngve.parsson@example.net", "Ödmjuka föreningen", "nonprofit"),
    ("Xenia Lyckström", "xenia.lyckstrom@example.org", "Xenialab HB", "private"),
]


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []
    with translation.override("sv"):
        yield


@pytest.fixture
def filled(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(slug="lk", capacity=2)
    organiser = UserFactory(username="arrangor", email="arrangor@example.net")
    conference.organisers.add(organiser)
    room = RoomFactory(conference=conference, name="Aulan")
    workshop = SessionFactory(
        conference=conference,
        room=room,
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        capacity=10,
        title="Verkstad",
    )
    lunch = SessionFactory(
        conference=conference,
        kind=Session.Kind.MEAL,
        title="Lunch",
        start=local(2027, 3, 16, 12, 0),
        end=local(2027, 3, 16, 13, 0),
    )
    registrations = []
    with django_capture_on_commit_callbacks(execute=True):
        for name, email, organisation, sector in PEOPLE:
            registration, _ = registration_create(
                conference=conference,
                email=email,
                consent=True,
                name=name,
                organisation=organisation,
                sector=sector,
                diets=["vegan"],
                diet_other=f"Inga jordgubbar åt {name}",
                accessibility=f"Hörslinga till {name}",
                session_ids=[workshop.pk],
                meal_ids=[lunch.pk],
                now=local(2027, 3, 1, 12, 0),
            )
            registrations.append(registration)
    for registration in registrations:
        registration.refresh_from_db()
        # As another app might: personal data in an audit entry's details.
        audit(registration=registration, action="note", email=registration.email, n=1)
    checkpoints_ensure(conference=conference)
    entrance = Checkpoint.objects.get(
        conference=conference, kind="entrance", day=local(2027, 3, 16, 0, 0).date()
    )
    codes = []
    for registration in registrations:
        if registration.status != Registration.Status.CONFIRMED:
            continue
        code = badge_code_for(registration).code
        codes.append(code)
        scan_submit(
            checkpoint=entrance,
            scan_id=str(uuid.uuid4()),
            code=code,
            scanned_at=local(2027, 3, 16, 12, 10),
        )
    secrets = [
        text
        for registration in registrations
        for text in (
            registration.name,
            registration.email,
            registration.organisation,
            registration.diet_other,
            registration.accessibility,
            registration.manage_token,
            registration.calendar_token,
        )
    ] + codes
    mail.outbox = []
    return conference, secrets


def database_dump() -> str:
    """Every row of every table, as text."""
    parts = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the db
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def figures(client, conference):
    cache.clear()
    conference = Conference.objects.get(pk=conference.pk)
    catering = catering_per_meal(conference=conference)
    return {
        "page": client.get("/lk/").content,
        "ics": client.get("/lk/programme.ics").content,
        "json": client.get("/lk/schedule.json").content,
        "counts": conference_counts(conference=conference),
        "sectors": sorted(
            Registration.objects.filter(conference=conference)
            .values_list("sector", "status")
            .annotate(n=Count("id"))
        ),
        "sessions": sorted(
            Signup.objects.filter(session__conference=conference)
            .values_list("session_id", "status")
            .annotate(n=Count("id"))
        ),
        # Per meal: the people and each diet (the free-text needs are personal and go).
        "meals": [(meal.meal.pk, meal.people, meal.diets) for meal in catering],
        "checkin": [
            (c.checkpoint.pk, c.checked_in, c.expected, c.duplicates, c.buckets)
            for c in live_counts(conference)
        ],
        "emails": sorted(
            EmailLog.objects.filter(conference=conference)
            .values_list("kind", "status")
            .annotate(n=Count("id"))
        ),
    }


def test_anonymise_removes_every_trace_and_keeps_the_figures(client, filled):
    conference, secrets = filled
    dump = database_dump()
    assert [s for s in secrets if s not in dump] == []
    assert EmailLog.objects.filter(conference=conference).exclude(to="").count() == 3
    assert Scan.objects.filter(checkpoint__conference=conference).count() == 2
    before = figures(client, conference)

    count = conference_anonymise(conference=conference, now=local(2028, 3, 18, 3, 0))

    dump = database_dump()
    assert count == 3
    assert [s for s in secrets if s in dump] == []
    assert figures(client, conference) == before
    conference.refresh_from_db()
    assert conference.anonymised_at == local(2028, 3, 18, 3, 0)
    entry = AuditEntry.objects.get(conference=conference, action="anonymised")
    assert (entry.actor_label, entry.details) == ("system", {"registrations": 3})
    assert BadgeCode.objects.filter(revoked_at__isnull=True).count() == 0


def test_anonymise_twice_changes_nothing_more(client, filled):
    conference, _ = filled
    conference_anonymise(conference=conference, now=local(2028, 3, 18, 3, 0))
    dump = database_dump()

    count = conference_anonymise(conference=conference, now=local(2028, 3, 19, 3, 0))

    assert count == 0
    assert database_dump() == dump


def test_old_private_link_stops_working_after_anonymising(client, filled):
    conference, _ = filled
    registration = Registration.objects.filter(conference=conference).first()
    link = reverse("registration:manage", args=[registration.manage_token])

    conference_anonymise(conference=conference)

    assert client.get(link).status_code == 404


def test_sweep_warns_organisers_a_month_before_once(filled):
    conference, _ = filled
    due = conference.end + timedelta(days=365)

    first = retention_sweep(now=due - timedelta(days=29))
    second = retention_sweep(now=due - timedelta(days=10))

    assert first == {"warned": 1, "anonymised": 0}
    assert second == {"warned": 0, "anonymised": 0}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["arrangor@example.net"]
    assert message.subject == f"Personuppgifterna för {conference.name} anonymiseras"
    assert "anonymiseras den 16 mars 2028" in message.body
    assert "will be anonymised on 16 March 2028" in message.body
    assert "/organiser/lk/settings/retention/" in message.body
    conference.refresh_from_db()
    assert conference.retention_warned_at == due - timedelta(days=29)
    assert conference.anonymised_at is None


def test_sweep_does_not_warn_earlier_than_a_month(filled):
    conference, _ = filled
    due = conference.end + timedelta(days=365)

    done = retention_sweep(now=due - timedelta(days=31))

    assert done == {"warned": 0, "anonymised": 0}
    assert mail.outbox == []


def test_sweep_anonymises_when_the_period_has_passed(filled):
    conference, _ = filled
    due = conference.end + timedelta(days=365)

    done = retention_sweep(now=due + timedelta(minutes=1))

    assert done == {"warned": 0, "anonymised": 1}
    assert Registration.objects.filter(conference=conference, name="Anonymiserad").count() == 3


def test_sweep_respects_a_longer_period(filled):
    conference, _ = filled
    Conference.objects.filter(pk=conference.pk).update(retention_days=3 * 365)

    done = retention_sweep(now=conference.end + timedelta(days=366))

    assert done == {"warned": 0, "anonymised": 0}
    assert Registration.objects.filter(conference=conference, name="Anonymiserad").count() == 0


def test_management_command_runs_the_sweep(filled, capsys):
    from django.core.management import call_command

    call_command("retention_sweep")

    assert capsys.readouterr().out == "0 conference(s) warned, 0 anonymised.\n"


def test_celery_beat_runs_the_sweep(settings, filled):
    from checkin.tasks import retention_sweep as task

    entry = settings.CELERY_BEAT_SCHEDULE["retention-sweep"]
    result = task.delay()

    assert entry["task"] == "checkin.tasks.retention_sweep"
    assert result.get() == {"warned": 0, "anonymised": 0}
