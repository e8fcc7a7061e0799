"""Background work: e-mails, organiser messages and the offer-expiry job (Celery beat)."""

import logging
import smtplib

from anymail.exceptions import AnymailError
from celery import shared_task
from celery.signals import task_postrun

from .emails import email_flush, email_resend_queued, email_send
from .models import EmailLog

logger = logging.getLogger(__name__)

# Errors worth another try: the provider or the network. Others (a template bug) are logged
# as failed at once.
RETRYABLE = (AnymailError, smtplib.SMTPException, OSError)


def backoff(retries: int) -> int:
    """Seconds before retry number `retries + 1` of an e-mail."""
    return min(30 * 2**retries, 600)


@shared_task(bind=True, max_retries=4, acks_late=True)
def send_email(self, log_id: int) -> str:
    try:
        return email_send(log_id).status
    except RETRYABLE as exc:
        if self.request.retries >= self.max_retries:
            logger.warning("E-mail %s failed for good: %s", log_id, exc)
            return "failed"
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    except Exception:
        logger.exception("E-mail %s failed", log_id)
        return "failed"


@shared_task(acks_late=True)
def send_emails(log_ids: list[int]) -> dict[str, int]:
    """A batch from `email_dispatch` or the sweep. Each e-mail on its own: one provider error
    does not hold up the rest. A retryable error hands that e-mail to `send_email` as its first
    retry (this was its first try), so it gets the same backoff and the same five tries."""
    outcome: dict[str, int] = {}
    for log_id in log_ids:
        try:
            status = email_send(log_id).status
        except RETRYABLE as exc:
            logger.info("E-mail %s will be retried: %s", log_id, exc)
            status = "retrying"
            try:
                send_email.apply_async((log_id,), countdown=backoff(0), retries=1)
            except Exception as queue_exc:
                # No retry on its way: make the row the sweep's again rather than lose it.
                logger.exception("Could not queue the retry of e-mail %s", log_id)
                EmailLog.objects.filter(pk=log_id, status=EmailLog.Status.FAILED).update(
                    status=EmailLog.Status.QUEUED, error=f"queue: {queue_exc}"[:2000]
                )
        except Exception:
            logger.exception("E-mail %s failed", log_id)
            status = "failed"
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


@shared_task
def send_queued_emails() -> int:
    return email_resend_queued()


@task_postrun.connect(weak=False)
def _publish_emails_of_the_task(**kwargs):
    # A pool process may be recycled with os._exit (no atexit): e-mails a task queued leave
    # with the task, not up to BATCH_WAIT later.
    email_flush()


@shared_task
def send_message(
    conference_id: int,
    session_id: int | None,
    subject: str,
    body: str,
    message_send_id: int | None = None,
) -> int:
    from .services import organiser_message_fan_out

    return organiser_message_fan_out(
        conference_id=conference_id,
        session_id=session_id,
        subject=subject,
        body=body,
        message_send_id=message_send_id,
    )


@shared_task
def expire_offers() -> int:
    from .services import registration_expire_offers

    return registration_expire_offers()
