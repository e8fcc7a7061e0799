"""Small helpers shared by the bench scripts. Everything stays on 127.0.0.1.

    from bench.common import (
        bench_database, django_setup, gunicorn, time_get, summary, machine_info, results_write,
    )

    url = bench_database("samla_bench_x")        # drop + create a PostgreSQL database
    django_setup(url)                             # settings for this process; then migrate
    with gunicorn(url) as server:                 # 2 sync workers on a free port
        cpu = server.cpu_seconds()
        samples = time_get(server.url + "/path/", n=200)
        cpu = server.cpu_seconds() - cpu          # workers' CPU time: barely moved by load
    print(summary(samples))                       # median, p95, p99 in milliseconds
    results_write("Programme", markdown_text)     # replace one "## " section of RESULTS.md

Run scripts as modules from the repository root: `.venv/bin/python -m bench.programme`.
"""

import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SERVER_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdef"  # noqa: S105


DROP = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def bench_database(name: str) -> str:
    """Drop and create the PostgreSQL database `name`; return its DATABASE_URL."""
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(DROP.format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{SERVER_URL}/{name}"


def bench_database_drop(name: str) -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(DROP.format(sql.Identifier(name)))


def server_env(database_url: str) -> dict:
    """The environment of a production-like Samla: DEBUG off, plain HTTP on 127.0.0.1."""
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    }


def django_setup(database_url: str) -> None:
    """Configure Django in this process against `database_url` and bring the schema up to date.

    `testserver` is allowed too, so the script can count queries with Django's test client.
    Static files are collected because DEBUG=0 serves them from the manifest."""
    os.environ.update(server_env(database_url))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, url: str, pid: int):
        self.url = url
        self.pid = pid

    def worker_pids(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == self.pid:
                pids.append(int(stat.parent.name))
        return pids

    def cpu_seconds(self) -> float:
        """CPU time the master and its workers have used so far. Unlike wall-clock latency it
        hardly moves when other programs share the machine, so it is the steadier figure."""
        total = 0.0
        for pid in [self.pid, *self.worker_pids()]:
            try:
                total += _cpu_seconds(pid)
            except OSError:
                continue
        return total


@contextmanager
def gunicorn(database_url: str, workers: int = 2, start_timeout: float = 30.0):
    """Serve Samla with gunicorn on a free 127.0.0.1 port; yield a `Server`; stop it after."""
    port = free_port()
    env = {**os.environ, **server_env(database_url)}
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start in time") from None
                time.sleep(0.2)
        yield Server(base, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(url: str, timeout: float = 10.0) -> bytes:
    """GET `url`; raise unless it answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"GET {url} answered {exc.code}, not 200") from exc
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}, not 200")
    return body


def time_get(url: str, n: int = 200, warmup: int = 20) -> list[float]:
    """Seconds taken by each of `n` sequential GETs of `url`, after `warmup` untimed ones."""
    for _ in range(warmup):
        get(url)
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        get(url)
        samples.append(time.perf_counter() - started)
    return samples


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(samples: list[float]) -> dict:
    """Median, p95 and p99 in milliseconds, rounded to 0.1 ms."""
    return {
        "n": len(samples),
        "median": round(statistics.median(samples) * 1000, 1),
        "p95": round(percentile(samples, 95) * 1000, 1),
        "p99": round(percentile(samples, 99) * 1000, 1),
    }


def load_average() -> str:
    """The 1-minute load average: above the CPU count, other programs compete for the CPUs."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def machine_info(database_url: str) -> dict:
    with psycopg.connect(database_url) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    mem_kib = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    import django

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": load_average(),
        "cpus": os.cpu_count(),
        "ram": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgres": postgres,
        "platform": platform.platform(),
    }


def results_write(section: str, body: str, path: Path = RESULTS) -> None:
    """Replace the `## <section>` part of RESULTS.md with `body`, leaving the others alone."""
    heading = f"## {section}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    new = [heading, "", *body.strip("\n").splitlines(), ""]
    if start is None:
        lines = [*lines, "", *new] if lines and lines[-1] else [*lines, *new]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines = [*lines[:start], *new, *lines[end:]]
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


SECTORS = ("public", "nonprofit", "private", "academia", "other")


def rush_conference_create(slug: str) -> dict[int, list[int]]:
    """A 130-seat conference a month ahead with three time slots of three capped workshops (20,
    30 and 40 seats), as in bench/registration_rush.py; {slot: [session ids]}. Needs Django set
    up (django_setup, or `manage.py shell`)."""
    from datetime import timedelta

    from django.utils import timezone

    from conference.models import Conference, Session

    start = timezone.now() + timedelta(days=30)
    conference = Conference.objects.create(
        slug=slug,
        name=f"Lärkonferens {slug}",
        start=start,
        end=start + timedelta(hours=8),
        capacity=130,
        is_published=True,
    )
    by_slot = {}
    for slot in range(3):
        for n, seats in enumerate((20, 30, 40)):
            session = Session.objects.create(
                conference=conference,
                title=f"Workshop {slot}-{n}",
                kind="workshop",
                requires_signup=True,
                capacity=seats,
                start=start + timedelta(hours=1 + 2 * slot),
                end=start + timedelta(hours=2 + 2 * slot),
            )
            by_slot.setdefault(slot, []).append(session.pk)
    return by_slot


def registration_body(rng, by_slot: dict, i: int, prefix: str = "rush") -> dict:
    """One registration for the API: a workshop in each slot with a chance of 4 in 5."""
    return {
        "name": f"Deltagare {i}",
        "email": f"{prefix}{i}@example.org",
        "organisation": "Exempelkommunen",
        "sector": rng.choice(SECTORS),
        "consent": True,
        "sessions": [rng.choice(pks) for pks in by_slot.values() if rng.random() < 0.8],
    }


def past_registrations_create(slug: str, count: int) -> None:
    """A conference like rush_conference_create's with `count` registrations already made (two
    workshops each, an audit entry and a sent e-mail), bulk-inserted: the tables and the
    planner's statistics of a database in use rather than of a fresh one. Needs Django set up."""
    from django.utils import timezone

    from conference.models import Conference
    from registration.models import AuditEntry, EmailLog, Registration, Signup

    by_slot = rush_conference_create(slug)
    conference = Conference.objects.get(slug=slug)
    conference.capacity = count  # all seated, none oversold
    conference.save(update_fields=["capacity"])
    conference.sessions.update(capacity=None)
    now = timezone.now()
    registrations = Registration.objects.bulk_create(
        Registration(
            conference=conference,
            status="confirmed",
            name=f"Tidigare {i}",
            email=f"{slug}{i}@example.org",
            organisation="Exempelkommunen",
            sector=SECTORS[i % len(SECTORS)],
            consented_at=now,
        )
        for i in range(count)
    )
    slots = list(by_slot.values())
    Signup.objects.bulk_create(
        Signup(registration=r, session_id=slots[slot][i % 3], status="confirmed")
        for i, r in enumerate(registrations)
        for slot in (i % 3, (i + 1) % 3)
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(conference=conference, registration=r, actor_label="attendee",
                   action="registered")
        for r in registrations
    )  # fmt: skip
    EmailLog.objects.bulk_create(
        EmailLog(conference=conference, registration=r, kind="confirmation", to=r.email,
                 status="sent", attempts=1, sent_at=now)
        for r in registrations
    )  # fmt: skip
