"""Django's Redis cache, made to ride out a Redis that is down or restarting.

Nothing Samla keeps in the cache is the only copy: the timetable, the privacy notice's version,
the doors' rights and programme versions, rate-limit counters are all read again from the
database or simply start over. So while Redis cannot be reached a read is a miss, a write is
dropped and a counter is missing, instead of a 500 on every page (a registration included)."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _unreachable(operation):
    logger.warning("cache unreachable during %s; carrying on without it", operation)


class ResilientRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE:
            _unreachable("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE:
            _unreachable("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE:
            _unreachable("has_key")
            return False

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE:
            _unreachable("add")
            return False

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE:
            _unreachable("set")

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE:
            _unreachable("set_many")
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE:
            _unreachable("touch")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE:
            _unreachable("delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNREACHABLE:
            _unreachable("delete_many")

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE:
            _unreachable("incr")
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)") from None

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE:
            _unreachable("clear")
            return False
