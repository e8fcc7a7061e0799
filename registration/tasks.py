"""Background work: e-mails, organiser messages and the offer-expiry job (Celery beat)."""

import logging
import smtplib

from anymail.exceptions import AnymailError
from celery import shared_task

from .emails import email_send

logger = logging.getLogger(__name__)

# Errors worth another try: the provider or the network. Others (a template bug) are logged
# as failed at once.
RETRYABLE = (AnymailError, smtplib.SMTPException, OSError)


@shared_task(bind=True, max_retries=4, acks_late=True)
def send_email(self, log_id: int) -> str:
    try:
        return email_send(log_id).status
    except RETRYABLE as exc:
        if self.request.retries >= self.max_retries:
            logger.warning("E-mail %s failed for good: %s", log_id, exc)
            return "failed"
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 600)) from exc
    except Exception:
        logger.exception("E-mail %s failed", log_id)
        return "failed"


@shared_task
def send_message(conference_id: int, session_id: int | None, subject: str, body: str) -> int:
    from .services import organiser_message_fan_out

    return organiser_message_fan_out(
        conference_id=conference_id, session_id=session_id, subject=subject, body=body
    )


@shared_task
def expire_offers() -> int:
    from .services import registration_expire_offers

    return registration_expire_offers()
