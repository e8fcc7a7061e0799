"""Revoking a door right takes effect on the next request in every web process: two gunicorn
processes share a Redis cache (as in production with CACHE_URL), both have the volunteer's right
cached, and after the revocation both refuse the very next request."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from checkin.models import Checkpoint
from checkin.services import (
    badge_code_for,
    checkpoints_ensure,
    door_staff_assign,
    door_staff_unassign,
)
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _redis_reachable():
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        return False


pytestmark = [
    pytest.mark.skipif(not _redis_reachable(), reason=f"needs Redis at {REDIS_URL}"),
    pytest.mark.django_db(transaction=True),
]


def _database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def shared_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_servers(shared_cache, tmp_path):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory"):
        pytest.skip("the servers need a database file or PostgreSQL")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": _database_url(),
        "CACHE_URL": REDIS_URL,
    }
    servers = []
    for n in range(2):
        port = _free_port()
        log = open(tmp_path / f"server-{n}.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "1",
                "-b", f"127.0.0.1:{port}", "--timeout", "60",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        servers.append((f"http://127.0.0.1:{port}", process, log))
    deadline = time.monotonic() + 60
    for url, process, _log in servers:
        while True:
            assert process.poll() is None, (tmp_path / "server-0.log").read_text()
            try:
                urllib.request.urlopen(f"{url}/api/schema/", timeout=2)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
    yield [url for url, _process, _log in servers]
    for _url, process, log in servers:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _scan(base, checkpoint, token, code):
    request = urllib.request.Request(  # noqa: S310 - a local test server
        f"{base}/api/checkin/checkpoints/{checkpoint.pk}/scans/",
        data=json.dumps({"scan_id": str(uuid.uuid4()), "code": code}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def door():
    conference = ConferenceFactory()
    checkpoints_ensure(conference=conference)
    checkpoint = Checkpoint.objects.filter(conference=conference, kind="entrance").first()
    user = UserFactory(username="volunteer", is_staff=False)
    door_staff_assign(conference=conference, user=user)
    token = Token.objects.create(user=user)
    code = badge_code_for(RegistrationFactory(conference=conference)).code
    return conference, checkpoint, user, token, code


def test_revoked_token_refused_by_both_processes_on_next_request(two_servers, door):
    _conference, checkpoint, _user, token, code = door
    assert [_scan(url, checkpoint, token.key, code) for url in two_servers] == [200, 200]
    assert [_scan(url, checkpoint, token.key, code) for url in two_servers] == [200, 200]

    token.delete()

    assert [_scan(url, checkpoint, token.key, code) for url in two_servers] == [401, 401]


def test_revoked_door_assignment_refused_by_both_processes_on_next_request(two_servers, door):
    conference, checkpoint, user, token, code = door
    assert [_scan(url, checkpoint, token.key, code) for url in two_servers] == [200, 200]

    door_staff_unassign(conference=conference, user=user)

    assert [_scan(url, checkpoint, token.key, code) for url in two_servers] == [403, 403]


def test_deactivated_volunteer_refused_by_both_processes_on_next_request(two_servers, door):
    _conference, checkpoint, user, token, code = door
    assert [_scan(url, checkpoint, token.key, code) for url in two_servers] == [200, 200]

    user.is_active = False
    user.save(update_fields=["is_active"])

    assert [_scan(url, checkpoint, token.key, code) for url in two_servers] == [401, 401]
