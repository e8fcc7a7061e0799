"""Two gunicorn nodes behind HAProxy on one PostgreSQL and one Redis, and faults under load:
PostgreSQL restarted while serving, a gunicorn worker killed mid-rush. Real processes, each
test run on its own throwaway PostgreSQL cluster and Redis (tests/nodes/stack.py); PostgreSQL
pass only, bounded in time."""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .stack import Stack, request, tools_missing

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(tools_missing() is not None, reason=str(tools_missing())),
]

CAPACITY = 10
SETUP = """
import json
from datetime import timedelta
from rest_framework.authtoken.models import Token
from checkin.services import door_staff_assign
from conference.models import Session
from tests.factories import ConferenceFactory, SessionFactory, UserFactory
conference = ConferenceFactory(slug="rush", capacity=CAPACITY)
start = conference.start + timedelta(hours=1)
session = SessionFactory(conference=conference, kind=Session.Kind.SEMINAR, title="Öppning",
                         start=start, end=start + timedelta(hours=1))
door = UserFactory(username="door", is_staff=False)
door_staff_assign(conference=conference, user=door)
print(json.dumps({"session": session.pk, "token": Token.objects.create(user=door).key}))
""".replace("CAPACITY", str(CAPACITY))
COUNTS = """
import json
from registration.models import EmailLog, Registration
rows = Registration.objects.filter(conference__slug="%(slug)s")
print(json.dumps({
    "emails": sorted(rows.values_list("email", flat=True)),
    "confirmed": rows.filter(status="confirmed").count(),
    "waiting": rows.filter(status="waiting").count(),
    "without_email_log": rows.filter(email_logs__isnull=True).count(),
}))
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("nodes"))
    try:
        stack.ids = stack.shell(SETUP)
        yield stack
    finally:
        stack.close()


@pytest.fixture(scope="module")
def nodes(stack):
    first, second = stack.node(), stack.node()
    return first, second, stack.balancer([first, second])


def register(port, email, slug="rush"):
    body = {
        "name": "Rusa Rusare",
        "email": email,
        "sector": "public",
        "consent": True,
        "join_waiting_list": True,
    }
    return request(port, f"/api/conferences/{slug}/registrations/", method="POST", body=body)


def counts(stack, slug="rush"):
    return stack.shell(COUNTS % {"slug": slug})


def counters_corrected(stack):
    return stack.manage("rebuild_seat_counters").strip().splitlines()[-1]


def test_two_nodes_rush_confirms_exactly_capacity(stack, nodes):
    _first, _second, balancer = nodes
    emails = [f"rusa{i}@example.org" for i in range(40)]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda email: register(balancer, email), emails))
    seconds = time.monotonic() - started

    print(f"\ntwo-node rush: {len(emails)} registrations in {seconds:.2f} s")
    assert [status for status, _h, _b in answers] == [202] * len(emails)
    assert {headers["x-samla-node"] for _s, headers, _b in answers} == {"node0", "node1"}
    state = counts(stack)
    assert (state["confirmed"], state["waiting"]) == (CAPACITY, len(emails) - CAPACITY)
    assert state["without_email_log"] == 0
    assert counters_corrected(stack) == "0 counter(s) corrected."


def test_booklet_rendered_by_one_node_downloaded_from_the_other(stack, nodes):
    first, second, _balancer = nodes

    rendered = request(first, "/rush/programme.pdf")
    fetched = request(second, "/rush/programme.pdf")

    assert (rendered[0], fetched[0]) == (200, 200)
    assert rendered[1]["etag"] == fetched[1]["etag"]
    # WeasyPrint stamps each render with its time: equal bytes mean one file served twice.
    assert fetched[2] == rendered[2]
    assert len(list((stack.media / "booklets").glob("*.pdf"))) == 1


def test_programme_edit_seen_at_once_by_both_nodes(stack, nodes):
    first, second, _balancer = nodes
    for port in (first, second):
        assert b"\xc3\x96ppning" in request(port, "/rush/")[2]  # cached in Redis now

    stack.shell(
        "import json\n"
        "from conference.models import Session\n"
        "from conference.services import session_save\n"
        f"s = Session.objects.get(pk={stack.ids['session']})\n"
        "s.title = 'Avslutning'\n"
        "session_save(session=s)\n"
        "print(json.dumps(s.title))"
    )

    for port in (first, second):
        assert b"Avslutning" in request(port, "/rush/")[2]
        assert b"Avslutning" in request(port, "/rush/programme.ics")[2]


def test_revoked_door_token_refused_by_both_nodes_at_once(stack, nodes):
    first, second, _balancer = nodes
    auth = {"Authorization": f"Token {stack.ids['token']}"}
    for port in (first, second):
        for _ in range(4):  # every worker of both nodes has seen it
            assert request(port, "/api/checkin/checkpoints/", headers=auth)[0] == 200

    stack.shell(
        "import json\n"
        "from rest_framework.authtoken.models import Token\n"
        "print(json.dumps(Token.objects.all().delete()[0]))"
    )

    statuses = [
        request(port, "/api/checkin/checkpoints/", headers=auth)[0]
        for port in (first, second)
        for _ in range(4)
    ]
    assert statuses == [401] * 8


def test_postgresql_restart_while_serving_503_then_recovers_nothing_half_saved(stack, nodes):
    first, _second, _balancer = nodes
    answers = {}
    stop = threading.Event()

    def keep_registering(worker):
        n = 0
        while not stop.is_set():
            email = f"restart{worker}-{n}@example.org"
            answers[email] = register(first, email)[0]
            n += 1

    threads = [threading.Thread(target=keep_registering, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    stack.postgres.stop("fast")
    time.sleep(1.5)
    stack.postgres.start()
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(30)
    after = [register(first, f"after{i}@example.org")[0] for i in range(6)]

    statuses = sorted(set(answers.values()))
    print(f"\npostgres restart: {len(answers)} registrations, statuses {statuses}")
    assert set(statuses) <= {202, 503}
    assert 503 in statuses
    assert after == [202] * 6  # the nodes recovered without a restart
    saved = {e for e in counts(stack)["emails"] if e.startswith("restart")}
    assert saved == {email for email, status in answers.items() if status == 202}
    assert counts(stack)["without_email_log"] == 0
    assert counters_corrected(stack) == "0 counter(s) corrected."


def _workers(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def test_worker_killed_mid_rush_every_registration_whole_or_absent(stack, nodes):
    first, _second, _balancer = nodes
    master = next(process for port, process in stack.nodes if port == first)
    emails = [f"kill{i}@example.org" for i in range(60)]
    killer = threading.Timer(0.3, lambda: os.kill(_workers(master.pid)[0], signal.SIGKILL))

    killer.start()
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = dict(zip(emails, pool.map(lambda e: register(first, e)[0], emails), strict=True))
    killer.join()

    statuses = sorted(set(answers.values()))
    print(f"\nworker SIGKILL: {len(emails)} registrations, statuses {statuses}")
    assert set(statuses) <= {202, 0, 502}  # 0: the connection the killed worker held
    saved = {e for e in counts(stack)["emails"] if e.startswith("kill")}
    assert {e for e, status in answers.items() if status == 202} <= saved
    assert counts(stack)["without_email_log"] == 0
    assert counters_corrected(stack) == "0 counter(s) corrected."
    assert request(first, "/api/conferences/rush/")[0] == 200  # the master started a new worker
