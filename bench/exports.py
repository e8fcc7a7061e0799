"""How fast are the exports? `.venv/bin/python -m bench.exports [-n 50] [-c 15]`

Builds three conferences of 30, 120 and 500 sessions (rooms, themes, one or two speakers each,
abstracts, a registration with workshop places) in the PostgreSQL database
`samla_bench_exports` (dropped and created again each run), serves them with gunicorn (2 sync
workers, DEBUG off, no Celery broker) on 127.0.0.1 and times sequential GETs of every feed,
schedule.xml, schedule.json, a 304 answer and the PDF booklet.

Each feed is timed twice: "cold", with the programme touched before every request (so the
server fetches and renders it again), and "warm", the repeated request answered from the
rendered bytes the server keeps until the programme changes. The booklet is timed cold only,
with its page count (pages per second) and the workers' peak memory (VmHWM). Query counts come
from Django's test client in this process. The figures replace the "## Exports" section of
bench/RESULTS.md.

Targets at 120 sessions (cold medians): programme.ics ≤ 30 ms, schedule.xml ≤ 100 ms,
schedule.json ≤ 80 ms, 304 ≤ 10 ms, booklet ≤ 4 s; at 500 sessions ≤ 4.5 × the 120 figure.
"""

import argparse
import http.client
import io
import os
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bench.common import (
    bench_database,
    bench_database_drop,
    django_setup,
    gunicorn,
    load_average,
    machine_info,
    results_write,
    summary,
)

DATABASE = "samla_bench_exports"
# sessions: (days, rooms, slots a day)
SIZES = {30: (1, 5, 6), 120: (3, 8, 5), 500: (5, 10, 10)}
SPEAKERS_PER_SESSION = 2
TARGETS_120 = {
    "programme.ics": 30.0,
    "schedule.xml": 100.0,
    "schedule.json": 80.0,
    "304 programme.ics": 10.0,
    "booklet (PDF, A5)": 4000.0,
}
SCALE_500 = 4.5


