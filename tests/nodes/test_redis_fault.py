"""Redis (the broker and the cache) stopped in the middle of a registration rush and started
again: no registration is refused or lost because of it, and once the sweep has run every
e-mail row is sent exactly once (by Samla's bookkeeping: one claim each). Real processes: a
gunicorn node and a Celery worker on a throwaway PostgreSQL cluster and Redis server."""

import threading
import time

import pytest

from .stack import SWEEP_AFTER_LEASE, Stack, request, tools_missing

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(tools_missing() is not None, reason=str(tools_missing())),
]

SETUP = """
import json
from tests.factories import ConferenceFactory
print(json.dumps(ConferenceFactory(slug="redis", capacity=1000).pk))
"""
EMAILS = """
import json
from django.db.models import Count
from registration.models import EmailLog, Registration
rows = Registration.objects.filter(conference__slug="redis")
logs = EmailLog.objects.filter(registration__in=rows)
print(json.dumps({
    "registrations": sorted(rows.values_list("email", flat=True)),
    "logs": logs.count(),
    "by_status_attempts": sorted(
        [s, a, n] for s, a, n in logs.values_list("status", "attempts").annotate(n=Count("id"))
    ),
}))
"""


def register(port, email):
    body = {"name": "Rusa", "email": email, "sector": "public", "consent": True}
    return request(port, "/api/conferences/redis/registrations/", method="POST", body=body)[0]


def test_redis_stopped_mid_rush_nothing_refused_lost_or_sent_twice(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("redis"))
    broker = {
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{stack.redis_port}/0",
        # Production settings (not the test ones, which run tasks in the web process).
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    try:
        stack.shell(SETUP)
        node = stack.node(workers=2, **broker)
        worker = stack.worker(**broker)
        answers = {}
        stop = threading.Event()

        def keep_registering(worker):
            n = 0
            while not stop.is_set():
                email = f"redis{worker}-{n}@example.org"
                answers[email] = register(node, email)
                n += 1
                time.sleep(0.05)  # a steady stream, not a flood: the test stays short

        threads = [threading.Thread(target=keep_registering, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        stack.redis_stop()
        time.sleep(2)
        stack.redis_start()
        # Celery's worker may exit on the lost connection ("Unrecoverable error" in kombu's
        # Redis transport); its supervisor (systemd Restart=always, README) starts it again.
        restarts = 0
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(30)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                worker = stack.worker(**broker)
                restarts += 1
            state = stack.shell(EMAILS)
            if [status for status, *_ in state["by_status_attempts"]] == ["sent"]:
                break
            # What the broker never got waits for the sweep (beat runs it every five minutes,
            # for rows ten minutes old; here it runs as if that time had passed).
            stack.shell(SWEEP_AFTER_LEASE, **broker)
            time.sleep(2)

        print(
            f"\nredis stopped: {len(answers)} registrations, statuses "
            f"{sorted(set(answers.values()))}, e-mails {state['by_status_attempts']}, "
            f"worker restarted by its supervisor: {restarts}"
        )
        assert set(answers.values()) == {202}
        assert state["registrations"] == sorted(answers)
        assert state["logs"] == len(answers)
        assert state["by_status_attempts"] == [["sent", 1, len(answers)]]
    finally:
        stack.close()
