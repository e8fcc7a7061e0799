"""Who runs this Samla: the privacy notice, the accessibility statement, reporting a barrier."""

import pytest
from django.core import mail
from django.core.cache import cache

from conference.models import SiteProfile
from conference.selectors import privacy_version_current, site_profile_get
from conference.services import site_profile_save
from registration.models import Registration
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile():
    return site_profile_save(
        profile=SiteProfile(
            organisation="Region Skåne",
            contact_email="samla@skane.example.org",
            postal_address="Box 1, 291 89 Kristianstad",
        )
    )


def test_privacy_notice_in_swedish_names_the_controller_and_imy(client, profile):
    html = client.get("/integritet/").content.decode()

    assert "Så behandlar vi dina personuppgifter" in html
    assert "Region Skåne" in html
    assert "Box 1, 291 89 Kristianstad" in html
    assert "Integritetsskyddsmyndigheten" in html
    assert "Version 1" in html


def test_privacy_notice_in_english_has_its_own_address(client, profile):
    response = client.get("/en/privacy/")

    assert response.status_code == 200
    assert "How we handle your personal data" in response.content.decode()


def test_accessibility_statement_links_digg_and_the_report_form(client, profile):
    sv = client.get("/tillganglighet/").content.decode()
    en = client.get("/en/accessibility/").content.decode()

    assert "https://www.digg.se/tdosanmalan" in sv
    assert 'href="/tillganglighet/rapportera/"' in sv
    assert "delvis förenlig" in sv
    assert 'href="/en/accessibility/report/"' in en
    assert "partially compliant" in en


def test_every_page_links_both_from_its_footer(client, profile):
    conference = ConferenceFactory(is_published=True)

    html = client.get(f"/{conference.slug}/").content.decode()

    assert 'href="/integritet/"' in html
    assert 'href="/tillganglighet/"' in html


def test_changing_the_notice_starts_a_new_version(profile):
    profile.retention = "Vi sparar uppgifterna i tio år, som EU-projektets regler kräver."

    site_profile_save(profile=profile)

    assert SiteProfile.objects.get().privacy_version == 2
    assert privacy_version_current() == 2


def test_changing_other_fields_keeps_the_version(profile):
    profile.known_barriers = "Kartan saknar textalternativ."

    site_profile_save(profile=profile)

    assert SiteProfile.objects.get().privacy_version == 1


def test_without_a_saved_profile_the_defaults_show(client):
    response = client.get("/integritet/")

    assert response.status_code == 200
    assert site_profile_get().pk == 1
    assert SiteProfile.objects.count() == 0


def test_barrier_report_reaches_the_contact_address(client, profile):
    response = client.post(
        "/tillganglighet/rapportera/",
        {"description": "Knappen syns inte i mörkt läge.", "where": "/anmalan/", "email": ""},
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["samla@skane.example.org"]
    assert "Knappen syns inte i mörkt läge." in mail.outbox[0].body


def test_barrier_report_replies_to_the_reporter(client, profile):
    client.post(
        "/en/accessibility/report/",
        {"description": "Low contrast.", "email": "anna@example.org"},
    )

    assert mail.outbox[0].reply_to == ["anna@example.org"]


@pytest.mark.parametrize(
    "data",
    [
        {"description": ""},
        {"description": "x" * 3001},
        {"description": "Fel", "email": "inte-en-adress"},
    ],
    ids=["empty", "too long", "bad address"],
)
def test_barrier_report_refuses_bad_input_and_sends_nothing(client, profile, data):
    response = client.post("/tillganglighet/rapportera/", data)

    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert mail.outbox == []


def test_barrier_reports_are_rate_limited_per_client(client, profile):
    for _ in range(5):
        client.post("/tillganglighet/rapportera/", {"description": "Fel"})

    response = client.post("/tillganglighet/rapportera/", {"description": "Fel"})

    assert len(mail.outbox) == 5
    assert "För många rapporter" in response.content.decode()
    cache.clear()


def test_registration_stores_the_version_of_the_notice_accepted(client, profile):
    conference = ConferenceFactory(is_published=True)
    profile.privacy_extra = "Vi använder en e-posttjänst inom EU."
    site_profile_save(profile=profile)

    page = client.get(f"/{conference.slug}/register/").content.decode()
    client.post(
        f"/{conference.slug}/register/",
        {
            "name": "Anna Berg",
            "email": "anna@example.org",
            "sector": "public",
            "language": "sv",
            "consent": "on",
            "waitlist_ok": "on",
            "privacy_version": "2",
        },
    )

    assert "integritetspolicyn (version 2)" in page
    assert Registration.objects.get().privacy_version == 2


def test_registration_with_an_outdated_notice_is_refused(client, profile):
    conference = ConferenceFactory(is_published=True)

    response = client.post(
        f"/{conference.slug}/register/",
        {
            "name": "Anna Berg",
            "email": "anna@example.org",
            "sector": "public",
            "language": "sv",
            "consent": "on",
            "waitlist_ok": "on",
            "privacy_version": "7",
        },
    )

    assert "Integritetspolicyn har ändrats" in response.content.decode()
    assert Registration.objects.count() == 0


def test_conference_page_names_the_city_once(client):
    conference = ConferenceFactory(
        is_published=True,
        venue_name="Kristianstad Teater",
        venue_address="Västra Storgatan 23",
        city="Kristianstad",
    )

    html = client.get(f"/{conference.slug}/").content.decode()

    assert "Kristianstad Teater, Västra Storgatan 23, Kristianstad" in html


def test_every_page_has_a_favicon(client):
    html = client.get("/").content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
