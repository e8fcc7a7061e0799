"""Data migrations of the registration app, run backwards and forwards on a real schema."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = ("registration", "0005_fewer_indexes")
AFTER = ("registration", "0006_emaillog_kind_programme_change")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def migrate_to_latest():
    """Leave the schema as every later test expects it: all migrations applied."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_programme_change_emails_logged_as_messages_are_relabelled():
    apps = migrate(BEFORE)
    Conference = apps.get_model("conference", "Conference")
    EmailLog = apps.get_model("registration", "EmailLog")
    now = timezone.now()
    conference = Conference.objects.create(
        slug="m", name="M", start=now, end=now + timedelta(hours=8)
    )
    change = EmailLog.objects.create(
        conference=conference, kind="message", payload={"programme_change": 7, "subject": "S"}
    )
    message = EmailLog.objects.create(
        conference=conference, kind="message", payload={"subject": "Välkomna"}
    )

    apps = migrate(AFTER)
    EmailLog = apps.get_model("registration", "EmailLog")
    assert EmailLog.objects.get(pk=change.pk).kind == "programme_change"
    assert EmailLog.objects.get(pk=message.pk).kind == "message"

    apps = migrate(BEFORE)
    EmailLog = apps.get_model("registration", "EmailLog")
    assert set(EmailLog.objects.values_list("kind", flat=True)) == {"message"}
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_messages_sent_before_the_history_are_grouped_into_sends():
    before = ("registration", "0007_message_send")
    after = ("registration", "0008_message_send_backfill")
    apps = migrate(before)
    Conference = apps.get_model("conference", "Conference")
    EmailLog = apps.get_model("registration", "EmailLog")
    now = timezone.now()
    conference = Conference.objects.create(
        slug="m", name="M", start=now, end=now + timedelta(hours=8)
    )
    hello = {"subject": "Välkomna", "body": "Hej!"}
    first = EmailLog.objects.create(conference=conference, kind="message", payload=hello)
    second = EmailLog.objects.create(conference=conference, kind="message", payload=hello)
    other = EmailLog.objects.create(
        conference=conference, kind="message", payload={"subject": "Rum", "body": "Sal 3"}
    )
    erased = EmailLog.objects.create(conference=conference, kind="message", payload={})
    confirmation = EmailLog.objects.create(conference=conference, kind="confirmation")

    apps = migrate(after)
    EmailLog = apps.get_model("registration", "EmailLog")
    MessageSend = apps.get_model("registration", "MessageSend")
    sends = {s.subject: s.pk for s in MessageSend.objects.all()}
    grouped = dict(EmailLog.objects.values_list("pk", "message_send_id"))
    assert sorted(sends) == ["Rum", "Välkomna"]
    assert grouped == {
        first.pk: sends["Välkomna"],
        second.pk: sends["Välkomna"],
        other.pk: sends["Rum"],
        erased.pk: None,
        confirmation.pk: None,
    }
    assert MessageSend.objects.get(subject="Välkomna").created_at == first.created_at

    apps = migrate(before)
    assert apps.get_model("registration", "MessageSend").objects.count() == 0
    migrate_to_latest()
