import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    # Browser tests last: they share one Chromium and the live server.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"

