"""Reads for check-in: who may scan where, the lists a door device keeps, live counts."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from conference.models import Conference
from registration.models import Registration, Signup

from .models import BadgeCode, BadgeJob, Checkpoint, DoorAssignment, Entry, Scan, Verdict, code_hash
from .services import decide


def can_scan(user, conference_id: int) -> bool:
    """Superusers, the conference's organisers and door staff assigned to it may scan there."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (
        Conference.objects.filter(pk=conference_id)
        .filter(
            Q(organisers=user)
            | Exists(DoorAssignment.objects.filter(conference=OuterRef("pk"), user=user))
        )
        .exists()
    )


def conferences_for_door(user) -> QuerySet[Conference]:
    if user.is_superuser:
        return Conference.objects.all()
    return Conference.objects.filter(Q(organisers=user) | Q(door_assignments__user=user)).distinct()


def checkpoints_for(conference: Conference) -> list[Checkpoint]:
    return list(
        Checkpoint.objects.filter(conference=conference).select_related("session", "conference")
    )


def checkpoint_get(checkpoint_id) -> Checkpoint | None:
    return (
        Checkpoint.objects.select_related("session", "conference").filter(pk=checkpoint_id).first()
    )


def _people(checkpoint: Checkpoint):
    """Everyone with a badge or a registration at this checkpoint's conference, door fields only."""
    return Registration.objects.filter(conference_id=checkpoint.conference_id).only(
        "id", "name", "organisation", "status"
    )


def door_list(checkpoint: Checkpoint) -> list[dict]:
    """What a device needs to decide offline: for every person a SHA-256 of their active badge
    code, if they have one (a lost phone leaks no usable badge), the name, organisation, the
    verdict a first scan would get, and the time of an earlier entry. Four queries whatever the
    size."""
    people = {r.pk: r for r in _people(checkpoint)}
    signups = {}
    if checkpoint.kind == Checkpoint.Kind.SESSION and checkpoint.session.requires_signup:
        signups = dict(
            Signup.objects.filter(session_id=checkpoint.session_id).values_list(
                "registration_id", "status"
            )
        )
    entries = dict(Entry.objects.filter(checkpoint=checkpoint).values_list("registration_id", "at"))
    codes = dict(
        BadgeCode.objects.filter(
            registration__conference_id=checkpoint.conference_id, revoked_at__isnull=True
        ).values_list("registration_id", "code")
    )
    rows = []
    # Everyone, badge or not: offline name search must find a person whose badge was never
    # printed or downloaded (codes are issued when a badge is made); "h" is null for them.
    for registration_id, person in people.items():
        code = codes.get(registration_id)
        at = entries.get(registration_id)
        rows.append(
            {
                "id": person.pk,
                "h": code_hash(code) if code else None,
                "name": person.name,
                "organisation": person.organisation,
                "status": person.status,
                "verdict": decide(checkpoint, person, signups.get(registration_id)),
                "checked_in_at": at.isoformat() if at else None,
            }
        )
    rows.sort(key=lambda row: row["name"].casefold())
    return rows


def door_search(checkpoint: Checkpoint, query: str, limit: int = 20) -> list[dict]:
    query = (query or "").strip()
    if len(query) < 2:
        return []
    people = list(
        _people(checkpoint)
        .filter(Q(name__icontains=query) | Q(organisation__icontains=query))
        .order_by("name")[:limit]
    )
    signups = {}
    if checkpoint.kind == Checkpoint.Kind.SESSION and checkpoint.session.requires_signup:
        signups = dict(
            Signup.objects.filter(
                session_id=checkpoint.session_id, registration__in=people
            ).values_list("registration_id", "status")
        )
    entries = dict(
        Entry.objects.filter(checkpoint=checkpoint, registration__in=people).values_list(
            "registration_id", "at"
        )
    )
    return [
        {
            "id": p.pk,
            "name": p.name,
            "organisation": p.organisation,
            "status": p.status,
            "verdict": decide(checkpoint, p, signups.get(p.pk)),
            "checked_in_at": entries[p.pk].isoformat() if p.pk in entries else None,
        }
        for p in people
    ]


@dataclass
class CheckpointCount:
    checkpoint: Checkpoint
    checked_in: int
    expected: int
    duplicates: int
    buckets: list  # (start, count) per quarter hour
    missing: list  # registrations expected and not yet in

    @property
    def percent(self):
        return round(100 * self.checked_in / self.expected) if self.expected else 0


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


__all__ = ["Verdict"]


BADGE_FILTERS = ("sector", "q", "since", "ids")


def badge_people(conference: Conference, filters: dict | None = None) -> list[tuple]:
    """(registration, active badge code) of confirmed registrations, by name, in one query."""
    filters = filters or {}
    codes = (
        BadgeCode.objects.filter(
            registration__conference=conference,
            registration__status=Registration.Status.CONFIRMED,
            revoked_at__isnull=True,
        )
        .select_related("registration")
        .only("code", "registration__name", "registration__organisation", "registration__status")
        .order_by("registration__name", "registration_id")
    )
    if filters.get("sector"):
        codes = codes.filter(registration__sector=filters["sector"])
    if filters.get("q"):
        codes = codes.filter(
            Q(registration__name__icontains=filters["q"])
            | Q(registration__organisation__icontains=filters["q"])
        )
    if filters.get("since"):
        codes = codes.filter(registration__created_at__date__gte=filters["since"])
    if filters.get("ids"):
        codes = codes.filter(registration_id__in=filters["ids"])
    return [(code.registration, code.code) for code in codes]


def desk_people(conference: Conference) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(conference=conference)
        .exclude(status=Registration.Status.CANCELLED)
        .only("name", "organisation", "status")
        .order_by("name", "id")
    )


def registration_entries(registration: Registration) -> list[Entry]:
    """Where and when a person was checked in, and by whom (the scanning account and device)."""
    return list(
        Entry.objects.filter(registration=registration)
        .select_related("checkpoint__session", "scan__actor")
        .order_by("at", "id")
    )


def badge_jobs(conference: Conference, limit: int = 20) -> list[BadgeJob]:
    return list(BadgeJob.objects.filter(conference=conference).order_by("-created_at")[:limit])


def badge_job_get(conference: Conference, pk: int, *, ready: bool = False) -> BadgeJob | None:
    jobs = BadgeJob.objects.filter(conference=conference, pk=pk)
    if ready:
        jobs = jobs.filter(status=BadgeJob.Status.DONE)
    return jobs.first()
