import json
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registration.models import Registration, Signup
from tests.factories import ConferenceFactory, RegistrationFactory, local

from .conftest import register

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Anna Andersson",
        "email": "anna@example.org",
        "organisation": "Exempelkommunen",
        "sector": "public",
        "language": "sv",
        "consent": "on",
        "waitlist_ok": "on",
    }
    data.update(overrides)
    return data


def test_register_page_shows_workshops_by_slot_with_seats_left(client, conference, workshops):
    register(conference, email="b@example.org", session_ids=[workshops[0].pk])

    response = client.get(f"/en/{conference.slug}/register/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<fieldset class="slot-choice">') == 2
    assert html.count('name="sessions"') == 3
    assert "1 seat left" in html
    assert "2 seats left" in html


@pytest.mark.parametrize(
    ("prefix", "text"),
    [
        ("", "Sista dagen att anmäla sig är 7 mars 2027."),
        ("/en", "The last day to register is 7 March 2027."),
    ],
)
def test_register_page_names_the_last_day_in_the_visitors_language(
    client, conference, prefix, text
):
    response = client.get(f"{prefix}/{conference.slug}/register/")

    assert text in response.content.decode()


def test_register_post_redirects_to_check_email_and_registers(client, conference, workshops):
    response = client.post(
        f"/{conference.slug}/register/", form_data(sessions=[workshops[0].pk, workshops[2].pk])
    )

    assert response.status_code == 302
    assert response["Location"] == f"/{conference.slug}/register/thanks/"
    registration = Registration.objects.get()
    assert registration.signups.count() == 2


def test_register_known_email_gets_the_same_answer_and_nothing_changes(client, conference):
    register(conference, email="anna@example.org")
    first = client.post(f"/{conference.slug}/register/", form_data(email="ANNA@example.org"))

    assert first.status_code == 302
    assert first["Location"] == f"/{conference.slug}/register/thanks/"
    assert Registration.objects.count() == 1
    page = client.get(first["Location"]).content.decode()
    assert "anna@example.org" not in page.lower()


def test_register_overlap_shows_error_and_keeps_input(client, conference, workshops):
    response = client.post(
        f"/en/{conference.slug}/register/",
        form_data(sessions=[workshops[0].pk, workshops[1].pk]),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "run at the same time; choose one of them." in html
    assert f'value="{workshops[0].pk}" id="session-{workshops[0].pk}" checked' in html
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "x" * 10_000}, "name"),
        ({"name": "<script>alert(1)</script>"}, "name"),
        ({"email": "nope"}, "email"),
        ({"consent": ""}, "consent"),
        ({"sector": "martian"}, "sector"),
        ({"sessions": ["999999"]}, "sessions"),
    ],
)
def test_register_bad_input_400_nothing_saved(client, conference, workshops, overrides, field):
    response = client.post(f"/{conference.slug}/register/", form_data(**overrides))

    assert response.status_code == 400
    assert response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Registration.objects.count() == 0


def test_register_in_english_errors_in_english(client, conference):
    response = client.post(f"/en/{conference.slug}/register/", form_data(name=""))

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_register_closed_shows_no_form_and_refuses_post(client):
    conference = ConferenceFactory(registration_closes=local(2026, 1, 1, 0, 0).date())

    get = client.get(f"/en/{conference.slug}/register/")
    post = client.post(f"/en/{conference.slug}/register/", form_data())

    assert "Registration has closed." in get.content.decode()
    assert "<form" not in get.content.decode().split("<main")[1]
    assert post.status_code == 400
    assert Registration.objects.count() == 0


def test_register_full_conference_offers_waiting_list(client, conference):
    for i in range(3):
        register(conference, email=f"s{i}@example.org")

    page = client.get(f"/en/{conference.slug}/register/").content.decode()
    client.post(f"/en/{conference.slug}/register/", form_data())

    assert "The conference is full" in page
    assert Registration.objects.get(email="anna@example.org").status == "waiting"


def test_unpublished_conference_has_no_registration_page(client):
    conference = ConferenceFactory(is_published=False)

    assert client.get(f"/{conference.slug}/register/").status_code == 404


def test_manage_page_shows_registration_and_is_private(client, conference, workshops):
    registration, _ = register(conference, session_ids=[workshops[0].pk])

    response = client.get(f"/r/{registration.manage_token}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("private, no-store")
        or "no-store" in response["Cache-Control"]
    )
    assert "Anna Andersson" in html
    assert 'id="my-workshops"' in html


def test_manage_page_offers_private_agenda_feed_and_badge(client, conference):
    registration, _ = register(conference)

    html = client.get(f"/r/{registration.manage_token}/").content.decode()

    feed = f"/agenda/{registration.calendar_token}.ics"
    assert f'href="webcal://testserver{feed}"' in html
    assert f'href="{feed}"' in html
    assert f'href="/r/{registration.manage_token}/badge.pdf"' in html


