"""One registration request, in-process on PostgreSQL: its SQL statements, its time, and where
the time goes (cProfile).

    .venv/bin/python bench/registration_profile.py [--requests 200] [--broker redis://...]

Creates (drops first) the database `samla_profile`, a 130-seat conference with nine capped
workshops as in bench/registration_rush.py, and posts registrations through Django's test
client (the whole middleware stack, no network). Prints the statements of one confirmed and
one waiting-list registration, the mean time per request, and the top of the profile.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"
DB = "samla_profile"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--broker", default="", help="CELERY_BROKER_URL; empty: eager tasks")
    args = parser.parse_args()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    os.environ.update(
        DATABASE_URL=f"{PG}/{DB}",
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",  # noqa: S106
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver",
        CELERY_BROKER_URL=args.broker,
        CELERY_RESULT_BACKEND="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.common import registration_body, rush_conference_create

    call_command("migrate", verbosity=0)
    by_slot = rush_conference_create("rush")
    rng = random.Random(7)
    client = Client()
    url = "/api/conferences/rush/registrations/"

    def body(i):
        return registration_body(rng, by_slot, i, prefix="profile")

    def post(i):
        response = client.post(url, body(i), content_type="application/json")
        assert response.status_code == 202, response.content

    post(-1)  # warm: imports, counters, connection
    with CaptureQueriesContext(connection) as confirmed:
        post(0)
    timings, profiler = [], cProfile.Profile()
    for i in range(1, args.requests):
        t0 = time.perf_counter()
        post(i)
        timings.append(time.perf_counter() - t0)
    for i in range(args.requests + 1, 2 * args.requests):
        profiler.enable()
        post(i)
        profiler.disable()
    with CaptureQueriesContext(connection) as waiting:
        post(2 * args.requests)
    for label, queries in (("confirmed", confirmed), ("waiting list", waiting)):
        print(f"--- one {label} registration: {len(queries.captured_queries)} statements")
        for q in queries.captured_queries:
            print(f"  {float(q['time']) * 1000:5.2f} ms  {q['sql'][:110]}")
    timings.sort()
    print(
        f"--- {len(timings)} requests in-process: mean {sum(timings) / len(timings) * 1000:.2f} "
        f"ms, median {timings[len(timings) // 2] * 1000:.2f} ms (without the profiler); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    out = io.StringIO()
    interesting = (
        "registration/|celery/app|kombu/messaging"
        "|rest_framework/(serializers|views|fields).py.*"
        "(is_valid|run_validation|dispatch|to_internal)|middleware|conference/selectors"
    )
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(interesting, 40)
    print(out.getvalue())
    connection.close()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
