"""Background work of the impact app: the scheduled e-mails' sweep (Celery beat)."""

from celery import shared_task


@shared_task
def send_scheduled_emails() -> int:
    from .rules import rules_run_due

    return rules_run_due()
