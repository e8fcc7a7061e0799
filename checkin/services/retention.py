"""Retention: anonymise a conference's personal data once its period after the end has passed,
and warn its organisers a month before. Check-in sits above registration, so the whole of it is
orchestrated here: registration's anonymiser, then check-in's own data (badge codes, the codes
door scans recorded, printed badge files) and the Django admin's log of registrations."""

import logging
import secrets
from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from conference.models import Conference
from conference.services import conference_retention_warn
from registration.models import Registration
from registration.services import audit
from registration.services.retention import ANONYMISED_NAME, registrations_anonymise

from ..models import BadgeCode, BadgeJob, Scan

logger = logging.getLogger(__name__)

WARN_AHEAD = timedelta(days=30)
# A retired badge code: "0" is outside the codes' alphabet, so no scan can ever match it.
RETIRED_PREFIX = "0"


def _badge_codes(conference: Conference, now) -> None:
    retired = BadgeCode.objects.filter(registration__conference=conference).exclude(
        code__startswith=RETIRED_PREFIX
    )
    rows = [
        BadgeCode(
            pk=pk,
            code=RETIRED_PREFIX + secrets.token_hex(16).upper(),
            revoked_at=revoked_at or now,
        )
        for pk, revoked_at in retired.values_list("pk", "revoked_at")
    ]
    BadgeCode.objects.bulk_update(rows, ["code", "revoked_at"], batch_size=500)


def _checkin_rows(conference: Conference, now) -> None:
    _badge_codes(conference, now)
    Scan.objects.filter(checkpoint__conference=conference).exclude(code="").update(code="")
    for job in BadgeJob.objects.filter(conference=conference).exclude(file=""):
        storage, name = job.file.storage, job.file.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        job.file = ""
        job.save(update_fields=["file"])
    ids = [
        str(pk)
        for pk in Registration.objects.filter(conference=conference).values_list("pk", flat=True)
    ]
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration), object_id__in=ids
    ).exclude(object_repr=ANONYMISED_NAME).update(object_repr=ANONYMISED_NAME, change_message="")


def conference_anonymise(*, conference: Conference, actor=None, now=None) -> int:
    """Anonymise every participant's personal data of `conference` (see
    registration.services.retention), keeping the figures. Runs under a lock on the conference
    row; the first run sets `anonymised_at` and writes one audit entry. Idempotent: a second run
    finds nothing left and changes nothing. Returns how many registrations this run anonymised."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        count = registrations_anonymise(conference=locked)
        _checkin_rows(locked, now)
        if locked.anonymised_at is None:
            locked.anonymised_at = now
            locked.save(update_fields=["anonymised_at"])
            audit(
                registration=None,
                conference=locked,
                action="anonymised",
                actor=actor,
                actor_label="organiser" if actor is not None else "system",
                registrations=count,
            )
    conference.anonymised_at = locked.anonymised_at
    return count


def retention_sweep(*, now=None) -> dict:
    """The scheduled job: warn the organisers of conferences due within a month (once each), and
    anonymise the conferences whose period has passed."""
    now = now or timezone.now()
    warned = anonymised = 0
    for conference in Conference.objects.filter(anonymised_at__isnull=True, end__lte=now):
        due = conference.anonymise_after
        if due <= now:
            conference_anonymise(conference=conference, now=now)
            anonymised += 1
        elif (
            due - WARN_AHEAD <= now
            and conference.retention_warned_at is None
            and conference_retention_warn(conference=conference, now=now)
        ):
            warned += 1
    return {"warned": warned, "anonymised": anonymised}