def build_conference(sessions: int):
    from conference.models import Conference, Room, Session, Speaker, Track
    from registration.models import Registration, Signup

    days, room_count, slots = SIZES[sessions]
    assert days * room_count * slots == sessions
    zone = ZoneInfo("Europe/Stockholm")
    first = datetime(2030, 3, 12, 8, 0, tzinfo=zone)
    conference = Conference.objects.create(
        slug=f"bench-exports-{sessions}",
        name=f"Lärkonferens {sessions} (bench)",
        name_en=f"Learning conference {sessions} (bench)",
        tagline="Samverkan över sektorsgränser",
        description="En konferens som bara finns för att mäta exporterna.",
        venue_name="Malmö universitet",
        venue_address="Nordenskiöldsgatan 10, 211 19 Malmö",
        city="Malmö",
        start=first,
        end=first + timedelta(days=days - 1, hours=10),
        contact_email="bench@example.org",
        is_published=True,
    )
    rooms = Room.objects.bulk_create(
        Room(conference=conference, name=f"Sal {i + 1} – Ängen", capacity=40, position=i)
        for i in range(room_count)
    )
    tracks = Track.objects.bulk_create(
        Track(conference=conference, name=f"Tema {i + 1}", name_en=f"Theme {i + 1}")
        for i in range(6)
    )
    speaker_count = max(4, sessions // 2)
    speakers = Speaker.objects.bulk_create(
        Speaker(
            conference=conference,
            name=f"Talare {i + 1:03d} Åberg",
            title="Verksamhetsutvecklare",
            organisation=f"Organisation {i % 23 + 1}",
            bio="Arbetar med social innovation och idéburet företagande i Skåne. " * 2,
        )
        for i in range(speaker_count)
    )
    rows = []
    for day in range(days):
        for slot in range(slots):
            start = first + timedelta(days=day, minutes=50 * slot)
            for r, room in enumerate(rooms):
                n = len(rows)
                kind = Session.Kind.WORKSHOP if r % 4 == 3 else Session.Kind.SEMINAR
                rows.append(
                    Session(
                        conference=conference,
                        title=f"Seminarium {n + 1}: samverkan över sektorsgränser",
                        title_en=f"Seminar {n + 1}: working across sectors",
                        kind=kind,
                        requires_signup=kind == Session.Kind.WORKSHOP,
                        abstract="Hur bygger vi partnerskap mellan idéburen, offentlig och "
                        "privat sektor? Erfarenheter från Skåne. " * 3,
                        room=room,
                        track=tracks[n % len(tracks)],
                        start=start,
                        end=start + timedelta(minutes=45),
                    )
                )
    created = Session.objects.bulk_create(rows)
    through = Session.speakers.through
    through.objects.bulk_create(
        through(session_id=s.pk, speaker_id=speakers[(i * 2 + k) % speaker_count].pk)
        for i, s in enumerate(created)
        for k in range(1 + i % SPEAKERS_PER_SESSION)
    )
    registration = Registration.objects.create(
        conference=conference,
        name="Bench Deltagare",
        email=f"bench{sessions}@example.org",
        sector="public",
        consented_at=first - timedelta(days=30),
    )
    workshops = [s for s in created if s.requires_signup][:: max(1, slots)]
    Signup.objects.bulk_create(Signup(registration=registration, session=s) for s in workshops)
    return conference, registration, tracks[0]


def touch(conference):
    from conference.services import conference_touch

    conference_touch(conference=conference)


def request(base: str, path: str, headers=None):
    """(status, headers, body, seconds) of one GET on a new connection."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    seconds = time.perf_counter() - started
    connection.close()
    return response.status, dict(response.getheaders()), body, seconds


def cpu_timed(server, path, n, **kwargs):
    """`timed`, plus the gunicorn workers' CPU milliseconds per request: unlike wall-clock
    time it hardly moves when other programs compete for the CPUs."""
    cpu = server.cpu_seconds()
    samples, last = timed(server.url, path, n, **kwargs)
    stats = summary(samples)
    stats["cpu"] = round((server.cpu_seconds() - cpu) / n * 1000, 1)
    return stats, last


def timed(base, path, n, *, expect=200, before=None, headers=None):
    samples = []
    last = None
    for _ in range(n):
        if before:
            before()
        status, response_headers, body, seconds = request(base, path, headers)
        if status != expect:
            raise RuntimeError(f"GET {path} answered {status}, not {expect}")
        samples.append(seconds)
        last = (response_headers, body)
    return samples, last


def peak_memory_mib(server) -> float:
    peak = 0
    for pid in server.worker_pids():
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return round(peak / 1024, 1)


def query_counts(paths):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, path in paths.items():
        if name.startswith("booklet"):
            continue
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code} in-process")
        counts[name] = len(queries)
    return counts


def run_size(server, conference, registration, track, n, cold, booklets):
    from pypdf import PdfReader

    slug = conference.slug
    paths = {
        "programme.ics": f"/{slug}/programme.ics",
        "track .ics": f"/{slug}/tracks/{track.pk}.ics",
        "agenda .ics": f"/agenda/{registration.calendar_token}.ics",
        "schedule.xml": f"/{slug}/schedule.xml",
        "schedule.json": f"/{slug}/schedule.json",
    }
    counts = query_counts(paths)
    results = {}
    for name, path in paths.items():
        timed(server.url, path, 3)  # both workers booted and warm
        cold_stats, _ = cpu_timed(server, path, cold, before=lambda: touch(conference))
        warm_stats, _ = cpu_timed(server, path, n)
        results[name] = {
            "path": path,
            "cold": cold_stats,
            "warm": warm_stats,
            "queries": counts[name],
        }
    _status, headers, _body, _s = request(server.url, paths["programme.ics"])
    not_modified, _ = cpu_timed(
        server,
        paths["programme.ics"],
        n,
        expect=304,
        headers={"If-None-Match": headers["ETag"]},
    )
    results["304 programme.ics"] = {
        "path": paths["programme.ics"] + " (If-None-Match)",
        "cold": not_modified,
        "warm": not_modified,
        "queries": 1,
    }
    path = f"/{slug}/programme.pdf"
    stats, (headers, body) = cpu_timed(server, path, booklets, before=lambda: touch(conference))
    if headers.get("Content-Type") != "application/pdf":
        raise RuntimeError(f"{path} answered {headers.get('Content-Type')}")
    pages = len(PdfReader(io.BytesIO(body)).pages)
    results["booklet (PDF, A5)"] = {
        "path": path,
        "cold": stats,
        "warm": cpu_timed(server, path, min(n, 20))[0],
        "queries": 6,
        "pages": pages,
        "pages_per_s": round(pages / (stats["median"] / 1000), 1),
        "peak_mib": peak_memory_mib(server),
    }
    count = conference.sessions.count()
    for name, r in results.items():
        extra = f"  {r['pages']} pages, {r['pages_per_s']} pages/s" if "pages" in r else ""
        print(
            f"{count:4} sessions  {name:18} cold median {r['cold']['median']:8.1f}"
            f" p95 {r['cold']['p95']:8.1f} ms cpu {r['cold']['cpu']:7.1f} ms | warm median "
            f"{r['warm']['median']:6.1f} p95 {r['warm']['p95']:6.1f} ms cpu {r['warm']['cpu']:5.1f}"
            f" ms  {r['queries']} queries  load {load_average()}{extra}"
        )
    return results


def verdict(name, size, median, by_size):
    if name not in TARGETS_120:
        return ""
    if size == 120:
        target = TARGETS_120[name]
        return f"≤ {target:g} ms: {'met' if median <= target else 'MISSED'}"
    if size == 500:
        base = by_size[120][name]["cold"]["median"]
        target = round(base * SCALE_500, 1)
        return f"≤ 4.5 × 120 = {target:g} ms: {'met' if median <= target else 'MISSED'}"
    return ""


VARIANCE = """\
**Run-to-run variance, read this first.** The cold 120-session booklet (target ≤ 4 s) hovers
around its target on this machine. On 2026-11-23 the same booklet code measured 3.94, 4.29,
5.50 and 5.00 s in the first session, and 3.83, 3.88, 4.05, 4.23 and 4.48 s in the third
(4.48 at a load average of 3.8; 4.23 with the Noto fonts hidden from fontconfig, so they cost
nothing). The workers' CPU per request moves with it: the machine's own speed varies, not only
the load.
The time is WeasyPrint's (shares of 3.9 s CPU by cProfile: layout ~1.9 s, styles ~0.5 s,
drawing ~0.5 s, PDF writing ~0.8 s; our QR codes ~0.3 s). With a Celery broker the booklets
people fetched are rendered again in the background a minute after the last programme edit, so
readers seldom meet a cold render.\
"""


def markdown(by_size, machine, n, cold, booklets, load_after):
    lines = [
        f"Run {machine['date']} with `.venv/bin/python -m bench.exports -n {n} -c {cold}`.",
        "",
        f"Machine: {machine['cpus']} CPUs, {machine['ram']} RAM, {machine['platform']}; "
        f"Python {machine['python']}, Django {machine['django']}, PostgreSQL "
        f"{machine['postgres']}. gunicorn with 2 sync workers, DEBUG off, no Celery broker "
        "(the booklet renders in the request), client on 127.0.0.1. 1-minute load average "
        f"at the start: {machine['load']}, at the end: {load_after} (above {machine['cpus']}, "
        "other programs compete for the CPUs and the wall-clock figures grow).",
        "",
        "**Cold**: the programme is touched before every request, so the server fetches it "
        f"({cold} requests per feed, {booklets} per booklet). **Warm**: repeated requests ({n}) "
        "served from the rendered bytes kept until the programme changes. Targets apply to "
        "the cold median. Server CPU is the CPU time the gunicorn workers spent per request "
        "(from /proc): the figure to trust when the load average is above the CPU count. "
        "Cold iCal feeds still re-use the rendered text of every event whose content did not "
        "change (an in-process cache keyed by all the event's values); the first render of a "
        "feed after a restart costs about 25 ms more per 100 events (icalendar's own "
        "serialisation).",
        "",
        VARIANCE,
        "",
    ]
    for size, results in by_size.items():
        lines += [
            f"### {size} sessions",
            "",
            "| request | cold median ms | cold p95 ms | cold server CPU ms | warm median ms "
            "| warm p95 ms | warm server CPU ms | SQL queries | target (cold median) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, r in results.items():
            lines.append(
                f"| {name} | {r['cold']['median']} | {r['cold']['p95']} | {r['cold']['cpu']} | "
                f"{r['warm']['median']} | {r['warm']['p95']} | {r['warm']['cpu']} | "
                f"{r['queries']} | "
                f"{verdict(name, size, r['cold']['median'], by_size)} |"
            )
        b = results["booklet (PDF, A5)"]
        lines += [
            "",
            f"Booklet: {b['pages']} A5 pages, {b['pages_per_s']} pages/s; gunicorn workers' "
            f"peak memory (VmHWM) so far: {b['peak_mib']} MiB.",
            "",
        ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="warm requests per URL (1–1000)")
    parser.add_argument("-c", type=int, default=15, help="cold requests per feed (1–200)")
    parser.add_argument("--booklets", type=int, default=3, help="cold booklets per size (1–10)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args()
    n = max(1, min(args.n, 1000))
    cold = max(1, min(args.c, 200))
    booklets = max(1, min(args.booklets, 10))

    database_url = bench_database(DATABASE)
    media = Path("/tmp") / f"samla-bench-exports-{os.getpid()}"
    os.environ["MEDIA_ROOT"] = str(media)
    # A 500-session booklet on a busy machine may take longer than gunicorn's default 30 s.
    os.environ["GUNICORN_CMD_ARGS"] = "--timeout 180"
    configured = False
    try:
        django_setup(database_url)
        configured = True
        built = {size: build_conference(size) for size in SIZES}
        machine = machine_info(database_url)
        from django.db import connections

        connections.close_all()
        by_size = {}
        with gunicorn(database_url) as server:
            for size, (conference, registration, track) in built.items():
                by_size[size] = run_size(server, conference, registration, track, n, cold, booklets)
                connections.close_all()
        load_after = load_average()
        if not args.no_write:
            results_write("Exports", markdown(by_size, machine, n, cold, booklets, load_after))
            print("wrote bench/RESULTS.md (## Exports)")
    finally:
        if configured:
            from django.db import connections

            connections.close_all()
        if not args.keep:
            bench_database_drop(DATABASE)
        for path in sorted(media.glob("**/*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        if media.exists():
            media.rmdir()


if __name__ == "__main__":
    main()
