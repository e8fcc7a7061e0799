"""Background work of impact: e-mailing the certificates of attendance."""

from celery import shared_task

from conference.models import Conference


@shared_task(acks_late=True)
def certificates_email(conference_id: int) -> int:
    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is None:
        return 0
    from .services import certificates_email_queue

    return certificates_email_queue(conference=conference)
