"""Background work of the impact app: the scheduled e-mails' sweep (Celery beat) and e-mailing
the certificates of attendance."""

from celery import shared_task

from conference.models import Conference


@shared_task
def send_scheduled_emails() -> int:
    from .rules import rules_run_due

    return rules_run_due()


@shared_task(acks_late=True)
def certificates_email(conference_id: int) -> int:
    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is None:
        return 0
    from .services import certificates_email_queue

    return certificates_email_queue(conference=conference)
