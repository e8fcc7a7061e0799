"""Keep short badge codes safe against guessing: misses are counted per user in the shared cache,
and a user who misses too often is refused short codes for a while.

A short code has about 40 bits, which a script trying codes at the API could otherwise walk
through; full codes (160 bits) are not limited, so a revoked badge scanned at a busy door never
slows that door down. Only logged-in door devices and users reach the scan API at all."""

from django.core.cache import cache

MISS_LIMIT = 10
WINDOW_SECONDS = 300


def _key(user) -> str:
    return f"checkin:short-misses:{user.pk}"


def short_code_refused(user) -> bool:
    return (cache.get(_key(user)) or 0) >= MISS_LIMIT


def short_code_missed(user, count: int = 1) -> None:
    key = _key(user)
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        cache.incr(key, count)
    except ValueError:
        cache.set(key, count, WINDOW_SECONDS)
