"""The workspace's tests use the registration tests' set-up: a conference of three seats,
workshops, a lunch, e-mails to the outbox and background work run at once. The programme
editor's tests (programme/) bring their own."""

import pytest
from django.conf import settings
from django.utils import translation

from tests.email_fixtures import anymail_outbox, celery_eager, send_on_commit_at_once  # noqa: F401
from tests.factories import UserFactory
from tests.registration.conftest import (  # noqa: F401
    conference,
    lunch,
    seats_consistent,
    workshops,
)


@pytest.fixture(autouse=True)
def _default_language():
    # A request to an /en/ page leaves English active in the thread, and reverse() would then
    # give the next test English addresses.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def organiser(client, conference):  # noqa: F811 (the fixture imported above)
    user = UserFactory(first_name="Olga", last_name="Organisatör")
    conference.organisers.add(user)
    client.force_login(user)
    return user
