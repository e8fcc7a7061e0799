import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from icalendar import Calendar

from registration import emails
from registration.models import EmailLog, Registration
from registration.selectors import email_failures
from registration.services import organiser_message_send, registration_cancel
from tests.factories import ConferenceFactory

from .conftest import register

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_confirmation_in_english_has_link_choices_and_calendar_file(conference, workshops, lunch):
    registration, _ = register(
        conference, language="en", session_ids=[workshops[0].pk], meal_ids=[lunch.pk]
    )

    message = mail.outbox[0]
    link = f"{settings.SITE_URL}/en/r/{registration.manage_token}/"
    assert message.subject == f"You are registered for {conference.name_en}"
    assert message.to == ["anna@example.org"]
    assert link in message.body
    assert "Partnerskap" in message.body
    assert "Lunch" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert '<html lang="en">' in html
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"{conference.slug}.ics", "text/calendar")
    events = Calendar.from_ical(content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [conference.name_en, "Partnerskap"]


@pytest.mark.django_db
def test_confirmation_in_swedish_links_the_swedish_page(conference):
    registration, _ = register(conference, language="sv")

    message = mail.outbox[0]
    assert f"{settings.SITE_URL}/r/{registration.manage_token}/" in message.body
    assert '<html lang="sv">' in message.alternatives[0][0]


@pytest.mark.django_db
def test_waiting_promoted_cancelled_mails_go_to_the_right_people(conference):
    seated = [register(conference, email=f"s{i}@example.org")[0] for i in range(3)]
    register(conference, email="w@example.org", language="en")

    registration_cancel(registration=seated[0])

    name = conference.name_en
    assert [(m.to[0], m.subject) for m in mail.outbox[3:5]] == [
        ("w@example.org", f"You are on the waiting list for {name}"),
        ("w@example.org", f"You got a seat at {name}"),
    ]
    kinds = list(EmailLog.objects.order_by("id").values_list("to", "kind"))[3:]
    assert kinds == [
        ("w@example.org", "waiting"),
        ("w@example.org", "promoted"),
        ("s0@example.org", "cancelled"),
    ]


@pytest.mark.django_db
def test_calendar_and_badge_hooks_are_none_until_their_routes_exist(conference):
    registration, _ = register(conference)

    try:
        reverse("conference:agenda-feed", kwargs={"token": "x"})
    except NoReverseMatch:
        assert emails.calendar_links(registration) is None
    else:
        assert registration.calendar_token in emails.calendar_links(registration)
    try:
        reverse("checkin:my-badge", kwargs={"token": "x"})
    except NoReverseMatch:
        assert emails.badge_link(registration) is None
    else:
        assert registration.manage_token in emails.badge_link(registration)


@pytest.mark.django_db
def test_provider_errors_are_retried_then_sent(conference, monkeypatch):
    calls = []
    real = AnymailTestBackend.post_to_esp

    def flaky(self, payload, message):
        calls.append(1)
        if len(calls) < 3:
            raise AnymailAPIError("503 from the provider")
        return real(self, payload, message)

    monkeypatch.setattr(AnymailTestBackend, "post_to_esp", flaky)

    registration, _ = register(conference)

    log = EmailLog.objects.get()
    assert (log.status, log.attempts, log.error) == ("sent", 3, "")
    assert len(calls) == 3
    assert Registration.objects.get().status == "confirmed"


@pytest.mark.django_db
def test_provider_down_logs_failure_for_organisers_and_keeps_registration(conference, monkeypatch):
    def down(self, payload, message):
        raise AnymailAPIError("401 bad API key")

    monkeypatch.setattr(AnymailTestBackend, "post_to_esp", down)

    registration, created = register(conference)

    log = EmailLog.objects.get()
    assert log.status == "failed"
    assert log.attempts == 5  # the first try and four retries
    assert log.error == "AnymailAPIError: 401 bad API key"
    assert list(email_failures(conference=conference)) == [log]
    assert created is True
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


@pytest.mark.django_db
def test_organiser_message_reaches_confirmed_of_one_session_only(conference, workshops):
    first, second, _ = workshops
    register(conference, email="a@example.org", session_ids=[first.pk])
    register(conference, email="b@example.org", session_ids=[second.pk])
    mail.outbox.clear()

    organiser_message_send(
        conference=conference, session=first, subject="Rum ändrat", body="Vi ses i sal 3."
    )

    assert [(m.to, m.subject) for m in mail.outbox] == [(["a@example.org"], "Rum ändrat")]
    assert "Vi ses i sal 3." in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_mail_leaves_only_after_commit():
    conference = ConferenceFactory(capacity=5)

    with transaction.atomic():
        register(conference)
        assert mail.outbox == []

    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_no_mail_when_the_transaction_rolls_back():
    conference = ConferenceFactory(capacity=5)

    with pytest.raises(RuntimeError), transaction.atomic():
        register(conference)
        raise RuntimeError

    assert mail.outbox == []
    assert Registration.objects.count() == 0


def _database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"),
    reason="needs a broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0",
)
@pytest.mark.django_db(transaction=True)
def test_confirmation_goes_out_through_a_real_celery_worker(tmp_path, _celery_eager):
    app = _celery_eager
    app.conf.task_always_eager = False
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory"):
        pytest.skip("the worker needs a database file or PostgreSQL")
    queue = f"samla-test-{uuid.uuid4().hex[:8]}"
    log_file = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": _database_url(),
    }
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    with open(log_file, "w") as out:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
                "-Q", queue, "--without-gossip", "--without-mingle", "--loglevel=INFO",
            ],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            conference = ConferenceFactory(capacity=5)
            registration, _ = register(conference, email="worker@example.org")
            deadline = time.monotonic() + 60
            log = EmailLog.objects.get(registration=registration)
            while log.status == "queued" and time.monotonic() < deadline:
                assert worker.poll() is None, log_file.read_text()
                time.sleep(0.5)
                log.refresh_from_db()
        finally:
            app.conf.task_default_queue = previous_queue
            worker.terminate()
            worker.wait(timeout=20)

    assert log.status == "sent", log_file.read_text()
    assert log.attempts == 1
    assert mail.outbox == []  # sent by the worker process, not by this one
    assert "registration.tasks.send_email" in log_file.read_text()
