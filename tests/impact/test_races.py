"""Sending the certificates twice at the same moment (two organisers, or a double press that
reaches two workers) queues each person's e-mail once."""

import threading

import pytest
from django.db import connection

from impact.models import Certificate
from impact.services import certificates_email_queue
from registration.models import EmailLog

from .conftest import build_known


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_queue_each_certificate_email_once(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    known = build_known(sizes=[("public", 5, 4)], with_earlier=False)
    barrier = threading.Barrier(2)
    queued, errors = [], []

    def send():
        try:
            barrier.wait(timeout=10)
            queued.append(certificates_email_queue(conference=known.conference))
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(queued) == 4
    assert EmailLog.objects.filter(kind=EmailLog.Kind.CERTIFICATE).count() == 4
    assert Certificate.objects.filter(emailed_at__isnull=False).count() == 4
