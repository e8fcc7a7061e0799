import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    # Browser tests last: they share one Chromium and the live server.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip = pytest.mark.skip(reason="runs in the PostgreSQL pass only")
        for item in items:
            if item.get_closest_marker("postgres_only"):
                item.add_marker(skip)


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _empty_cache():
    # The local-memory cache outlives a test's database rows; ids may be reused after rollback.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _doors_open_every_day(request, monkeypatch):
    """The factories' conferences are in 2027, but most tests scan now: they test who may pass,
    not on which day. A test about the door's day marks itself `door_day` to keep the check."""
    if request.node.get_closest_marker("door_day"):
        return
    from checkin.models import Checkpoint

    monkeypatch.setattr(Checkpoint, "day_to_check", lambda self: None)
