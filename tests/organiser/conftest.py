import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import ConferenceFactory, UserFactory


@pytest.fixture(autouse=True)
def _default_language():
    # A request to an /en/ page leaves English active in the thread, and reverse() would then
    # give the next test English addresses.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def organiser():
    return UserFactory(is_staff=False)


@pytest.fixture
def conference(organiser):
    conference = ConferenceFactory(slug="lk", name="Lärkonferens", name_en="Learning conference")
    conference.organisers.add(organiser)
    return conference


@pytest.fixture
def organiser_client(client, organiser, conference):
    client.force_login(organiser)
    return client
