"""Scheduled e-mails: a rule sent to 2,000 people. Measures how fast a run prepares its rows
(one `RuleDelivery` and one `EmailLog` per person, the text filled in per person) and that the
number of SQL queries does not grow per recipient. Writes the "## Scheduled e-mails" section of
bench/RESULTS.md.

    .venv/bin/python -m bench.rules [--people 2000] [--rounds 3]

Sending itself is the existing e-mail machinery (registration.emails, measured elsewhere): the
run's hand-over to it is replaced by a no-op here, so the figures are the rule's own work.
Uses its own database (samla_bench_rules) on 127.0.0.1.
"""

import argparse
import statistics
import time

from bench.common import bench_database, bench_database_drop, django_setup, machine_info

DB_NAME = "samla_bench_rules"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = bench_database(DB_NAME)
    django_setup(url)

    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    import impact.rules as rules
    from conference.models import Conference, Session
    from impact.models import EmailRule, RuleDelivery
    from registration.models import EmailLog, Registration

    rules.email_dispatch = lambda log_id: None

    def conference_of(size):
        start = timezone.now() + timedelta(days=3)
        conference = Conference.objects.create(
            slug=f"bench-rules-{size}",
            name="Lärkonferens bench",
            name_en="Learning conference bench",
            venue_name="Malmö universitet",
            venue_address="Nordenskiöldsgatan 10, Malmö",
            start=start,
            end=start + timedelta(hours=26),
            capacity=size * 2,
        )
        Session.objects.create(
            conference=conference, title="Pass", start=start, end=start + timedelta(hours=1)
        )
        now = timezone.now()
        Registration.objects.bulk_create(
            [
                Registration(
                    conference=conference,
                    name=f"Deltagare {i}",
                    email=f"p{i}@example.org",
                    sector="public",
                    language="en" if i % 4 == 0 else "sv",
                    consented_at=now,
                )
                for i in range(size)
            ],
            batch_size=1000,
        )
        (reminder,) = [
            r for r in rules.rules_create_defaults(conference=conference) if r.preset == "reminder"
        ]
        return reminder

    def one_run(template, size):
        """A fresh copy of the reminder (no attachments) to everyone: (seconds, queries)."""
        rule = EmailRule.objects.get(pk=template.pk)
        rule.pk, rule.preset, rule.attachments = None, "", []
        rule.name = f"Bench {time.monotonic()}"
        rule.save()
        rule = EmailRule.objects.select_related("conference").get(pk=rule.pk)
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            sent = rules.rule_run(rule=rule)
            seconds = time.perf_counter() - began
        assert sent == size, (sent, size)
        assert rules.rule_run(rule=rule) == 0
        return seconds, len(queries)

    figures = {}
    for size in (200, args.people):
        template = conference_of(size)
        runs = [one_run(template, size) for _ in range(args.rounds)]
        figures[size] = (statistics.median(s for s, _q in runs), runs[0][1])
    deliveries = RuleDelivery.objects.count()
    logs = EmailLog.objects.filter(kind="scheduled").count()
    info = machine_info(url)
    rows = "\n".join(
        f"| {size} | {seconds * 1000:.0f} | {size / seconds:.0f} | {queries} | "
        f"{queries / size:.3f} |"
        for size, (seconds, queries) in figures.items()
    )
    body = f"""Run {info["date"]} with `.venv/bin/python -m bench.rules --people {args.people} \
--rounds {args.rounds}`.

Machine: {info["cpus"]} CPUs, {info["ram"]} RAM; PostgreSQL {info["postgres"]}. 1-minute load \
average when the run started: {info["load"]}.

A rule (the ready-made reminder's text, placeholders filled per person in Swedish or English)
run once to everyone confirmed; median of {args.rounds} runs per size. A run prepares, per
person, one `RuleDelivery` (the unique row that makes it once per person) and one queued
`EmailLog` with the filled-in subject and text, in transactions of 500 people. Sending is the
existing e-mail machinery and not part of these figures.

| recipients | run ms | rows prepared per second | SQL queries | queries per recipient |
|---:|---:|---:|---:|---:|
{rows}

Queries grow with the number of 500-person transactions (nine each, counting the
transaction's own statements, plus two), not with the people in them: 11 for one transaction,
38 for four. A second run of the same rule prepared nothing
(0 people) each time. Rows written in all: {deliveries} deliveries, {logs} e-mails.
"""
    from bench.common import results_write

    results_write("Scheduled e-mails", body)
    print(body)
    connection.close()
    bench_database_drop(DB_NAME)


if __name__ == "__main__":
    main()
