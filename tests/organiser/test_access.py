from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_conference_list_shows_only_own_conferences(client):
    organiser = UserFactory(is_staff=False)
    own = ConferenceFactory(name="Egen konferens")
    own.organisers.add(organiser)
    ConferenceFactory(name="Någon annans")
    client.force_login(organiser)

    response = client.get(reverse("organiser:home"))

    assert response.status_code == 200
    assert [c.pk for c in response.context["conferences"]] == [own.pk]


def test_workspace_of_another_organisers_conference_is_404(client):
    organiser = UserFactory()
    other = ConferenceFactory()
    client.force_login(organiser)

    response = client.get(reverse("organiser:dashboard", args=[other.slug]))

    assert response.status_code == 404


def test_workspace_asks_anonymous_visitors_to_log_in(client):
    conference = ConferenceFactory()

    response = client.get(reverse("organiser:dashboard", args=[conference.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("organiser:login"))


def test_dashboard_has_the_workspace_navigation(client):
    organiser = UserFactory()
    conference = ConferenceFactory()
    conference.organisers.add(organiser)
    client.force_login(organiser)

    response = client.get(reverse("organiser:dashboard", args=[conference.slug]))

    assert response.status_code == 200
    assert b'aria-current="page"' in response.content


def test_demo_organiser_logging_in_lands_on_my_conferences(client):
    call_command("demo_setup", stdout=StringIO())

    response = client.post(
        reverse("organiser:login"),
        {"username": "organiser", "password": "samla-organiser-demo", "next": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("organiser:home")
