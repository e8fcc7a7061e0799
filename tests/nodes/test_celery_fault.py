"""A Celery worker killed (SIGKILL) while it sends a batch of e-mails: by Samla's bookkeeping
each e-mail is sent at most once. A row is claimed (one UPDATE) before the provider is called,
so the e-mail the killed worker was handing over stays claimed for SEND_LEASE (ten minutes) and
nobody sends it again before then; the rest of the batch is handed over again by the sweep.
What remains: if the provider accepted that one message just before the kill, it is sent again
once the lease expires, because Samla cannot know the provider got it (SMTP and the ESPs' HTTP
APIs acknowledge after accepting). Real processes and a slow fake SMTP provider."""

import os
import signal
import time
from pathlib import Path

import pytest

from .smtp import FakeProvider
from .stack import SWEEP_AFTER_LEASE, Stack, request, tools_missing

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(tools_missing() is not None, reason=str(tools_missing())),
]

SETUP = """
import json
from tests.factories import ConferenceFactory
print(json.dumps(ConferenceFactory(slug="mejl", capacity=1000).pk))
"""
ROWS = """
import json
from registration.models import EmailLog
rows = EmailLog.objects.filter(registration__conference__slug="mejl")
print(json.dumps(sorted(
    [email, status, attempts, sent is not None]
    for email, status, attempts, sent in rows.values_list(
        "registration__email", "status", "attempts", "sent_at")
)))
"""
EMAILS = 60


def _children(pid):
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_worker_killed_mid_batch_each_email_sent_at_most_once(tmp_path_factory):
    provider = FakeProvider(delay=0.1)
    stack = Stack(tmp_path_factory.mktemp("celery"))
    env = {
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{stack.redis_port}/0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(provider.port),
    }
    try:
        stack.shell(SETUP)
        node = stack.node(workers=1, **env)
        for i in range(EMAILS):  # queued in the broker; no worker runs yet
            body = {"name": "M", "email": f"m{i}@example.org", "sector": "public", "consent": True}
            assert (
                request(node, "/api/conferences/mejl/registrations/", method="POST", body=body)[0]
                == 202
            )
        time.sleep(0.5)  # the node's batch thread publishes within 0.2 s

        worker = stack.worker(concurrency=1, **env)
        deadline = time.monotonic() + 60
        while sum(provider.delivered.values()) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in _children(worker.pid):
            os.kill(pid, signal.SIGKILL)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        killed_at = sum(provider.delivered.values())
        stack.worker(concurrency=2, **env)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            rows = stack.shell(ROWS, **env)
            unsent = [row for row in rows if row[1] != "sent"]
            if len(unsent) <= 1 and all(row[2] == 1 for row in unsent):
                break
            stack.shell(SWEEP_AFTER_LEASE, **env)
            time.sleep(2)

        print(
            f"\ncelery SIGKILL after {killed_at} of {EMAILS} e-mails: "
            f"{sum(r[1] == 'sent' for r in rows)} sent, in flight {unsent}, "
            f"provider got {sum(provider.delivered.values())}"
        )
        assert len(rows) == EMAILS
        assert all(attempts <= 1 for _e, _s, attempts, _c in rows)  # never claimed twice
        assert max(provider.delivered.values()) == 1  # nobody got an e-mail twice
        # At most the one e-mail the killed worker held is left, claimed, for its lease.
        assert [(status, attempts, claimed) for _e, status, attempts, claimed in unsent] in (
            [],
            [("queued", 1, True)],
        )
        sent = {email for email, status, _a, _c in rows if status == "sent"}
        assert sent <= set(provider.delivered)
    finally:
        stack.close()
        provider.close()
