"""How fast is the report, and how fast are certificates? `.venv/bin/python -m bench.impact`

Builds, in the PostgreSQL database `samla_bench_impact` (dropped and created again each run), a
two-day conference with 2,000 registrations across the five sectors (1,800 confirmed, 120
cancelled, 80 waiting), 40 sessions (10 plenaries/seminars, 30 workshops with sign-up and door
scanning), a municipality question answered by everyone, 1,600 people present (entrance scans on
both days, door scans at their workshops) and an earlier conference of the same organiser.

Times, in this process (Django's test client for the page, so no HTTP server in between; the
figures are the server's work): the report page (`/organiser/<slug>/report/`), the report PDF,
the report XLSX, and one PDF of certificates for 50, 100, 250 and 500 people (seconds per
certificate should stay flat). The figures replace the "## Impact report" section of
bench/RESULTS.md.

Targets on this machine: report page ≤ 150 ms, report PDF ≤ 3 s, 500 certificates ≤ 6 s.
"""

import argparse
import statistics
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.common import (
    bench_database,
    bench_database_drop,
    django_setup,
    load_average,
    machine_info,
    results_write,
)

DATABASE = "samla_bench_impact"
ZONE = ZoneInfo("Europe/Stockholm")
PEOPLE = 2000
TARGETS = {"page": 150.0, "pdf": 3000.0, "certificates_500": 6.0}


def build():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from checkin.models import Checkpoint, Entry, Scan
    from checkin.services import checkpoints_ensure
    from conference.models import Conference, Room, Session
    from registration.models import Answer, Registration, Signup
    from registration.services import question_add_municipalities

    organiser = get_user_model().objects.create_user("bench-organiser", is_staff=True)
    start = datetime(2026, 3, 16, 9, tzinfo=ZONE)
    conference = Conference.objects.create(
        slug="bench-impact",
        name="Lärkonferens (bench)",
        start=start,
        end=start + timedelta(days=1, hours=8),
        city="Malmö",
        venue_name="Malmö universitet",
    )
    conference.organisers.add(organiser)
    rooms = [
        Room.objects.create(conference=conference, name=f"Sal {i}", capacity=80, position=i)
        for i in range(10)
    ]
    sessions = []
    for day in range(2):
        for slot in range(2):
            at = start + timedelta(days=day, hours=1 + 3 * slot)
            sessions.append(
                Session(
                    conference=conference,
                    title=f"Plenum {day}-{slot}",
                    kind="plenary",
                    room=rooms[0],
                    start=at,
                    end=at + timedelta(hours=1),
                )
            )
            for index in range(1, 10):
                if len(sessions) >= 40:
                    break
                sessions.append(
                    Session(
                        conference=conference,
                        title=f"Workshop {day}-{slot}-{index}",
                        kind="workshop",
                        requires_signup=True,
                        capacity=70,
                        room=rooms[index],
                        start=at + timedelta(hours=1, minutes=15),
                        end=at + timedelta(hours=2, minutes=30),
                    )
                )
    while len(sessions) < 40:
        at = start + timedelta(hours=6, minutes=len(sessions))
        sessions.append(
            Session(
                conference=conference,
                title=f"Seminarium {len(sessions)}",
                kind="seminar",
                room=rooms[len(sessions) % 10],
                start=at,
                end=at + timedelta(minutes=45),
            )
        )
    Session.objects.bulk_create(sessions)
    sessions = list(Session.objects.filter(conference=conference).order_by("start", "id"))
    workshops = [s for s in sessions if s.requires_signup]
    question = question_add_municipalities(conference=conference)
    now = timezone.now()
    sectors = ["public", "nonprofit", "private", "academia", "other"]
    people = []
    for n in range(PEOPLE):
        status = "confirmed" if n < 1800 else ("cancelled" if n < 1920 else "waiting")
        people.append(
            Registration(
                conference=conference,
                name=f"Deltagare {n:04d}",
                email=f"deltagare{n}@example.org",
                sector=sectors[n % 5],
                status=status,
                waiting_since=now if status == "waiting" else None,
                consented_at=now,
                language="sv" if n % 4 else "en",
            )
        )
    Registration.objects.bulk_create(people, batch_size=500)
    people = list(Registration.objects.filter(conference=conference).order_by("id"))
    Answer.objects.bulk_create(
        [Answer(registration=p, question=question, value=n % 34) for n, p in enumerate(people)],
        batch_size=1000,
    )
    signups = []
    for n, person in enumerate(people[:1800]):
        for slot in range(4):
            workshop = workshops[(slot * 9 + n) % len(workshops)]
            signups.append(Signup(registration=person, session=workshop))
    Signup.objects.bulk_create(signups, batch_size=1000, ignore_conflicts=True)
    checkpoints_ensure(conference=conference)
    checkpoints = {
        (c.kind, c.day, c.session_id): c for c in Checkpoint.objects.filter(conference=conference)
    }
    entrances = [c for (kind, _d, _s), c in checkpoints.items() if kind == "entrance"]
    scans, entries = [], []
    held = Signup.objects.filter(session__conference=conference).values_list(
        "registration_id", "session_id"
    )
    by_person = {}
    for person_id, session_id in held:
        by_person.setdefault(person_id, []).append(session_id)
    for person in people[:1600]:
        doors = [c for c in entrances] + [
            checkpoints[("session", None, s)] for s in by_person.get(person.pk, [])[:2]
        ]
        for checkpoint in doors:
            scan = Scan(
                checkpoint=checkpoint,
                registration=person,
                scan_id=uuid.uuid4(),
                scanned_at=now,
                verdict="ok",
            )
            scans.append(scan)
            entries.append(Entry(checkpoint=checkpoint, registration=person, scan=scan, at=now))
    Scan.objects.bulk_create(scans, batch_size=1000)
    Entry.objects.bulk_create(entries, batch_size=1000)
    earlier = Conference.objects.create(
        slug="bench-impact-2015",
        name="Summit 2015",
        start=start - timedelta(days=400),
        end=start - timedelta(days=400) + timedelta(hours=8),
    )
    earlier.organisers.add(organiser)
    before = Registration.objects.bulk_create(
        [
            Registration(
                conference=earlier, name=p.name, email=p.email, sector=p.sector, consented_at=now
            )
            for p in people[:300]
        ]
    )
    checkpoints_ensure(conference=earlier)
    entrance = Checkpoint.objects.get(conference=earlier, kind="entrance")
    old_scans = [
        Scan(
            checkpoint=entrance, registration=p, scan_id=uuid.uuid4(), scanned_at=now, verdict="ok"
        )
        for p in before
    ]
    Scan.objects.bulk_create(old_scans)
    Entry.objects.bulk_create(
        [Entry(checkpoint=entrance, registration=s.registration, scan=s, at=now) for s in old_scans]
    )
    return conference, organiser, people


