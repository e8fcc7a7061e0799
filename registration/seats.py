"""Seat counters: one row per seat pool (the conference, each session with sign-up).

`SeatCounter.taken` is the number of confirmed or offered registrations (sign-ups) of its pool.
Every status change that takes or frees a seat moves the counter in the same transaction.

Taking a seat is one conditional UPDATE, `taken = taken + 1 WHERE taken < cap`, where the cap
is read by the same statement from Conference.capacity / Session.seats, so an organiser's edit
counts from the moment it is committed. On PostgreSQL the UPDATE locks the counter row until
COMMIT and a concurrent one waits and re-checks the new value: a pool can never be oversold.
If no seat is free the UPDATE matches nothing and locks nothing. On SQLite the IMMEDIATE
transactions serialise writers, and the same UPDATE gives the same answer.

Lock order, so that two transactions never wait on each other: the conference counter first,
then session counters. A registration takes them last, right before COMMIT; every other seat
change (cancel, swap, offers, deletion, promotion) locks the conference counter first with
`seat_counter_lock` and then works under it.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import F, Q

from conference.models import Conference, Room, Session

from .models import HOLDING, Registration, SeatCounter, Signup

# Stands in for "no limit" in the conditional UPDATE (a NULL cap would compare as unknown).
NO_LIMIT = 2**31 - 1


def _conference_counter(conference_id):
    return SeatCounter.objects.filter(conference_id=conference_id, session__isnull=True)


def _session_counter(session_id):
    return SeatCounter.objects.filter(session_id=session_id)


# The hot path's statements, written out: the ORM would rebuild and compile the subqueries on
# every call. The cap is read inside the UPDATE, so it is the organiser's latest.
_TAKE_CONFERENCE = """
    UPDATE {counter} SET taken = taken + 1
    WHERE conference_id = %s AND session_id IS NULL
      AND taken < COALESCE((SELECT capacity FROM {conference} WHERE id = %s), {no_limit})
"""
# A cancelled (or deleted) session has no seats, whatever its cap said.
_TAKE_SESSION = """
    UPDATE {counter} SET taken = taken + 1
    WHERE session_id = %s
      AND taken < COALESCE(
        (SELECT CASE WHEN s.status = 'scheduled'
                     THEN COALESCE(s.capacity, r.capacity, {no_limit}) ELSE 0 END
         FROM {session} s LEFT JOIN {room} r ON r.id = s.room_id WHERE s.id = %s),
        0)
