"""An unpublished conference: its organisers preview the public pages; everyone else gets 404."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ConferenceFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

BANNER = "Förhandsvisning – inte publicerad"


@pytest.fixture(autouse=True)
def swedish():
    # reverse() prefixes the active language, which an earlier test's request may have left.
    with translation.override("sv"):
        yield


@pytest.fixture
def draft():
    conference = ConferenceFactory(slug="utkast", is_published=False)
    session = SessionFactory(conference=conference)
    return conference, session


def public_urls(conference, session):
    return [
        reverse("conference:detail", args=[conference.slug]),
        reverse("conference:speakers", args=[conference.slug]),
        reverse("conference:session", args=[conference.slug, session.code]),
    ]


def test_preview_of_an_unpublished_conference_shows_its_organiser_every_page_with_the_banner(
    client, draft
):
    conference, session = draft
    organiser = UserFactory(is_staff=False)
    conference.organisers.add(organiser)
    client.force_login(organiser)

    pages = [client.get(url) for url in public_urls(conference, session)]

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert [p.content.decode().count(BANNER) for p in pages] == [1, 1, 1]


def test_preview_banner_is_in_english_on_english_pages(client, draft):
    conference, session = draft
    organiser = UserFactory()
    conference.organisers.add(organiser)
    client.force_login(organiser)

    response = client.get(f"/en/{conference.slug}/")

    assert "Preview – not published" in response.content.decode()


def test_preview_is_shown_to_a_superuser(client, draft):
    conference, session = draft
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(reverse("conference:detail", args=[conference.slug]))

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "other organiser", "staff"])
def test_unpublished_conference_is_404_to_everyone_else(client, draft, who):
    conference, session = draft
    if who == "other organiser":
        ConferenceFactory().organisers.add(user := UserFactory())
        client.force_login(user)
    elif who == "staff":
        client.force_login(UserFactory(is_staff=True))

    statuses = [client.get(url).status_code for url in public_urls(conference, session)]
    feed = client.get(reverse("conference:programme-ics", args=[conference.slug]))

    assert statuses == [404, 404, 404]
    assert feed.status_code == 404


def test_published_conference_has_no_banner_and_links_its_organiser_to_the_workspace(client):
    conference = ConferenceFactory(slug="publik", is_published=True)
    organiser = UserFactory()
    conference.organisers.add(organiser)
    client.force_login(organiser)

    response = client.get(reverse("conference:detail", args=[conference.slug]))

    html = response.content.decode()
    assert BANNER not in html
    assert html.count('href="/organiser/publik/"') == 1


def test_published_conference_shows_no_workspace_link_to_attendees(client):
    conference = ConferenceFactory(slug="publik", is_published=True)

    response = client.get(reverse("conference:detail", args=[conference.slug]))

    assert 'href="/organiser/publik/"' not in response.content.decode()