def timed(function, n):
    samples = []
    for _ in range(n):
        began = time.perf_counter()
        function()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20, help="page requests to time")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()
    url = bench_database(DATABASE)
    django_setup(url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from impact.certificates import certificates_render
    from impact.report import report_get
    from impact.report_formats import report_pdf, report_xlsx
    from registration.models import Registration

    info = machine_info(url)
    began = time.perf_counter()
    conference, organiser, people = build()
    built = time.perf_counter() - began
    # Statistics as autovacuum would have them for tables in use: without them the planner
    # picks a nested loop for the returning participants' query (0.6 s instead of 15 ms).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    translation.activate("sv")
    client = Client()
    client.force_login(organiser)
    page_url = f"/organiser/{conference.slug}/report/"
    assert client.get(page_url).status_code == 200
    page = timed(lambda: client.get(page_url), options.n)
    with CaptureQueriesContext(connection) as queries:
        client.get(page_url)
    report = report_get(conference=conference)
    pdf_bytes = report_pdf(report)
    pdf = timed(lambda: report_pdf(report_get(conference=conference)), 3)
    xlsx = timed(lambda: report_xlsx(report_get(conference=conference)), 5)
    present = list(Registration.objects.filter(pk__in=[p.pk for p in people[:1600]]))
    certificates_render(conference=conference, registrations=present[:5])  # warm up
    rows = []
    for count in (50, 100, 250, 500):
        chosen = present[:count]
        runs = timed(
            lambda chosen=chosen: certificates_render(conference=conference, registrations=chosen),
            2,
        )
        seconds = min(runs) / 1000
        rows.append((count, seconds))
    load = load_average()

    def verdict(value, target):
        return "met" if value <= target else "missed"

    median_page = statistics.median(page)
    median_pdf = statistics.median(pdf)
    lines = [
        f"Run {info['date']} with `.venv/bin/python -m bench.impact -n {options.n}`.",
        "",
        f"Machine: {info['cpus']} CPUs, {info['ram']} RAM, {info['platform']}; Python "
        f"{info['python']}, Django {info['django']}, PostgreSQL {info['postgres']}. Timed in "
        "one process (Django's test client for the page: the server's work without HTTP). "
        f"1-minute load average at the start: {info['load']}, at the end: {load}.",
        "",
        f"Data (built in {built:.0f} s): one two-day conference, {PEOPLE} registrations (1,800 "
        "confirmed, 120 cancelled, 80 waiting) across five sectors, 40 sessions (30 workshops "
        "with sign-up, four each per person), a municipality question answered by everyone, "
        "1,600 present (entrance scans both days, two workshop doors each), 300 of them at an "
        "earlier conference of the same organiser.",
        "",
        "| what | median | min | max | SQL queries | target | |",
        "|---|---:|---:|---:|---:|---|---|",
        f"| report page `{page_url}` ({options.n} GETs) | {median_page:.0f} ms "
        f"| {min(page):.0f} ms | {max(page):.0f} ms | {len(queries)} | ≤ 150 ms "
        f"| {verdict(median_page, 150)} |",
        f"| report PDF ({len(pdf_bytes) // 1024} KiB, 3 runs) | {median_pdf:.0f} ms | "
        f"{min(pdf):.0f} ms | {max(pdf):.0f} ms | | ≤ 3 s | {verdict(median_pdf, 3000)} |",
        f"| report XLSX (5 runs) | {statistics.median(xlsx):.0f} ms | {min(xlsx):.0f} ms | "
        f"{max(xlsx):.0f} ms | | | |",
        "",
        "Certificates, one PDF of N certificates (`impact.certificates.certificates_render`, best "
        "of two runs):",
        "",
        "| certificates | seconds | ms per certificate |",
        "|---:|---:|---:|",
    ]
    for count, seconds in rows:
        lines.append(f"| {count} | {seconds:.2f} | {1000 * seconds / count:.1f} |")
    at_500 = rows[-1][1]
    lines += [
        "",
        f"Target: 500 certificates ≤ 6 s: {verdict(at_500, 6.0)} ({at_500:.2f} s).",
    ]
    results_write("Impact report", "\n".join(lines))
    print("\n".join(lines))
    if not options.keep:
        connection.close()
        bench_database_drop(DATABASE)


if __name__ == "__main__":
    main()