def test_manage_unknown_token_is_404(client):
    assert client.get("/r/not-a-real-token/").status_code == 404


def test_manage_swap_workshop(client, conference, workshops):
    first, second, _ = workshops
    registration, _ = register(conference, session_ids=[first.pk])

    response = client.post(f"/r/{registration.manage_token}/workshops/", {"sessions": [second.pk]})

    assert response.status_code == 302
    assert list(
        registration.signups.exclude(status="cancelled").values_list("session_id", flat=True)
    ) == [second.pk]


def test_manage_swap_to_full_refused_keeps_seat(client, conference, workshops):
    first, second, _ = workshops
    registration, _ = register(conference, session_ids=[first.pk])
    register(conference, email="b@example.org", session_ids=[second.pk])
    register(conference, email="c@example.org", session_ids=[second.pk])

    response = client.post(
        f"/en/r/{registration.manage_token}/workshops/", {"sessions": [second.pk]}
    )

    assert response.status_code == 400
    assert "is full" in response.content.decode()
    assert Signup.objects.get(registration=registration).status == "confirmed"


def test_manage_details_change(client, conference):
    registration, _ = register(conference)

    response = client.post(
        f"/r/{registration.manage_token}/details/",
        {"name": "Anna B", "sector": "private", "language": "en", "diets": ["vegan"]},
    )

    registration.refresh_from_db()
    assert response.status_code == 302
    assert (registration.name, registration.sector, registration.diets) == (
        "Anna B",
        "private",
        ["vegan"],
    )


def test_manage_cancel_needs_confirmation(client, conference):
    registration, _ = register(conference)

    refused = client.post(f"/r/{registration.manage_token}/cancel/", {})
    assert refused.status_code == 400
    assert Registration.objects.get().status == "confirmed"

    done = client.post(f"/r/{registration.manage_token}/cancel/", {"confirm": "on"})
    assert done.status_code == 302
    assert Registration.objects.get().status == "cancelled"


def test_manage_export_and_delete(client, conference):
    registration, _ = register(conference)

    export = client.get(f"/r/{registration.manage_token}/data.json")
    deleted = client.post(f"/r/{registration.manage_token}/delete/", {"confirm": "on"})

    assert json.loads(export.content)["email"] == "anna@example.org"
    assert "attachment" in export["Content-Disposition"]
    assert deleted.status_code == 302
    assert Registration.objects.count() == 0
    assert client.get(f"/r/{registration.manage_token}/").status_code == 404


def test_manage_accept_offer(client, conference):
    conference.waitlist_mode = "offer"
    conference.save()
    seated = [register(conference, email=f"s{i}@example.org")[0] for i in range(3)]
    waiting, _ = register(conference, email="w@example.org")
    from registration.services import registration_cancel

    registration_cancel(registration=seated[0])
    page = client.get(f"/en/r/{waiting.manage_token}/").content.decode()
    response = client.post(f"/en/r/{waiting.manage_token}/accept/")

    assert "Accept the seat" in page
    assert response.status_code == 302
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"


def test_participants_lists_only_opted_in_confirmed_name_and_organisation(client, conference):
    RegistrationFactory(conference=conference, name="Listad", public_listing=True)
    RegistrationFactory(conference=conference, name="Hemlig", public_listing=False)
    RegistrationFactory(
        conference=conference, name="Avbokad", public_listing=True, status="cancelled"
    )

    html = client.get(f"/{conference.slug}/participants/").content.decode()

    assert "Listad" in html
    assert "Hemlig" not in html
    assert "Avbokad" not in html
    assert "@example.org" not in html


@pytest.mark.parametrize("url", ["/{slug}/participants/", "/{slug}/register/"])
def test_list_pages_query_count_does_not_grow(client, conference, url):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url.format(slug=conference.slug)).status_code == 200
        return len(ctx)

    from .conftest import workshop

    RegistrationFactory(conference=conference, public_listing=True)
    workshop(conference)
    count()  # warms the caches (the privacy notice's version) that later requests share
    one = count()
    for _ in range(3):
        RegistrationFactory(conference=conference, public_listing=True)
        workshop(conference, start=conference.start + timedelta(hours=5))

    assert count() == one


def test_conference_box_links_register_and_participants(conference):
    with translation.override("en"):
        html = Template('{% include "registration/conference_box.html" %}').render(
            Context({"conference": conference})
        )

    assert reverse("registration:register", args=[conference.slug]) in html
    assert reverse("registration:participants", args=[conference.slug]) in html
    assert "3 seats left" in html
