"""The programme editor's tests: an organiser (not staff) of one conference, logged in. These
take the place of the workspace conftest's fixtures of the same names."""

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


@pytest.fixture(autouse=True)
def send_on_commit_at_once():
    """The programme editor's tests keep Django's real after-commit path (they capture it)."""
