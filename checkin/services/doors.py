"""Checkpoints (the entrance of each day, a door per session), door staff and their printable
log-in links."""

import secrets
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference, Session

from ..errors import CheckinError
from ..models import Checkpoint, DoorAssignment, DoorLoginLink, door_link_hash
from ..rights import rights_changed

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


def _checkpoints_of(conference: Conference, checkpoints) -> list[Checkpoint]:
    checkpoints = list(checkpoints or [])
    if any(checkpoint.conference_id != conference.pk for checkpoint in checkpoints):
        raise CheckinError("wrong_checkpoint", _("Pick doors of this conference."))
    return checkpoints


def door_staff_assign(*, conference: Conference, user, checkpoints=None) -> DoorAssignment:
    """Let `user` scan at `conference`: joins the door staff group and the conference. With
    `checkpoints` (a list, possibly empty) the doors are set to those; empty means every door.
    `None` leaves the doors of an existing assignment as they are."""
    chosen = _checkpoints_of(conference, checkpoints) if checkpoints is not None else None
    with transaction.atomic():
        user.groups.add(door_staff_group())
        assignment, _created = DoorAssignment.objects.get_or_create(
            conference=conference, user=user
        )
        if chosen is not None:
            assignment.checkpoints.set(chosen)
    rights_changed()  # at once, and again after commit
    return assignment


def door_staff_unassign(*, conference: Conference, user) -> None:
    """Take `user` off the door staff of `conference`, with their log-in links there."""
    with transaction.atomic():
        DoorAssignment.objects.filter(conference=conference, user=user).delete()
        DoorLoginLink.objects.filter(
            conference=conference, user=user, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    rights_changed()  # at once, and again after commit


# A printed link keeps working through the last day and the evening after the conference.
DOOR_LINK_GRACE = timedelta(days=1)


def door_link_create(*, conference: Conference, user, actor) -> tuple[DoorLoginLink, str]:
    """A new printable log-in for a volunteer of `conference`. Returns the link and its secret,
    which is not stored: show it now or never."""
    if not DoorAssignment.objects.filter(conference=conference, user=user).exists():
        raise CheckinError("not_door_staff", _("Only door volunteers get a printable log-in."))
    if _has_more_than_door_rights(user):
        raise CheckinError(
            "organiser_has_login", _("Organisers log in with their password, not a printed code.")
        )
    expires_at = conference.end + DOOR_LINK_GRACE
    if expires_at <= timezone.now():
        raise CheckinError("conference_over", _("The conference is over."))
    secret = secrets.token_urlsafe(32)
    link = DoorLoginLink.objects.create(
        conference=conference,
        user=user,
        secret_hash=door_link_hash(secret),
        created_by=actor,
        expires_at=expires_at,
    )
    return link, secret


def _has_more_than_door_rights(user) -> bool:
    """A printed code is for someone who may only scan: a lost printout must not open the
    workspace or the admin of any conference."""
    return user.is_staff or user.is_superuser or Conference.objects.filter(organisers=user).exists()


def door_link_revoke(*, link: DoorLoginLink, actor) -> None:
    """Idempotent: a revoked link stays revoked at its first time. Phones logged in with it are
    refused on their next request."""
    DoorLoginLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    rights_changed()  # at once, and again after commit


def door_link_use(*, secret: str) -> DoorLoginLink:
    """The link a phone opened, if it may still log in: not revoked, not expired, and its
    volunteer still on the door staff of the conference. Records when it was last used."""
    now = timezone.now()
    link = (
        DoorLoginLink.objects.select_related("user", "conference")
        .filter(secret_hash=door_link_hash(secret or ""))
        .first()
    )
    if link is None or link.revoked_at is not None:
        raise CheckinError("link_revoked", _("This log-in code is not valid any more."), 403)
    if link.expires_at <= now:
        raise CheckinError("link_expired", _("This log-in code has expired."), 403)
    if _has_more_than_door_rights(link.user):
        raise CheckinError(
            "organiser_has_login", _("Organisers log in with their password, not a printed code.")
        )
    if (
        not link.user.is_active
        or not DoorAssignment.objects.filter(
            conference_id=link.conference_id, user_id=link.user_id
        ).exists()
    ):
        raise CheckinError("not_door_staff", _("This log-in code is not valid any more."), 403)
    link.last_used_at = now
    link.save(update_fields=["last_used_at"])
    return link
