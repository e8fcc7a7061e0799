"""How fast is the public programme? `.venv/bin/python -m bench.programme [-n 200]`

Builds a 3-day conference with 120 sessions in 8 rooms (speakers and themes included) in the
PostgreSQL database `samla_bench_programme` (dropped and created again each run), serves it with
gunicorn (2 sync workers, DEBUG off) on 127.0.0.1, and times N sequential GETs of the full
programme page /<slug>/ and of the session list endpoint /api/conferences/<slug>/sessions/.
Query counts come from Django's test client in this process. The figures replace the
"## Programme" section of bench/RESULTS.md. Targets: page median ≤ 50 ms, list ≤ 40 ms.
"""

import argparse
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.common import (
    bench_database,
    bench_database_drop,
    django_setup,
    get,
    gunicorn,
    load_average,
    machine_info,
    results_write,
    summary,
    time_get,
)

DATABASE = "samla_bench_programme"
SLUG = "bench-2030"
ROOMS = 8
DAYS = 3
# Five one-hour slots a day in every room: 5 x 8 x 3 = 120 sessions.
SLOTS = [(9, 0), (10, 30), (13, 0), (14, 30), (16, 0)]
SPEAKERS = 80
TRACKS = 6
WARMUP = 20
TARGETS = {"programme page": 50.0, "programme page, cold": 50.0, "session list": 40.0}


