"""Scans: deciding who may pass, one at a time (scan_submit) or a device's offline batch
(scans_sync).

The rule "one successful entry per badge per checkpoint" is backed by the unique constraint on
Entry: two doors scanning the same badge at the same moment both try to insert, the database lets
exactly one through, and the other answers "already checked in".
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from registration.models import Registration, Signup

from .. import scan_sql
from ..errors import CheckinError
from ..models import Checkpoint, Entry, Scan, Verdict, is_short_code, normalise_code

# A device clock this far ahead is wrong; its scans count as received.
CLOCK_SKEW = timedelta(minutes=10)
ADMITTED = {Verdict.OK, Verdict.ALREADY_CHECKED_IN}


@dataclass
class ScanResult:
    scan: Scan
    registration: Registration | None
    entry: Entry | None = None
    # For the verdict "other conference": where the badge is valid.
    other_conference: Conference | None = None

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
    if is_short_code(code):
        return base.filter(
            badge_codes__short_code=code, badge_codes__revoked_at__isnull=True
        ).first()
    return base.filter(badge_codes__code=code, badge_codes__revoked_at__isnull=True).first()


def other_conference_of(checkpoint: Checkpoint, code: str) -> Conference | None:
    """The conference whose active badge `code` is, when it is another conference of the same
    organisers (they share at least one organiser): the volunteer can then tell the person where
    the badge is valid, and a door never learns about strangers' conferences. One query, run only
    after a miss."""
    if not code:
        return None
    field = "short_code" if is_short_code(code) else "code"
    shared = Conference.organisers.through.objects.filter(
        conference_id=checkpoint.conference_id
    ).values("user_id")
    return (
        Conference.objects.filter(
            registrations__badge_codes__revoked_at__isnull=True,
            **{f"registrations__badge_codes__{field}": code},
            organisers__in=shared,
        )
        .exclude(pk=checkpoint.conference_id)
        .first()
    )


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
    other = None
    if scan.verdict == Verdict.OTHER_CONFERENCE:
        other = other_conference_of(checkpoint, scan.code)
    return ScanResult(
        scan=scan, registration=scan.registration, entry=entry, other_conference=other
    )


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
        if verdict == Verdict.OK and not checkpoint.valid_on(scanned_at):
            verdict = Verdict.WRONG_DAY
        if entry_id is not None:
            entry = _entry_stub(checkpoint, registration, entry_id, at, entry_scan, device)
            if verdict == Verdict.OK:
                verdict = Verdict.ALREADY_CHECKED_IN
    other = other_conference_of(checkpoint, code) if row is None else None
    if other is not None:
        verdict = Verdict.OTHER_CONFERENCE
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
        return ScanResult(scan=scan, registration=registration, entry=entry, other_conference=other)
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
    try:
        return _sync_insert(
            checkpoint=checkpoint,
            scan_id=scan_id,
            code=code,
            registration_id=registration_id,
            scanned_at=scanned_at,
            device_verdict=device_verdict,
            device_id=(item.get("device_id") or device_id or "")[:64],
            actor=actor,
        )
    except IntegrityError:
        # The same scan id was stored a moment ago (the same batch from another tab, or the
        # phone's retry): nothing of this attempt was kept; answer as the first one did.
        known = _existing(checkpoint, scan_id)
        if known is None:
            raise
        return known


def _sync_insert(
    *, checkpoint, scan_id, code, registration_id, scanned_at, device_verdict, device_id, actor
):
    with transaction.atomic():
        registration = _registration_for(checkpoint, code=code, registration_id=registration_id)
        verdict = _decide_for(checkpoint, registration)
        if verdict == Verdict.OK and not checkpoint.valid_on(scanned_at):
            verdict = Verdict.WRONG_DAY
        other = None
        if registration is None and registration_id is None:
            other = other_conference_of(checkpoint, code)
            if other is not None:
                verdict = Verdict.OTHER_CONFERENCE
        scan = Scan.objects.create(
            checkpoint=checkpoint,
            registration=registration,
            code=code,
            scan_id=scan_id,
            device_id=device_id,
            scanned_at=scanned_at,
            verdict=verdict,
            device_verdict=device_verdict,
            offline=True,
            manual=registration_id is not None,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        if verdict != Verdict.OK:
            return ScanResult(scan=scan, registration=registration, other_conference=other)
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
