"""What the organiser follows at the doors: live counts, duplicates, a person's entries."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from checkin.models import Checkpoint, Entry, Scan
from checkin.selectors.doors import checkpoints_for
from conference.models import Conference
from registration.models import Registration, Signup


@dataclass
class CheckpointCount:
    checkpoint: Checkpoint
    checked_in: int
    expected: int
    duplicates: int
    buckets: list  # (start, count) per quarter hour
    missing: list  # registrations expected and not yet in


def live_counts(conference: Conference, *, missing_for=None) -> list[CheckpointCount]:
    """Per checkpoint: checked in / expected, arrivals per quarter hour, duplicates; the names not
    yet arrived for the checkpoint `missing_for` (an id). Queries do not grow with checkpoints."""
    checkpoints = checkpoints_for(conference)
    confirmed = Registration.objects.filter(
        conference=conference, status=Registration.Status.CONFIRMED
    )
    confirmed_count = confirmed.count()
    signed_up = dict(
        Signup.objects.filter(
            session__conference=conference,
            status=Signup.Status.CONFIRMED,
            registration__status=Registration.Status.CONFIRMED,
        )
        .values("session_id")
        .annotate(n=Count("id"))
        .values_list("session_id", "n")
    )
    entry_counts = dict(
        Entry.objects.filter(checkpoint__conference=conference)
        .values("checkpoint_id")
        .annotate(n=Count("id"))
        .values_list("checkpoint_id", "n")
    )
    duplicate_counts = dict(
        Scan.objects.filter(checkpoint__conference=conference, is_duplicate=True)
        .values("checkpoint_id")
        .annotate(n=Count("id"))
        .values_list("checkpoint_id", "n")
    )
    times = {}
    for checkpoint_id, at in Entry.objects.filter(checkpoint__conference=conference).values_list(
        "checkpoint_id", "at"
    ):
        times.setdefault(checkpoint_id, []).append(at)
    result = []
    for checkpoint in checkpoints:
        if checkpoint.kind == Checkpoint.Kind.SESSION and checkpoint.session.requires_signup:
            expected = signed_up.get(checkpoint.session_id, 0)
        else:
            expected = confirmed_count
        missing = []
        if missing_for is not None and checkpoint.pk == missing_for:
            people = confirmed.exclude(
                Exists(Entry.objects.filter(checkpoint=checkpoint, registration=OuterRef("pk")))
            )
            if checkpoint.kind == Checkpoint.Kind.SESSION and checkpoint.session.requires_signup:
                people = people.filter(
                    signups__session_id=checkpoint.session_id,
                    signups__status=Signup.Status.CONFIRMED,
                )
            missing = list(people.only("id", "name", "organisation").order_by("name"))
        result.append(
            CheckpointCount(
                checkpoint=checkpoint,
                checked_in=entry_counts.get(checkpoint.pk, 0),
                expected=expected,
                duplicates=duplicate_counts.get(checkpoint.pk, 0),
                buckets=_quarter_hours(times.get(checkpoint.pk, [])),
                missing=missing,
            )
        )
    return result


def _quarter_hours(moments):
    counts = {}
    for moment in moments:
        local = timezone.localtime(moment)
        start = local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
        counts[start] = counts.get(start, 0) + 1
    if not counts:
        return []
    first, last = min(counts), max(counts)
    buckets, at = [], first
    while at <= last and len(buckets) < 200:
        buckets.append((at, counts.get(at, 0)))
        at += timedelta(minutes=15)
    return buckets


def duplicates_for(conference: Conference) -> QuerySet[Scan]:
    return (
        Scan.objects.filter(checkpoint__conference=conference, is_duplicate=True)
        .select_related("registration", "checkpoint__session", "actor")
        .order_by("-scanned_at")
    )


def registration_entries(registration: Registration) -> list[Entry]:
    """Where and when a person was checked in, and by whom (the scanning account and device)."""
    return list(
        Entry.objects.filter(registration=registration)
        .select_related("checkpoint__session", "scan__actor")
        .order_by("at", "id")
    )
