"""Anonymising a conference's registrations when its retention period has passed.

What identifies a person goes: name, e-mail address, organisation, free-text needs (other
diets, accessibility), the private links' tokens, the e-mail log's addresses and contents, and
strings in the audit trail's details. What the figures are made of stays: each registration
row with its status, sector, language, chosen diets, meals and workshop places, so that counts
by sector, session and day (and the caterer's counts) are the same afterwards.

Idempotent: rows already anonymised are recognised by their address and left alone, and every
other write sets constant values, so a second run changes nothing. Answers to registration
questions (built on another branch) join by one more step in `ANONYMISE_STEPS`: free text
cleared, choices kept as they are (they count, and no longer point to anyone).
"""

import secrets

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from conference.models import Conference

from ..models import AuditEntry, EmailLog, Registration

ANONYMISED_NAME = "Anonymiserad"
ANONYMISED_DOMAIN = "@anonymised.invalid"
# Audit details keep numbers and these keys (field names, statuses, session ids), nothing else.
AUDIT_SAFE_KEYS = {"fields", "status", "sessions", "session", "registration", "registrations"}


def _registrations(conference: Conference) -> int:
    pending = Registration.objects.filter(conference=conference).exclude(
        email__endswith=ANONYMISED_DOMAIN
    )
    ids = list(pending.values_list("pk", flat=True))
    if not ids:
        return 0
    Registration.objects.filter(pk__in=ids).update(
        name=ANONYMISED_NAME,
        email=Concat(Value("anonymised-"), Cast("id", CharField()), Value(ANONYMISED_DOMAIN)),
        organisation="",
        diet_other="",
        accessibility="",
        public_listing=False,
    )
    # New random tokens that nobody was sent: old links stop working.
    rows = [
        Registration(
            pk=pk, manage_token=secrets.token_urlsafe(32), calendar_token=secrets.token_urlsafe(32)
        )
        for pk in ids
    ]
    Registration.objects.bulk_update(rows, ["manage_token", "calendar_token"], batch_size=500)
    return len(ids)


def _email_logs(conference: Conference) -> int:
    # Constant values: a second run writes the same again.
    return EmailLog.objects.filter(conference=conference).update(
        to="", payload={}, error="", message_id=""
    )


def _safe_details(details):
    if not isinstance(details, dict):
        return {}
    return {
        key: value
        for key, value in details.items()
        if key in AUDIT_SAFE_KEYS or isinstance(value, bool | int | float)
    }


def _audit_entries(conference: Conference) -> int:
    changed = []
    for entry in AuditEntry.objects.filter(conference=conference).only("pk", "details"):
        safe = _safe_details(entry.details)
        if safe != entry.details:
            entry.details = safe
            changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["details"], batch_size=500)
    return len(changed)


# One function per kind of personal data the registration app keeps for a conference.
ANONYMISE_STEPS = (_registrations, _email_logs, _audit_entries)


def registrations_anonymise(*, conference: Conference) -> int:
    """Anonymise the personal data the registration app keeps for `conference` (see the module
    docstring); returns how many registrations were anonymised by this call. Run it inside the
    caller's transaction (checkin.services.retention.conference_anonymise holds the lock)."""
    anonymised = 0
    for step in ANONYMISE_STEPS:
        count = step(conference)
        if step is _registrations:
            anonymised = count
    return anonymised
