"""Messages sent before MessageSend existed join the history: their e-mails are grouped by
conference, subject and text, one send per group, dated by its first e-mail."""

from django.db import migrations


def group(apps, schema_editor):
    EmailLog = apps.get_model("registration", "EmailLog")
    MessageSend = apps.get_model("registration", "MessageSend")
    groups = {}
    for log in EmailLog.objects.filter(kind="message", message_send__isnull=True).order_by("id"):
        subject = (log.payload or {}).get("subject", "")
        body = (log.payload or {}).get("body", "")
        if not subject:
            continue  # the person's data was deleted with the text; nothing to group by
        groups.setdefault((log.conference_id, subject, body), []).append(log)
    for (conference_id, subject, body), logs in groups.items():
        send = MessageSend.objects.create(
            conference_id=conference_id,
            key=f"before-history-{logs[0].pk}",
            subject=subject[:200],
            body=body,
        )
        MessageSend.objects.filter(pk=send.pk).update(created_at=logs[0].created_at)
        EmailLog.objects.filter(pk__in=[log.pk for log in logs]).update(message_send=send)


def ungroup(apps, schema_editor):
    MessageSend = apps.get_model("registration", "MessageSend")
    MessageSend.objects.filter(key__startswith="before-history-").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0007_message_send"),
    ]

    operations = [
        migrations.RunPython(group, ungroup),
    ]
