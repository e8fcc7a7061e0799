"""Writes for check-in: badge codes, checkpoints, door staff and scans.

The rule "one successful entry per badge per checkpoint" is backed by the unique constraint on
Entry: two doors scanning the same badge at the same moment both try to insert, the database lets
exactly one through, and the other answers "already checked in".
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference, Session
from registration.models import AuditEntry, Registration, Signup

from . import scan_sql
from .errors import CheckinError
from .models import (
    BadgeCode,
    BadgeJob,
    Checkpoint,
    DoorAssignment,
    Entry,
    Scan,
    Verdict,
    normalise_code,
)

DOOR_STAFF_GROUP = "door staff"
# Session kinds nobody scans at.
NO_DOOR_KINDS = {Session.Kind.BREAK, Session.Kind.MEAL, Session.Kind.NETWORKING}
# A device clock this far ahead is wrong; its scans count as received.
CLOCK_SKEW = timedelta(minutes=10)
ADMITTED = {Verdict.OK, Verdict.ALREADY_CHECKED_IN}


def _audit(*, registration, actor, action, details=None):
    AuditEntry.objects.create(
        conference_id=registration.conference_id,
        registration=registration,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=str(actor or "")[:100],
        action=action,
        details=details or {},
    )


# Badge codes -------------------------------------------------------------------------------------


def badge_code_for(registration: Registration, *, actor=None) -> BadgeCode:
    """The registration's active badge code, issued on first use.

    Idempotent and race-safe: two requests issuing at once both end with the same code, because
    the partial unique constraint allows one active code and the loser reads the winner's."""
    code = BadgeCode.objects.filter(registration=registration, revoked_at__isnull=True).first()
    if code is not None:
        return code
    if registration.status != Registration.Status.CONFIRMED:
        raise CheckinError(
            "not_confirmed", _("Only confirmed registrations get a badge."), status=409
        )
    try:
        with transaction.atomic():
            return BadgeCode.objects.create(registration=registration, issued_by=actor)
    except IntegrityError:
        return BadgeCode.objects.get(registration=registration, revoked_at__isnull=True)


def badge_codes_issue(*, conference: Conference) -> int:
    """Issue codes for every confirmed registration that has none (one INSERT for all)."""
    missing = Registration.objects.filter(
        conference=conference, status=Registration.Status.CONFIRMED
    ).exclude(
        Exists(BadgeCode.objects.filter(registration=OuterRef("pk"), revoked_at__isnull=True))
    )
    codes = [BadgeCode(registration=r) for r in missing.only("id")]
    BadgeCode.objects.bulk_create(codes, ignore_conflicts=True)
    return len(codes)


def badge_code_revoke(*, registration: Registration, actor) -> None:
    """Revoke the active code: a scan of the old badge answers "unknown code" from now on."""
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        revoked = BadgeCode.objects.filter(
            registration=registration, revoked_at__isnull=True
        ).update(revoked_at=timezone.now(), revoked_by=actor)
        if revoked:
            _audit(registration=registration, actor=actor, action="badge.revoke")


def badge_code_reissue(*, registration: Registration, actor) -> BadgeCode:
    """Revoke the active code (a lost badge) and issue a new one, in one transaction."""
    with transaction.atomic():
        badge_code_revoke(registration=registration, actor=actor)
        code = badge_code_for(registration, actor=actor)
        _audit(registration=registration, actor=actor, action="badge.issue")
    return code


# Checkpoints and door staff ----------------------------------------------------------------------


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


# Scans -------------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    scan: Scan
    registration: Registration | None
    entry: Entry | None = None

    @property
    def verdict(self):
        return self.scan.verdict


def _registration_for(checkpoint, *, code=None, registration_id=None):
    base = Registration.objects.filter(conference_id=checkpoint.conference_id)
    base = base.only("id", "conference_id", "name", "organisation", "status")
    if registration_id is not None:
        return base.filter(pk=registration_id).first()
    if not code:
        return None
    return base.filter(badge_codes__code=code, badge_codes__revoked_at__isnull=True).first()


def decide(checkpoint: Checkpoint, registration: Registration | None, signup_status=None) -> str:
    """The verdict before looking at earlier entries. `signup_status` for session doors."""
    if registration is None:
        return Verdict.UNKNOWN_CODE
    if registration.status == Registration.Status.CANCELLED:
        return Verdict.CANCELLED
    if registration.status != Registration.Status.CONFIRMED:
        return Verdict.WAITING_LIST
    if checkpoint.kind == Checkpoint.Kind.SESSION and checkpoint.session.requires_signup:
        if signup_status in (Signup.Status.WAITING, Signup.Status.OFFERED):
            return Verdict.WAITING_LIST
        if signup_status != Signup.Status.CONFIRMED:
            return Verdict.NOT_SIGNED_UP
    return Verdict.OK


def _decide_for(checkpoint, registration):
    signup_status = None
    if (
        registration is not None
        and checkpoint.kind == Checkpoint.Kind.SESSION
        and checkpoint.session.requires_signup
    ):
        signup_status = (
            Signup.objects.filter(registration=registration, session_id=checkpoint.session_id)
            .values_list("status", flat=True)
            .first()
        )
    return decide(checkpoint, registration, signup_status)


