import pytest

from tests.factories import ConferenceFactory, UserFactory


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
