"""Who may scan where: kept in each worker, invalidated on every node at once through a version
number in the shared cache.

A door scans a badge every second or two; looking up its token, checkpoint and right to scan for
every scan would double the queries, so each worker keeps the answers in memory, each with the
version number current when it was read. The version lives in Django's cache (`CACHE_URL`: Redis
in production, shared by every worker and node). Revoking anything (a token, a volunteer, a door
assignment, an organiser) bumps it, so the next request on any worker finds its answer outdated
and reads the database.

The version is bumped at once and again after commit: a request that read the old rows between
the change and the commit may have cached them under the first new version.
"""

import contextvars
import secrets
import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "checkin:rights:version"
# Entries also expire, for changes made outside Django (raw SQL, restores).
TIMEOUT = 30
# (kind, key) -> (version, expires at, value), per process: the shared cache holds the version.
_local: dict = {}
# The version read once at the start of a request (see `pin`): token and door share one read.
_pinned: contextvars.ContextVar = contextvars.ContextVar("checkin_rights_version", default=None)


def version() -> int:
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    current = cache.get(VERSION_KEY)
    if current is None:
        # A random start: if the key was evicted, no stale entry of an earlier run matches it.
        cache.add(VERSION_KEY, secrets.randbits(48), timeout=None)
        current = cache.get(VERSION_KEY)
    return current


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, secrets.randbits(48), timeout=None)


def rights_changed() -> None:
    """Every cached right is stale: the next request on every worker reads the database."""
    _bump()
    transaction.on_commit(_bump)


def cached(kind: str, key, load):
    """`load()`'s value for `key`, kept in this process while the shared version is unchanged.

    One small round trip to the shared cache (the version number); the value itself stays in the
    worker's memory, so a hit costs no unpickling. A worker reads the database again after any
    revocation anywhere, or after TIMEOUT seconds."""
    current = version()
    if current is None:  # the shared cache is unreachable: nothing kept can be trusted
        return load()
    slot = (kind, key)
    hit = _local.get(slot)
    now = time.monotonic()
    if hit is not None and hit[0] == current and hit[1] > now:
        return hit[2]
    value = load()
    if len(_local) > 5000:
        _local.clear()
    _local[slot] = (current, now + TIMEOUT, value)
    return value


def pin():
    """Read the version once for the request that starts now; `unpin` with the returned token
    when it ends. A revocation reaches every request that starts after it."""
    _pinned.set(None)
    return _pinned.set(version())


def unpin(token) -> None:
    if token is not None:
        _pinned.reset(token)


def clear() -> None:
    """Forget every cached right (tests start from a clean slate)."""
    _local.clear()
    _bump()
