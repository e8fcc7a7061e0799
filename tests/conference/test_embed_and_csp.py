"""The content security policy on every page; the embeddable programme and registration button."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from conference import services
from conference.errors import ProgrammeError
from conference.middleware import CONTENT_SECURITY_POLICY
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, TrackFactory, local

pytestmark = pytest.mark.django_db

DENY_POLICY = f"{CONTENT_SECURITY_POLICY}; frame-ancestors 'none'"


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def conference():
    conference = ConferenceFactory(
        slug="lk",
        embed_origins="https://www.example.org\nhttp://127.0.0.2:8123",
        registration_closes=(timezone.now() + timedelta(days=30)).date(),
        start=timezone.now() + timedelta(days=40),
        end=timezone.now() + timedelta(days=41),
    )
    return conference


def test_conference_page_sends_deny_and_frame_ancestors_none(client, conference):
    response = client.get(reverse("conference:detail", args=["lk"]))

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == DENY_POLICY


@pytest.mark.parametrize("path", ["/", "/organiser/login/", "/integritet/", "/en/privacy/"])
def test_other_pages_send_deny(client, path):
    response = client.get(path)

    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == DENY_POLICY


@pytest.mark.parametrize("path", ["/door/login/", "/en/door/login/"])
def test_door_pages_may_compile_the_qr_decoder_and_nothing_more(client, path):
    response = client.get(path)

    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy
    assert policy == DENY_POLICY.replace(
        "script-src 'self';", "script-src 'self' 'wasm-unsafe-eval';"
    )


def test_policy_forbids_inline_script_and_style():
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "style-src 'self';" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("name", ["conference:embed-programme", "registration:embed-register"])
def test_embed_pages_allow_exactly_the_listed_origins(client, conference, name):
    response = client.get(reverse(name, args=["lk"]))

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert response["Content-Security-Policy"] == (
        f"{CONTENT_SECURITY_POLICY}; frame-ancestors 'self' https://www.example.org "
        "http://127.0.0.2:8123"
    )
    assert response.cookies == {}


def test_embed_without_origins_is_framed_by_samla_only(client):
    ConferenceFactory(slug="solo")

    response = client.get(reverse("conference:embed-programme", args=["solo"]))

    assert response["Content-Security-Policy"].endswith("; frame-ancestors 'self'")


def test_embed_of_unpublished_conference_is_404(client):
    ConferenceFactory(slug="hidden", is_published=False, embed_origins="https://www.example.org")

    response = client.get(reverse("conference:embed-programme", args=["hidden"]))

    assert response.status_code == 404


def test_embed_programme_filters_by_day_and_theme(client, conference):
    theme = TrackFactory(conference=conference, name="Partnerskap")
    first_day = conference.start
    SessionFactory(conference=conference, title="Dag ett tema", track=theme, start=first_day)
    SessionFactory(conference=conference, title="Dag ett annat", start=first_day)
    SessionFactory(
        conference=conference,
        title="Dag två tema",
        track=theme,
        start=first_day + timedelta(days=1),
    )
    day = timezone.localtime(first_day).date().isoformat()

    response = client.get(
        reverse("conference:embed-programme", args=["lk"]), {"day": day, "theme": theme.pk}
    )

    html = response.content.decode()
    assert html.count('class="slot ') == 1
    assert "Dag ett tema" in html
    assert 'target="_blank" rel="noopener"' in html


def test_embed_programme_ignores_bad_filters(client, conference):
    SessionFactory(conference=conference, title="Ett")
    SessionFactory(conference=conference, title="Två")

    response = client.get(
        reverse("conference:embed-programme", args=["lk"]), {"day": "igår", "theme": "x"}
    )

    assert response.status_code == 200
    assert response.content.decode().count('class="slot ') == 2


def test_embed_register_shows_seats_left_in_english(client, conference):
    with translation.override("en"):
        url = reverse("registration:embed-register", args=["lk"])

    response = client.get(url)

    html = response.content.decode()
    assert url.startswith("/en/")
    assert "100 seats left." in html
    assert 'target="_blank" rel="noopener"' in html


@pytest.mark.parametrize("sessions", [1, 4])
def test_embed_programme_query_count_does_not_grow(client, conference, sessions):
    for _ in range(sessions):
        SessionFactory(
            conference=conference,
            room=RoomFactory(conference=conference),
            track=TrackFactory(conference=conference),
        )
    url = reverse("conference:embed-programme", args=["lk"])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert len(queries) == 6


def test_timetable_has_no_style_attributes(client, conference):
    room_a, room_b = RoomFactory(conference=conference), RoomFactory(conference=conference)
    theme = TrackFactory(conference=conference, colour="#aa3300")
    SessionFactory(conference=conference, room=room_a, track=theme)
    SessionFactory(conference=conference, room=room_b)

    page = client.get(reverse("conference:detail", args=["lk"])).content.decode()
    css = client.get(reverse("conference:themes-css", args=["lk"]))

    assert "style=" not in page
    assert "<style" not in page
    assert f"track-{theme.pk}" in page
    assert "rooms-2" in page
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert css.content.decode() == f".track-{theme.pk} {{ --track: #aa3300; }}\n"


def test_embed_origins_refuse_paths_and_wildcards(conference):
    with pytest.raises(ProgrammeError) as refused:
        services.conference_update(conference=conference, embed_origins="https://*.example.org")

    conference.refresh_from_db()
    assert refused.value.code == "bad_origin"
    assert refused.value.field == "embed_origins"
    assert conference.embed_origins == "https://www.example.org\nhttp://127.0.0.2:8123"


def test_embed_origins_saved(conference):
    services.conference_update(conference=conference, embed_origins=" https://a.example.net \n")

    conference.refresh_from_db()
    assert conference.embed_origin_list == ["https://a.example.net"]


def test_room_sheet_has_no_inline_style(client, django_user_model):
    conference = ConferenceFactory(
        slug="rs", start=local(2027, 3, 16, 9), end=local(2027, 3, 16, 17)
    )
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room)
    from conference.exporters.today import RoomTodaySheet
    from conference.selectors import programme_get

    with timezone.override(conference.time_zone):
        html = RoomTodaySheet(room=room, day=local(2027, 3, 16, 9).date()).render(
            programme_get(conference=conference)
        )

    assert b"<style" not in html
    assert b"conference/room_today.css" in html