def _existing(checkpoint, scan_id):
    scan = Scan.objects.select_related("registration").filter(scan_id=scan_id).first()
    if scan is None:
        return None
    if scan.checkpoint_id != checkpoint.pk:
        raise CheckinError(
            "scan_id_reused", _("This scan id was already used at another checkpoint."), 409
        )
    entry = (
        Entry.objects.select_related("scan", "checkpoint__session")
        .filter(checkpoint=checkpoint, registration_id=scan.registration_id)
        .first()
        if scan.registration_id
        else None
    )
    return ScanResult(scan=scan, registration=scan.registration, entry=entry)


def _parse_scan_id(scan_id):
    if isinstance(scan_id, uuid.UUID):
        return scan_id
    try:
        return uuid.UUID(str(scan_id))
    except (TypeError, ValueError, AttributeError):
        raise CheckinError("bad_scan_id", _("The scan id must be a UUID.")) from None


def _clamp(scanned_at, now):
    if scanned_at is None:
        return now
    if not isinstance(scanned_at, datetime) or timezone.is_naive(scanned_at):
        raise CheckinError("bad_time", _("The scan time must be a date and time with a zone."))
    return min(scanned_at, now)


def scan_submit(
    *,
    checkpoint: Checkpoint,
    scan_id,
    code: str = "",
    registration_id: int | None = None,
    device_id: str = "",
    scanned_at: datetime | None = None,
    actor=None,
) -> ScanResult:
    """Record one scan made online and decide its verdict.

    Idempotent on `scan_id`: a retry returns the stored scan and changes nothing. The entry is
    inserted under the unique constraint, so of two concurrent scans of one badge exactly one gets
    OK; the other records a duplicate and answers "already checked in".

    Two round trips on PostgreSQL (see scan_sql): one lookup, one insert. A retry is not looked
    up first: the unique scan id makes the insert fail, and the stored scan is returned."""
    scan_id = _parse_scan_id(scan_id)
    now = timezone.now()
    scanned_at = _clamp(scanned_at, now)
    code = normalise_code(code)
    if not code and registration_id is None:
        raise CheckinError("no_code", _("Scan a badge or pick a person."))
    needs_signup = checkpoint.kind == Checkpoint.Kind.SESSION and checkpoint.session.requires_signup
    row = scan_sql.lookup(
        checkpoint_id=checkpoint.pk,
        conference_id=checkpoint.conference_id,
        signup_session_id=checkpoint.session_id if needs_signup else None,
        code=code,
        registration_id=registration_id,
    )
    registration, entry = None, None
    verdict = Verdict.UNKNOWN_CODE
    if row is not None:
        person_id, name, organisation, status, signup_status, entry_id, at, entry_scan, device = row
        registration = Registration(
            id=person_id,
            conference_id=checkpoint.conference_id,
            name=name,
            organisation=organisation,
            status=status,
        )
        verdict = decide(checkpoint, registration, signup_status)
        if entry_id is not None:
            entry = _entry_stub(checkpoint, registration, entry_id, at, entry_scan, device)
            if verdict == Verdict.OK:
                verdict = Verdict.ALREADY_CHECKED_IN
    scan = Scan(
        checkpoint=checkpoint,
        registration=registration,
        code=code,
        scan_id=scan_id,
        device_id=(device_id or "")[:64],
        scanned_at=scanned_at,
        received_at=now,
        verdict=verdict,
        is_duplicate=verdict == Verdict.ALREADY_CHECKED_IN,
        manual=registration_id is not None,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    try:
        entry_id = scan_sql.scan_insert(scan, with_entry=verdict == Verdict.OK)
    except IntegrityError:
        # The same scan id arrived before (a retry): answer with the one that was stored.
        known = _existing(checkpoint, scan_id)
        if known is None:
            raise
        return known
    scan._state.adding = False
    if verdict != Verdict.OK:
        return ScanResult(scan=scan, registration=registration, entry=entry)
    if entry_id is not None:
        entry = _entry_stub(checkpoint, registration, entry_id, scanned_at, scan.pk, scan.device_id)
        return ScanResult(scan=scan, registration=registration, entry=entry)
    # Another door won the race a moment ago: this scan becomes its duplicate.
    scan.verdict = Verdict.ALREADY_CHECKED_IN
    scan.is_duplicate = True
    Scan.objects.filter(pk=scan.pk).update(verdict=scan.verdict, is_duplicate=True)
    entry = Entry.objects.select_related("scan", "checkpoint__session").get(
        checkpoint=checkpoint, registration=registration
    )
    return ScanResult(scan=scan, registration=registration, entry=entry)


def _entry_stub(checkpoint, registration, entry_id, at, scan_pk, device_id):
    """The entry as a door is told about it, from values already fetched (no query)."""
    return Entry(
        id=entry_id,
        checkpoint=checkpoint,
        registration=registration,
        scan=Scan(id=scan_pk, checkpoint=checkpoint, device_id=device_id or ""),
        at=at,
    )


def _sync_one(*, checkpoint, item, device_id, actor, now):
    scan_id = _parse_scan_id(item.get("scan_id"))
    known = _existing(checkpoint, scan_id)
    if known is not None:
        return known
    code = normalise_code(item.get("code") or "")
    registration_id = item.get("registration_id")
    if not code and registration_id is None:
        raise CheckinError("no_code", _("Scan a badge or pick a person."))
    scanned_at = _clamp(item.get("scanned_at"), now)
    device_verdict = item.get("verdict") or ""
    if device_verdict not in Verdict.values:
        device_verdict = ""
    with transaction.atomic():
        registration = _registration_for(checkpoint, code=code, registration_id=registration_id)
        verdict = _decide_for(checkpoint, registration)
        scan = Scan.objects.create(
            checkpoint=checkpoint,
            registration=registration,
            code=code,
            scan_id=scan_id,
            device_id=(item.get("device_id") or device_id or "")[:64],
            scanned_at=scanned_at,
            verdict=verdict,
            device_verdict=device_verdict,
            offline=True,
            manual=registration_id is not None,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        if verdict != Verdict.OK:
            return ScanResult(scan=scan, registration=registration)
        entry = _entry_locked(checkpoint, registration)
        if entry is None:
            try:
                with transaction.atomic():
                    entry = Entry.objects.create(
                        checkpoint=checkpoint, registration=registration, scan=scan, at=scanned_at
                    )
                    return ScanResult(scan=scan, registration=registration, entry=entry)
            except IntegrityError:
                entry = _entry_locked(checkpoint, registration)
        # The earliest scan wins, whatever order devices sync in; ties go to the lower scan id.
        if (scanned_at, str(scan_id)) < (entry.at, str(entry.scan.scan_id)):
            previous = entry.scan
            entry.scan = scan
            entry.at = scanned_at
            entry.save(update_fields=["scan", "at"])
            previous.is_duplicate = True
            fields = ["is_duplicate"]
            if previous.offline:
                previous.verdict = Verdict.ALREADY_CHECKED_IN
                fields.append("verdict")
            previous.save(update_fields=fields)
        else:
            scan.verdict = Verdict.ALREADY_CHECKED_IN
            scan.is_duplicate = True
            scan.save(update_fields=["verdict", "is_duplicate"])
    return ScanResult(scan=scan, registration=registration, entry=entry)


def _entry_locked(checkpoint, registration):
    return (
        Entry.objects.select_for_update(of=("self",))
        .select_related("scan", "checkpoint__session")
        .filter(checkpoint=checkpoint, registration=registration)
        .first()
    )


def scans_sync(*, checkpoint: Checkpoint, scans: list[dict], device_id: str = "", actor=None):
    """Merge a batch of scans a device made offline. Returns one result per item, in order:
    a ScanResult, or a CheckinError for an item that could not be read (nothing stored for it).

    Each scan is merged in its own transaction, so one bad item loses no other. The earliest
    scan of a badge at a checkpoint becomes the entry; every later one is kept as a duplicate.
    Syncing the same batch again, or batches in any order, ends in the same state."""
    now = timezone.now()
    results = []
    for item in scans:
        try:
            results.append(
                _sync_one(
                    checkpoint=checkpoint, item=item, device_id=device_id, actor=actor, now=now
                )
            )
        except CheckinError as error:
            results.append(error)
    return results


# Badge print jobs --------------------------------------------------------------------------------


def badge_job_create(*, conference: Conference, kind: str, filters: dict, actor) -> BadgeJob:
    """Queue a batch of badges (or the desk list); the task runs after commit."""
    from .tasks import render_badge_job

    if kind not in BadgeJob.Kind.values:
        raise CheckinError("bad_layout", _("Pick a layout."))
    job = BadgeJob.objects.create(
        conference=conference, kind=kind, filters=filters, requested_by=actor
    )
    transaction.on_commit(lambda: render_badge_job.delay(job.pk))
    return job


def badge_job_run(*, job_id: int) -> None:
    """Render the job's PDF into its file. Runs in a Celery worker (or at once without a broker)."""
    from django.core.files.base import ContentFile

    from .badges import render_desk_list, render_sheet
    from .selectors import badge_people, desk_people

    job = BadgeJob.objects.select_related("conference").get(pk=job_id)
    BadgeJob.objects.filter(pk=job.pk).update(status=BadgeJob.Status.RUNNING)
    try:
        if job.kind == BadgeJob.Kind.DESK:
            people = list(desk_people(job.conference))
            pdf = render_desk_list(job.conference, people)
        else:
            badge_codes_issue(conference=job.conference)
            people = badge_people(job.conference, job.filters)
            pdf = render_sheet(job.conference, people, layout=job.kind)
        job.count = len(people)
        name = f"{job.conference.slug}-{job.kind}-{job.pk}.pdf"
        job.file.save(name, ContentFile(pdf), save=False)
        job.status = BadgeJob.Status.DONE
    except Exception as exc:  # noqa: BLE001 - the organiser sees the failure on the job page
        job.status = BadgeJob.Status.FAILED
        job.error = str(exc)[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["count", "file", "status", "error", "finished_at"])
