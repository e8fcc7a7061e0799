import pytest
from django.contrib.auth.models import Group

from checkin.services import scan_submit
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_door_login_page_renders_form(client):
    response = client.get("/door/login/")

    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_door_login_then_redirects_to_door_home(client, door_user, entrance):
    response = client.post(
        "/door/login/", {"username": "door", "password": "correct horse battery staple"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/door/"
    assert door_user.groups.filter(name="door staff").exists()
    assert Group.objects.get(name="door staff").user_set.count() == 1


def test_door_home_anonymous_redirects_to_door_login(client):
    response = client.get("/door/")

    assert response.status_code == 302
    assert response["Location"].startswith("/door/login/")


def test_door_home_lists_checkpoints_of_assigned_conference(client, door_user, entrance):
    ConferenceFactory(name="Annan konferens")
    client.force_login(door_user)

    response = client.get("/door/")

    text = response.content.decode()
    assert response.status_code == 200
    assert f"/door/{entrance.pk}/scan/" in text
    assert "Annan konferens" not in text


def test_door_home_user_without_assignment_403(client):
    client.force_login(UserFactory(username="nobody", is_staff=False))

    response = client.get("/door/")

    assert response.status_code == 403


def test_scanner_page_has_config_and_local_decoder(client, door_user, entrance):
    client.force_login(door_user)

    response = client.get(f"/door/{entrance.pk}/scan/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/zxing-wasm/reader.iife.js" in text
    assert "/static/vendor/zxing-wasm/zxing_reader.wasm" in text
    assert "/static/vendor/idb-keyval/umd.js" in text
    assert "jsQR" not in text
    assert "checkin/scanner.js" in text
    assert f"/api/checkin/checkpoints/{entrance.pk}/scans/" in text
    assert "cdn" not in text.lower()


def test_scanner_page_english(client, door_user, entrance):
    client.force_login(door_user)

    response = client.get(f"/en/door/{entrance.pk}/scan/")

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_scanner_page_other_conference_403(client, entrance):
    user = UserFactory(username="other-door", is_staff=False)
    from checkin.services import door_staff_assign

    door_staff_assign(conference=ConferenceFactory(), user=user)
    client.force_login(user)

    response = client.get(f"/door/{entrance.pk}/scan/")

    assert response.status_code == 403


def test_live_counts_for_organiser(client, organiser, entrance, attendee, badge, conference):
    RegistrationFactory(conference=conference, name="Inte Här")
    scan_submit(checkpoint=entrance, scan_id="6f1c2b57-0c1f-4e55-9a44-000000000001", code=badge)
    client.force_login(organiser)

    response = client.get(f"/organiser/{conference.slug}/checkin/?missing={entrance.pk}")

    text = response.content.decode()
    assert response.status_code == 200
    assert "1 / 2" in text
    assert "Inte Här" in text
    # New figures come by script, never by reloading the page under the reader (WCAG 2.2.1).
    assert 'http-equiv="refresh"' not in text
    assert 'id="live" data-refresh="15"' in text
    assert "checkin/live.js" in text


def test_live_counts_door_staff_404(client, door_user, conference):
    client.force_login(door_user)

    response = client.get(f"/organiser/{conference.slug}/checkin/")

    assert response.status_code == 404


def test_scanner_code_field_can_show_a_keyboard_for_typed_codes(client, door_user, entrance):
    import re

    client.force_login(door_user)

    text = client.get(f"/door/{entrance.pk}/scan/").content.decode()

    field = re.search(r'<input id="code"[^>]*>', text).group(0)
    # No keyboard over the camera by default; "Skriv kod" switches the field to a text keyboard
    # with capitals, as the short codes are written.
    assert 'inputmode="none"' in field
    assert 'autocapitalize="characters"' in field
    toggle = re.search(r'<button type="button" id="type-code"[^>]*>([^<]*)</button>', text)
    assert toggle.group(1) == "Skriv kod"
    assert 'aria-controls="code"' in toggle.group(0)
    assert 'data-inputmode="text"' in toggle.group(0)
    assert 'aria-pressed="false"' in toggle.group(0)
