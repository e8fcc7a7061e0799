"""Django's Redis cache, made to ride out a Redis that is down or restarting.

Nothing Samla keeps in the cache is the only copy: the timetable, the privacy notice's version,
the doors' rights and programme versions, rate-limit counters are all read again from the
database or simply start over. So while Redis cannot be reached a read is a miss, a write is
dropped and a counter is missing, instead of a 500 on every page (a registration included)."""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _missing_counter(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unreachable)")


# What each operation answers while Redis cannot be reached; called with the operation's own
# arguments.
FALLBACKS = {
    "get": lambda key, default=None, version=None: default,
    "get_many": lambda keys, version=None: {},
    "has_key": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda data, timeout=None, version=None: list(data),
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "incr": _missing_counter,
    "clear": lambda: False,
}


def _riding_out(name, fallback):
    operation = getattr(RedisCache, name)

    @functools.wraps(operation)
    def guarded(self, *args, **kwargs):
        try:
            return operation(self, *args, **kwargs)
        except UNREACHABLE:
            logger.warning("cache unreachable during %s; carrying on without it", name)
            return fallback(*args, **kwargs)

    return guarded


class ResilientRedisCache(RedisCache):
    pass


for _name, _fallback in FALLBACKS.items():
    setattr(ResilientRedisCache, _name, _riding_out(_name, _fallback))
