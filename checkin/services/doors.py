"""Checkpoints (the entrance of each day, a door per session) and door staff."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from conference.models import Conference, Session

from ..models import Checkpoint, DoorAssignment

DOOR_STAFF_GROUP = "door staff"
# Session kinds nobody scans at.
NO_DOOR_KINDS = {Session.Kind.BREAK, Session.Kind.MEAL, Session.Kind.NETWORKING}


def conference_days(conference: Conference):
    with timezone.override(conference.time_zone):
        first = timezone.localdate(conference.start)
        last = timezone.localdate(conference.end)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def checkpoints_ensure(*, conference: Conference) -> None:
    """Create the entrance of every conference day and a door for every session people attend.

    Idempotent: the unique constraints make a second run (or two at once) add nothing."""
    wanted = [
        Checkpoint(conference=conference, kind="entrance", day=d)
        for d in conference_days(conference)
    ]
    sessions = (
        Session.objects.filter(conference=conference)
        .exclude(kind__in=NO_DOOR_KINDS)
        .exclude(status=Session.Status.CANCELLED)
        .values_list("id", flat=True)
    )
    wanted += [Checkpoint(conference=conference, kind="session", session_id=s) for s in sessions]
    Checkpoint.objects.bulk_create(wanted, ignore_conflicts=True)


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
