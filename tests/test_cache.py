"""A Redis that cannot be reached reads as an empty cache: no request fails because of it."""

import socket

import pytest

from config.cache import ResilientRedisCache


@pytest.fixture
def unreachable():
    # A port nothing listens on: connections are refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return ResilientRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )


def test_reads_of_an_unreachable_cache_are_misses(unreachable):
    assert unreachable.get("k", "default") == "default"
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.has_key("k") is False


def test_writes_to_an_unreachable_cache_are_dropped(unreachable):
    assert unreachable.set("k", 1) is None
    assert unreachable.add("k", 1) is False
    assert unreachable.delete("k") is False
    assert unreachable.set_many({"a": 1}) == ["a"]


def test_a_counter_in_an_unreachable_cache_is_missing(unreachable):
    with pytest.raises(ValueError):
        unreachable.incr("k")
