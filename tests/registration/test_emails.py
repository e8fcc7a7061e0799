import json
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from icalendar import Calendar
from kombu.exceptions import OperationalError

from registration import emails, tasks
from registration.models import EmailLog, Registration
from registration.selectors import email_failures
from registration.services import organiser_message_send, registration_cancel
from tests.factories import ConferenceFactory

from .conftest import register
from .test_races import run_together

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
        conference=conference,
        session=first,
        subject="Rum ändrat",
        body="Vi ses i sal 3.",
        key="k1",
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
def test_confirmation_goes_out_through_a_real_celery_worker(tmp_path, celery_eager):
    app = celery_eager
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
    assert "registration.tasks.send_emails" in log_file.read_text()


def wait_until(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


@pytest.fixture
def broker(celery_eager, monkeypatch):
    """Celery with a broker that records each `send_emails` publish: (thread name, ids)."""
    celery_eager.conf.task_always_eager = False
    published = []

    def delay(ids):
        published.append((threading.current_thread().name, list(ids)))

    monkeypatch.setattr(tasks.send_emails, "delay", delay)
    yield published
    emails.email_flush()


@pytest.fixture
def undispatched(monkeypatch):
    """E-mails are recorded but never handed over, as after a worker died before publishing."""
    monkeypatch.setattr(emails, "email_dispatch", lambda log_id: None)


def test_dispatch_with_a_broker_publishes_a_burst_as_one_task_off_the_request_thread(broker):
    started = time.monotonic()
    for log_id in (11, 12, 13):
        emails.email_dispatch(log_id)

    assert wait_until(lambda: broker)
    elapsed = time.monotonic() - started
    time.sleep(3 * emails.BATCH_WAIT)
    assert broker == [("samla-email-dispatch", [11, 12, 13])]
    assert emails.BATCH_WAIT <= elapsed < 1


def test_dispatch_with_a_broker_publishes_full_batches_at_once(broker, monkeypatch):
    monkeypatch.setattr(emails, "BATCH_WAIT", 60)
    ids = list(range(1, 451))

    for log_id in ids:
        emails.email_dispatch(log_id)

    assert wait_until(lambda: len(broker) == 2)
    emails.email_flush()  # the last 50 would wait for BATCH_WAIT
    assert [batch for _, batch in broker] == [ids[:200], ids[200:400], ids[400:]]


def test_dispatch_in_a_forked_child_publishes_only_the_childs_emails(broker, monkeypatch):
    monkeypatch.setattr(emails, "BATCH_WAIT", 60)
    emails.email_dispatch(1)  # pending in the parent, its thread waiting, when the child forks
    read, write = os.pipe()

    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            emails.BATCH_WAIT = 0.01
            emails.email_dispatch(2)
            wait_until(lambda: broker, timeout=5)
            os.write(write, json.dumps(broker).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child = json.loads(pipe.read() or "null")
    os.waitpid(pid, 0)
    emails.email_flush()

    assert child == [["samla-email-dispatch", [2]]]
    assert broker == [("MainThread", [1])]


@pytest.mark.django_db(transaction=True)
def test_dispatch_when_the_broker_is_down_leaves_the_rows_queued_with_the_reason(
    celery_eager, monkeypatch
):
    celery_eager.conf.task_always_eager = False

    def down(ids):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_emails, "delay", down)
    conference = ConferenceFactory(capacity=5)

    register(conference, email="a@example.org")
    register(conference, email="b@example.org")

    rows = EmailLog.objects.order_by("id")
    assert wait_until(lambda: all(rows.values_list("error", flat=True)))
    error = "queue: Error 111 connecting to 127.0.0.1:6379. Connection refused."
    assert list(rows.values_list("to", "status", "error")) == [
        ("a@example.org", "queued", error),
        ("b@example.org", "queued", error),
    ]
    assert mail.outbox == []
    assert Registration.objects.filter(status="confirmed").count() == 2


@pytest.mark.django_db
def test_batch_sends_all_and_retries_only_the_failing_one_as_its_first_retry(
    conference, undispatched, monkeypatch
):
    logs = [
        register(conference, email=f"{name}@example.org")[0].email_logs.get()
        for name in ("a", "b", "c")
    ]
    real_post = AnymailTestBackend.post_to_esp
    failed = []

    def flaky(self, payload, message):
        if message.to == ["b@example.org"] and not failed:
            failed.append(1)
            raise AnymailAPIError("503 from the provider")
        return real_post(self, payload, message)

    monkeypatch.setattr(AnymailTestBackend, "post_to_esp", flaky)
    retried = []
    real_apply_async = tasks.send_email.apply_async

    def apply_async(args, **options):
        retried.append((args, options))
        return real_apply_async(args, **options)  # eager: the retry runs at once

    monkeypatch.setattr(tasks.send_email, "apply_async", apply_async)

    outcome = tasks.send_emails([log.pk for log in logs])

    assert outcome == {"sent": 2, "retrying": 1}
    assert retried == [((logs[1].pk,), {"countdown": 30, "retries": 1})]
    # Eager Celery runs the retry at once, inside the batch.
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"], ["c@example.org"]]
    rows = EmailLog.objects.order_by("id").values_list("to", "status", "attempts", "error")
    assert list(rows) == [
        ("a@example.org", "sent", 1, ""),
        ("b@example.org", "sent", 2, ""),
        ("c@example.org", "sent", 1, ""),
    ]


@pytest.mark.django_db
def test_batch_gives_a_failing_email_the_same_five_tries_as_before(
    conference, undispatched, monkeypatch
):
    logs = [
        register(conference, email=f"{name}@example.org")[0].email_logs.get() for name in ("a", "b")
    ]
    real_post = AnymailTestBackend.post_to_esp

    def b_bounces(self, payload, message):
        if message.to == ["b@example.org"]:
            raise AnymailAPIError("401 bad API key")
        return real_post(self, payload, message)

    monkeypatch.setattr(AnymailTestBackend, "post_to_esp", b_bounces)

    tasks.send_emails([log.pk for log in logs])

    rows = EmailLog.objects.order_by("id").values_list("to", "status", "attempts", "error")
    assert list(rows) == [
        ("a@example.org", "sent", 1, ""),
        ("b@example.org", "failed", 5, "AnymailAPIError: 401 bad API key"),
    ]
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_send_when_six_tasks_race_for_one_email_sends_it_once(undispatched, monkeypatch):
    registration, _ = register(ConferenceFactory(capacity=5))
    log = EmailLog.objects.get(registration=registration)
    real_post = AnymailTestBackend.post_to_esp
    posted = []

    def slow(self, payload, message):
        posted.append(1)
        time.sleep(0.3)  # every other task arrives while this one talks to the provider
        return real_post(self, payload, message)

    monkeypatch.setattr(AnymailTestBackend, "post_to_esp", slow)

    results, errors = run_together([lambda: emails.email_send(log.pk).status] * 6)

    assert errors == []
    assert sorted(results) == ["queued"] * 5 + ["sent"]
    assert len(posted) == 1
    assert len(mail.outbox) == 1
    log.refresh_from_db()
    assert (log.status, log.attempts, log.error) == ("sent", 1, "")


@pytest.mark.django_db
def test_send_of_a_sent_email_sends_nothing(conference):
    registration, _ = register(conference)
    log = EmailLog.objects.get(registration=registration)

    assert emails.email_send(log.pk).status == "sent"

    assert len(mail.outbox) == 1
    log.refresh_from_db()
    assert log.attempts == 1


def _queued(conference, email, *, age, claimed=None):
    log = register(conference, email=email)[0].email_logs.get()
    now = timezone.now()
    EmailLog.objects.filter(pk=log.pk).update(
        created_at=now - age, sent_at=claimed and now - claimed
    )
    return log


@pytest.mark.django_db
def test_sweep_hands_over_only_old_queued_emails_nobody_is_sending(conference, undispatched):
    _queued(conference, "old@example.org", age=timedelta(minutes=11))
    _queued(conference, "young@example.org", age=timedelta(minutes=2))
    _queued(
        conference, "sending@example.org", age=timedelta(minutes=11), claimed=timedelta(minutes=1)
    )
    _queued(
        conference, "dead@example.org", age=timedelta(minutes=30), claimed=timedelta(minutes=20)
    )
    sent = _queued(conference, "sent@example.org", age=timedelta(minutes=11))
    EmailLog.objects.filter(pk=sent.pk).update(status="sent")

    handed = tasks.send_queued_emails()

    assert handed == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["dead@example.org", "old@example.org"]
    rows = EmailLog.objects.order_by("id").values_list("to", "status")
    assert list(rows) == [
        ("old@example.org", "sent"),
        ("young@example.org", "queued"),
        ("sending@example.org", "queued"),
        ("dead@example.org", "sent"),
        ("sent@example.org", "sent"),
    ]


@pytest.mark.django_db
def test_sweep_hands_over_at_most_its_limit_oldest_first_in_batches(
    conference, undispatched, broker, monkeypatch
):
    monkeypatch.setattr(emails, "RESEND_MAX", 3)
    monkeypatch.setattr(emails, "BATCH_MAX", 2)
    logs = [
        _queued(conference, f"p{i}@example.org", age=timedelta(minutes=20 - i)) for i in range(4)
    ]

    handed = emails.email_resend_queued()

    assert handed == 3
    assert broker == [
        ("MainThread", [logs[0].pk, logs[1].pk]),
        ("MainThread", [logs[2].pk]),
    ]


def test_send_queued_emails_command_sends_old_queued_rows_for_cron(conference, undispatched):
    _queued(conference, "old@example.org", age=timedelta(minutes=11))
    _queued(conference, "young@example.org", age=timedelta(minutes=2))
    out = StringIO()

    call_command("send_queued_emails", stdout=out)

    assert out.getvalue() == "1 queued e-mail(s) handed over again.\n"
    assert [m.to[0] for m in mail.outbox] == ["old@example.org"]
