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
