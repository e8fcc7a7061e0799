"""Checkpoints (the entrance of each day, a door per session) and door staff."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from conference.models import Conference, Session

from ..models import Checkpoint, DoorAssignment

DOOR_STAFF_GROUP = "door staff"
# Session kinds nobody scans at.
NO_DOOR_KINDS = {Session.Kind.BREAK, Session.Kind.MEAL, Session.Kind.NETWORKING}
# A programme version's mark outlives any conference; a new version has a new key.
IN_STEP_SECONDS = 60 * 60 * 24 * 30


def conference_days(conference: Conference):
    with timezone.override(conference.time_zone):
        first = timezone.localdate(conference.start)
        last = timezone.localdate(conference.end)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def checkpoints_ensure(*, conference: Conference) -> None:
    """Keep the conference's doors in step with its programme: the entrance of every conference
    day and a door for every session people attend (not breaks, meals or networking).

    Adds what is missing; removes the entrances of days the conference no longer has and the
    doors of cancelled sessions, unless they have scans (those are the check-in audit trail).
    Doors organisers added themselves for other sessions (a lunch, say) stay.
    Idempotent: the unique constraints make a second run (or two at once) add nothing."""
    days = conference_days(conference)
    wanted = [Checkpoint(conference=conference, kind="entrance", day=d) for d in days]
    sessions = (
        Session.objects.filter(conference=conference)
        .exclude(kind__in=NO_DOOR_KINDS)
        .exclude(status=Session.Status.CANCELLED)
        .values_list("id", flat=True)
    )
    wanted += [Checkpoint(conference=conference, kind="session", session_id=s) for s in sessions]
    Checkpoint.objects.bulk_create(wanted, ignore_conflicts=True)
    unwanted = Checkpoint.objects.filter(conference=conference).filter(
        Q(kind="entrance") & ~Q(day__in=days)
        | Q(kind="session", session__status=Session.Status.CANCELLED)
    )
    unwanted.filter(scans__isnull=True).delete()


def _in_step_key(conference: Conference) -> str:
    stamps = (conference.programme_changed_at, conference.start, conference.end)
    return "checkpoints:{}:{}".format(conference.pk, ":".join(str(s.timestamp()) for s in stamps))


def checkpoints_ensure_current(*, conference: Conference) -> None:
    """checkpoints_ensure, once per programme version: whoever reads doors first (a door
    device's token through the API, the door pages, the live page) finds them in step.

    Every programme write moves `programme_changed_at` (conference.services), and the days
    follow the conference's start and end, so a version is the three of them. The mark sits in
    the shared cache, so every node knows; it is set only once the doors are committed."""
    key = _in_step_key(conference)
    if cache.get(key):
        return
    checkpoints_ensure(conference=conference)
    transaction.on_commit(lambda: cache.set(key, True, IN_STEP_SECONDS))


def door_staff_group() -> Group:
    group, _created = Group.objects.get_or_create(name=DOOR_STAFF_GROUP)
    return group


def door_staff_assign(*, conference: Conference, user) -> DoorAssignment:
    """Let `user` scan at `conference`: joins the door staff group and the conference."""
    user.groups.add(door_staff_group())
    assignment, _created = DoorAssignment.objects.get_or_create(conference=conference, user=user)
    return assignment


def door_staff_unassign(*, conference: Conference, user) -> None:
    DoorAssignment.objects.filter(conference=conference, user=user).delete()