"""


def _sql(template):
    return template.format(
        counter=SeatCounter._meta.db_table,
        conference=Conference._meta.db_table,
        session=Session._meta.db_table,
        room=Room._meta.db_table,
        no_limit=NO_LIMIT,
    )


def _take(template, pool_id) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_sql(template), [pool_id, pool_id])
        return cursor.rowcount == 1


def seat_counts_recount(*, conference_id: int, session_ids=None) -> dict[int | None, int]:
    """Holders per pool counted from the statuses: {None: conference, session_id: session}.
    Without `session_ids`, every session of the conference that has holders."""
    counts = {
        None: Registration.objects.filter(conference_id=conference_id, status__in=HOLDING).count()
    }
    signups = Signup.objects.filter(status__in=HOLDING)
    if session_ids is None:
        signups = signups.filter(session__conference_id=conference_id)
    else:
        signups = signups.filter(session_id__in=session_ids)
        counts.update(dict.fromkeys(session_ids, 0))
    counts.update(Counter(signups.values_list("session_id", flat=True)))
    return counts


def _create_missing(conference_id: int, keys) -> bool:
    """Create the counters of `keys` (None: the conference's) that do not exist yet, counted
    from the statuses; return whether any was missing. Callers run this before they change a
    status themselves, so the count is the one before their change."""
    keys = set(keys)
    existing = set(
        SeatCounter.objects.filter(conference_id=conference_id)
        .filter(Q(session__isnull=True) | Q(session_id__in=[k for k in keys if k is not None]))
        .values_list("session_id", flat=True)
    )
    missing = keys - existing
    if not missing:
        return False
    sessions = [k for k in missing if k is not None]
    counts = seat_counts_recount(conference_id=conference_id, session_ids=sessions)
    # A concurrent creator of the same row wins; its count is the same one.
    SeatCounter.objects.bulk_create(
        [SeatCounter(conference_id=conference_id, session_id=k, taken=counts[k]) for k in missing],
        ignore_conflicts=True,
    )
    return True


def seat_counters_get(*, conference_id: int, session_ids=()) -> dict[int | None, int]:
    """Seats taken now, per pool (None: the conference), read without a lock; missing counters
    are created. Use them to guess, never to decide: the conditional UPDATE decides."""
    wanted = {None, *session_ids}

    def read():
        return dict(
            SeatCounter.objects.filter(conference_id=conference_id)
            .filter(Q(session__isnull=True) | Q(session_id__in=list(session_ids)))
            .values_list("session_id", "taken")
        )

    counters = read()
    if wanted - set(counters):
        _create_missing(conference_id, wanted - set(counters))
        counters = read()
    return counters


def seat_counter_lock(*, conference_id: int) -> SeatCounter:
    """Lock the conference's counter row (select_for_update) until the transaction ends: the
    first step of every seat change other than registering."""
    counter = _conference_counter(conference_id).select_for_update().first()
    if counter is None:
        _create_missing(conference_id, [None])
        counter = _conference_counter(conference_id).select_for_update().get()
    return counter


def conference_seat_take(*, conference_id: int, ensure: bool = True) -> bool:
    """Take one conference seat if one is free at this moment; return whether it was taken.
    `ensure=False` when the caller already made sure the counter exists (saves a query)."""
    if _take(_TAKE_CONFERENCE, conference_id):
        return True
    if ensure and _create_missing(conference_id, [None]):
        return _take(_TAKE_CONFERENCE, conference_id)
    return False


def session_seat_take(*, conference_id: int, session_id: int, ensure: bool = True) -> bool:
    """Take one seat of the session if one is free at this moment; return whether it was."""
    if _take(_TAKE_SESSION, session_id):
        return True
    if ensure and _create_missing(conference_id, [session_id]):
        return _take(_TAKE_SESSION, session_id)
    return False


def conference_seats_free(*, conference_id: int, count: int = 1) -> None:
    """Give back `count` conference seats; call after the statuses have changed."""
    if count and not _conference_counter(conference_id).update(taken=F("taken") - count):
        _create_missing(conference_id, [None])


def session_seats_free(*, conference_id: int, session_ids) -> None:
    """Give back one seat of each session in `session_ids` (repeats count); call after the
    statuses have changed."""
    for session_id, count in sorted(Counter(session_ids).items()):
        if not _session_counter(session_id).update(taken=F("taken") - count):
            _create_missing(conference_id, [session_id])


def seat_counters_rebuild(*, conference: Conference) -> dict[int | None, tuple[int, int]]:
    """Recompute every counter of the conference from the statuses, under the counter lock.
    Return {pool: (was, is)} for the rows that were wrong (None: the conference)."""
    with transaction.atomic():
        seat_counter_lock(conference_id=conference.pk)
        counts = seat_counts_recount(conference_id=conference.pk)
        counters = {
            c.session_id: c for c in SeatCounter.objects.filter(conference_id=conference.pk)
        }
        signup_sessions = Session.objects.filter(
            conference_id=conference.pk, requires_signup=True
        ).values_list("pk", flat=True)
        changes = {}
        for key in {None, *counts, *counters, *signup_sessions}:
            want = counts.get(key, 0)
            counter = counters.get(key)
            if counter is None:
                SeatCounter.objects.create(conference_id=conference.pk, session_id=key, taken=want)
                if want:
                    changes[key] = (0, want)
            elif counter.taken != want:
                changes[key] = (counter.taken, want)
                SeatCounter.objects.filter(pk=counter.pk).update(taken=want)
    return changes


def seat_counters_mismatches(*, conference_id: int) -> dict[int | None, tuple[int, int]]:
    """{pool: (counter, recounted)} wherever they differ; a missing counter counts as 0."""
    counts = seat_counts_recount(conference_id=conference_id)
    counters = dict(
        SeatCounter.objects.filter(conference_id=conference_id).values_list("session_id", "taken")
    )
    return {
        key: (counters.get(key, 0), counts.get(key, 0))
        for key in {*counts, *counters}
        if counters.get(key, 0) != counts.get(key, 0)
    }
