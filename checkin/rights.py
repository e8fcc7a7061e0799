"""Who may scan where, cached in the shared cache and invalidated on every node at once.

A door scans a badge every second or two; looking up its token, checkpoint and right to scan for
every scan would double the queries, so the answers are cached. They live in Django's cache
(`CACHE_URL`: Redis in production, shared by every worker and node), each stored with the version
number current when it was read. Revoking anything (a token, a volunteer, a door assignment, an
organiser) bumps the version, so the next request on any worker finds its entry outdated and
reads the database.

The version is bumped at once and again after commit: a request that read the old rows between
the change and the commit may have cached them under the first new version.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "checkin:rights:version"
# Entries also expire, for changes made outside Django (raw SQL, restores).
TIMEOUT = 30


def version() -> int:
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
    """`load()`'s value for `key`, from the shared cache while no right has changed.

    One round trip to the cache: the entry and the current version are fetched together, and an
    entry stored under an older version is loaded again."""
    full_key = f"checkin:rights:{kind}:{key}"
    found = cache.get_many([VERSION_KEY, full_key])
    current = found.get(VERSION_KEY)
    if current is None:
        current = version()
    entry = found.get(full_key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = load()
    cache.set(full_key, (current, value), TIMEOUT)
    return value


def clear() -> None:
    """Forget every cached right (tests start from a clean slate)."""
    _bump()
