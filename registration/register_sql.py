"""Registering in one statement on PostgreSQL: the hot path of a registration rush.

`samla_registration_create` (migrations 0004 and 0010) checks the window, the sign-up sessions
and meals, inserts the registration, its meals and workshop places, the audit entry and the
e-mail row, and takes the seats with the same conditional UPDATEs as registration.seats, all in
one round trip, as one transaction when the caller has none open. It covers the common case
only: a new address joining the waiting list where full. For anything else it returns no row
and changes nothing, and `services.registration_create` takes its general path, which gives the
precise answer (an error, a known address, a missing seat counter ...).

The ORM path costs about ten round trips and most of a registration's CPU time; this one is
what lets a rush go at the speed of the database (bench/registration_rush.py)."""

from django.db import connection
from django.utils import timezone

from conference.sql import fetch_one

from .models import Registration, new_manage_token

CREATE = (
    "SELECT * FROM samla_registration_create("
    "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def available() -> bool:
    return connection.vendor == "postgresql"


def registration_create(
    *, conference_id, slug, email, details, session_ids, meal_ids, now, privacy_version=None
) -> tuple[Registration, int | None] | None:
    """(the new registration, its e-mail row's id); for an address already registered and not
    cancelled (the registration as it is, None), nothing changed; or None where the general
    path must answer. Either `conference_id` or `slug` (a published conference) names the
    conference; session and meal ids must be sorted and unique, `details` cleaned by
    `services.clean_details`."""
    manage_token, calendar_token = new_manage_token(), new_manage_token()
    at = timezone.now()
    row = fetch_one(
        CREATE,
        [
            conference_id,
            slug,
            now,
            email,
            details["name"],
            details["organisation"],
            details["sector"],
            details["diets"],
            details["diet_other"],
            details["accessibility"],
            details["language"],
            details["public_listing"],
            session_ids,
            meal_ids,
            manage_token,
            calendar_token,
            at,
            privacy_version,
        ],
    )
    if row is None:
        return None
    outcome, registration_id, conference_id, status, log_id = row
    if outcome == "known":
        return Registration.objects.get(pk=registration_id), None
    registration = Registration(
        id=registration_id,
        conference_id=conference_id,
        manage_token=manage_token,
        calendar_token=calendar_token,
        status=status,
        email=email,
        consented_at=now,
        privacy_version=privacy_version,
        waiting_since=now if status == Registration.Status.WAITING else None,
        created_at=at,
        updated_at=at,
        **details,
    )
    registration._state.adding = False
    registration._state.db = connection.alias
    return registration, log_id
