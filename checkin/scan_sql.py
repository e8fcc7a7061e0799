# ruff: noqa: S608 - the SQL is put together from model metadata only; values are parameters.
"""The SQL of an online scan: the hot path of check-in, at 08:45 a scan every few milliseconds.

A scan costs two round trips to PostgreSQL: one SELECT that fetches the badge's registration, its
sign-up status for a session door and an earlier entry at this checkpoint; and one statement that
inserts the scan and, for a candidate OK, the entry, with `ON CONFLICT DO NOTHING` on the entry's
unique constraint, so of two doors scanning one badge at once exactly one entry is inserted.
SQLite has no data-modifying CTEs: there the two inserts run in one (IMMEDIATE) transaction.

The statements are written once from the models' metadata; the ORM would spend more time
compiling them than PostgreSQL spends running them. Values pass through the model fields'
`get_db_prep_save`, so each database gets its own representation (UUIDs, datetimes, booleans).

They run through `conference.sql.fetch_one`, as server-side prepared statements on PostgreSQL:
planning the lookup took 0.4 ms of the 0.5 ms it cost (measured with psycopg here), more than
the query."""

from datetime import UTC, datetime
from functools import cache

from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from conference.sql import fetch_one
from registration.models import Registration, Signup

from .models import BadgeCode, Entry, Scan, is_short_code

SCAN_FIELDS = (
    "checkpoint",
    "registration",
    "code",
    "scan_id",
    "device_id",
    "scanned_at",
    "received_at",
    "verdict",
    "device_verdict",
    "is_duplicate",
    "offline",
    "manual",
    "actor",
)
ENTRY_FIELDS = ("checkpoint", "registration", "scan", "at")


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model, names):
    quote = connection.ops.quote_name
    return [quote(model._meta.get_field(name).column) for name in names]


@cache
def _lookup(by_code: str) -> str:
    """Columns: id, name, organisation, status, sign-up status, entry id, entry at, entry's scan
    id, entry's scan device. Parameters: session id (NULL: no sign-up needed), code (by code:
    `by_code` names the column, "code" or "short_code"), checkpoint id, conference id,
    registration id (not by code)."""
    column = connection.ops.quote_name(by_code) if by_code else ""
    badge = (
        f"JOIN {_table(BadgeCode)} b ON b.registration_id = r.id AND b.{column} = %s "
        "AND b.revoked_at IS NULL "
        if by_code
        else ""
    )
    return (
        "SELECT r.id, r.name, r.organisation, r.status, "
        f"(SELECT su.status FROM {_table(Signup)} su WHERE su.registration_id = r.id "
        "AND su.session_id = %s), "
        "e.id, e.at, sc.id, sc.device_id "
        f"FROM {_table(Registration)} r {badge}"
        f"LEFT JOIN {_table(Entry)} e ON e.registration_id = r.id AND e.checkpoint_id = %s "
        f"LEFT JOIN {_table(Scan)} sc ON sc.id = e.scan_id "
        "WHERE r.conference_id = %s" + ("" if by_code else " AND r.id = %s")
    )


@cache
def _scan_insert() -> str:
    values = ", ".join(["%s"] * len(SCAN_FIELDS))
    return (
        f"INSERT INTO {_table(Scan)} ({', '.join(_columns(Scan, SCAN_FIELDS))}) "
        f"VALUES ({values}) RETURNING id"
    )


@cache
def _entry_insert() -> str:
    return (
        f"INSERT INTO {_table(Entry)} ({', '.join(_columns(Entry, ENTRY_FIELDS))}) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id"
    )


@cache
def _scan_and_entry() -> str:
    """PostgreSQL: both inserts in one statement, hence one transaction and one round trip."""
    entry_columns = ", ".join(_columns(Entry, ENTRY_FIELDS))
    values = ", ".join(["%s"] * len(SCAN_FIELDS))
    return (
        f"WITH s AS (INSERT INTO {_table(Scan)} ({', '.join(_columns(Scan, SCAN_FIELDS))}) "
        f"VALUES ({values}) RETURNING id), "
        f"e AS (INSERT INTO {_table(Entry)} ({entry_columns}) SELECT %s, %s, s.id, %s FROM s "
        "ON CONFLICT DO NOTHING RETURNING id) "
        "SELECT s.id, (SELECT id FROM e) FROM s"
    )


def _datetime(value):
    """PostgreSQL hands back an aware datetime; SQLite a naive one (or text) in UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def lookup(*, checkpoint_id, conference_id, signup_session_id, code=None, registration_id=None):
    """One row (see `_lookup`) or None: no active badge with that code (full or short), or
    nobody of that id, at this conference."""
    if code:
        params = [signup_session_id, code, checkpoint_id, conference_id]
    else:
        params = [signup_session_id, checkpoint_id, conference_id, registration_id]
    by_code = ("short_code" if is_short_code(code) else "code") if code else ""
    row = fetch_one(_lookup(by_code), params)
    if row is None:
        return None
    row = list(row)
    row[6] = _datetime(row[6])
    return row


def _prepared(model, instance, names):
    return [
        model._meta.get_field(name).get_db_prep_save(
            getattr(instance, model._meta.get_field(name).attname), connection
        )
        for name in names
    ]


def scan_insert(scan: Scan, *, with_entry: bool):
    """Insert `scan` (sets its pk); with `with_entry` also its entry unless the registration
    already has one here. Returns the new entry's id, or None. Raises IntegrityError when the
    scan id was used before (a retry), and then nothing is stored."""
    if connection.in_atomic_block:
        # Inside a caller's transaction a failed insert must not spoil it: use a savepoint.
        with transaction.atomic():
            return _scan_insert_now(scan, with_entry=with_entry)
    return _scan_insert_now(scan, with_entry=with_entry)


def _scan_insert_now(scan, *, with_entry):
    values = _prepared(Scan, scan, SCAN_FIELDS)
    if not with_entry:
        scan.pk = fetch_one(_scan_insert(), values)[0]
        return None
    entry_values = [scan.checkpoint_id, scan.registration_id]
    at = Entry._meta.get_field("at").get_db_prep_save(scan.scanned_at, connection)
    if connection.vendor == "postgresql":
        # One statement is one transaction: the scan and its entry are stored together or not.
        scan.pk, entry_id = fetch_one(_scan_and_entry(), [*values, *entry_values, at])
        return entry_id
    with transaction.atomic():
        scan.pk = fetch_one(_scan_insert(), values)[0]
        row = fetch_one(_entry_insert(), [*entry_values, scan.pk, at])
    return row[0] if row else None