def build_conference():
    """The bench conference, saved through the programme services so every rule holds."""
    from conference.models import Conference, Room, Session, Speaker, Track
    from conference.services import session_create

    zone = ZoneInfo("Europe/Stockholm")
    first = datetime(2030, 3, 12, 9, 0, tzinfo=zone)
    conference = Conference.objects.create(
        slug=SLUG,
        name="Lärkonferens 2030 (bench)",
        name_en="Learning Conference 2030 (bench)",
        tagline="Tre dagar, åtta salar",
        description="En konferens som bara finns för att mäta hur snabbt programmet visas.",
        venue_name="Malmö universitet",
        venue_address="Nordenskiöldsgatan 10, 211 19 Malmö",
        city="Malmö",
        start=first,
        end=first + timedelta(days=DAYS - 1, hours=9),
        capacity=400,
        contact_email="bench@example.org",
        is_published=True,
    )
    rooms = Room.objects.bulk_create(
        Room(
            conference=conference,
            name=f"Sal {i + 1}",
            name_en=f"Room {i + 1}",
            capacity=40 + i,
            position=i,
        )
        for i in range(ROOMS)
    )
    colours = ["#2b6cb0", "#2f855a", "#b7791f", "#9b2c2c", "#6b46c1", "#2c7a7b"]
    tracks = Track.objects.bulk_create(
        Track(
            conference=conference,
            name=f"Tema {i + 1}",
            name_en=f"Theme {i + 1}",
            colour=colours[i % len(colours)],
        )
        for i in range(TRACKS)
    )
    speakers = Speaker.objects.bulk_create(
        Speaker(
            conference=conference,
            name=f"Talare {i + 1:02d}",
            title="Utvecklare",
            title_en="Developer",
            organisation=f"Organisation {i % 17 + 1}",
            bio="Arbetar med social innovation i Skåne.",
            bio_en="Works on social innovation in Skåne.",
        )
        for i in range(SPEAKERS)
    )
    kinds = [Session.Kind.SEMINAR, Session.Kind.WORKSHOP, Session.Kind.PANEL, Session.Kind.SEMINAR]
    n = 0
    for day in range(DAYS):
        for slot, (hour, minute) in enumerate(SLOTS):
            start = (first + timedelta(days=day)).replace(hour=hour, minute=minute)
            for room_index, room in enumerate(rooms):
                # Within a slot the eight first speakers and the eight second speakers are
                # sixteen different people, so nobody is in two places at once.
                lead = n % SPEAKERS
                pair = [speakers[lead], speakers[(lead + SPEAKERS // 2) % SPEAKERS]]
                kind = kinds[(slot + room_index) % len(kinds)]
                session_create(
                    conference=conference,
                    speakers=pair[: 1 + n % 2],
                    title=f"Seminarium {n + 1}: samverkan över sektorsgränser",
                    title_en=f"Seminar {n + 1}: working across sectors",
                    kind=kind,
                    abstract="Hur bygger vi partnerskap mellan idéburen, offentlig och privat "
                    "sektor? " * 3,
                    abstract_en="How do we build partnerships across sectors? " * 3,
                    room=room,
                    track=tracks[n % TRACKS],
                    start=start,
                    end=start + timedelta(hours=1),
                    capacity=25 if kind == Session.Kind.WORKSHOP else None,
                    requires_signup=kind == Session.Kind.WORKSHOP,
                )
                n += 1
    return conference, n


def time_cold(url, conference, n):
    """Like time_get, but the programme is marked changed before each GET, so every request
    renders the timetable afresh instead of taking it from the cache (an organiser's edit)."""
    import time

    from conference.services import conference_touch

    samples = []
    for _ in range(n):
        conference_touch(conference=conference)
        started = time.perf_counter()
        get(url)
        samples.append(time.perf_counter() - started)
    return samples


def query_counts(paths):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code} in-process")
        counts[name] = len(queries)
    return counts


def markdown(results, counts, machine, sessions, n):
    lines = [
        f"Run {machine['date']} with `.venv/bin/python -m bench.programme -n {n}`.",
        "",
        f"Machine: {machine['cpus']} CPUs, {machine['ram']} RAM, {machine['platform']}; "
        f"Python {machine['python']}, Django {machine['django']}, "
        f"PostgreSQL {machine['postgres']}. "
        "gunicorn with 2 sync workers, DEBUG off, client on the same machine (127.0.0.1). "
        f"1-minute load average when the run started: {machine['load']}.",
        "",
        f"Data: a 3-day conference with {sessions} sessions in {ROOMS} rooms, {SPEAKERS} "
        f"speakers (1–2 per session), {TRACKS} themes. {n} sequential GETs after {WARMUP} "
        "untimed ones.",
        "",
        "Server CPU is the CPU time the gunicorn workers used per request (from /proc); unlike "
        "the wall-clock figures it barely changes when other programs compete for the CPUs. "
        "Load is the 1-minute load average when the timing ended (CPUs: "
        f"{machine['cpus']}); a load above the CPU count inflates the wall-clock figures.",
        "",
        "| request | median ms | p95 ms | p99 ms | mean server CPU ms | SQL queries | load "
        "| target (median) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    notes = [
        "",
        "The public timetable is rendered once per programme version and language and then kept "
        "in the cache (`conference.views._timetable_html`); every programme write moves "
        '`programme_changed_at`, which is part of the key. "programme page" is what visitors '
        'get; "programme page, cold" marks the programme changed before every request, so each '
        "one renders the whole timetable (the first visitor after an organiser's edit).",
    ]
    for name, (path, stats) in results.items():
        verdict = "met" if stats["median"] <= TARGETS[name] else "MISSED"
        lines.append(
            f"| {name} `{path}` | {stats['median']} | {stats['p95']} | {stats['p99']} "
            f"| {stats['cpu']} | {counts[name]} | {stats['load']} "
            f"| ≤ {TARGETS[name]:.0f} ms: {verdict} |"
        )
    return "\n".join(lines + notes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="timed requests per URL (1–5000)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args()
    n = max(1, min(args.n, 5000))

    database_url = bench_database(DATABASE)
    configured = False
    try:
        django_setup(database_url)
        configured = True
        conference, sessions = build_conference()
        paths = {
            "programme page": f"/{conference.slug}/",
            "session list": f"/api/conferences/{conference.slug}/sessions/",
        }
        counts = query_counts(paths)
        counts["programme page, cold"] = counts["programme page"]
        counts["programme page"] = query_counts({"page": paths["programme page"]})["page"]
        machine = machine_info(database_url)
        from django.db import connections

        connections.close_all()
        results = {}
        with gunicorn(database_url) as server:
            listed = json.loads(get(server.url + paths["session list"]))
            listed = listed["results"] if isinstance(listed, dict) else listed
            if len(listed) != sessions:
                raise RuntimeError(f"the session list has {len(listed)} sessions, not {sessions}")
            for name, path in paths.items():
                # Warm up first: the workers may still be booting, which costs CPU too.
                time_get(server.url + path, n=0, warmup=WARMUP)
                cpu = server.cpu_seconds()
                stats = summary(time_get(server.url + path, n=n, warmup=0))
                stats["cpu"] = round((server.cpu_seconds() - cpu) / n * 1000, 1)
                stats["load"] = load_average()
                results[name] = (path, stats)
                if name == "programme page":
                    cpu = server.cpu_seconds()
                    cold = summary(time_cold(server.url + path, conference, n))
                    cold["cpu"] = round((server.cpu_seconds() - cpu) / n * 1000, 1)
                    cold["load"] = load_average()
                    results["programme page, cold"] = (path, cold)
            for name, (path, stats) in results.items():
                print(
                    f"{name:21} {path:45} median {stats['median']:6.1f} ms  "
                    f"p95 {stats['p95']:6.1f} ms  p99 {stats['p99']:6.1f} ms  "
                    f"{counts[name]} queries  server CPU {stats['cpu']:.1f} ms/request  "
                    f"load {stats['load']}"
                )
        if not args.no_write:
            results_write("Programme", markdown(results, counts, machine, sessions, n))
            print("wrote bench/RESULTS.md (## Programme)")
    finally:
        if configured:
            from django.db import connections

            connections.close_all()
        if not args.keep:
            bench_database_drop(DATABASE)


if __name__ == "__main__":
    main()
