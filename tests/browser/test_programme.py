"""A person opens the public programme on a phone and on a desktop, in Swedish and English."""

from datetime import timedelta

import pytest

from conference.models import Session
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, SpeakerFactory, local

pytestmark = pytest.mark.django_db(transaction=True)


def build_demo_programme():
    conference = ConferenceFactory(
        slug="lk", name="Lärkonferens 2027", name_en="Learning Conference 2027"
    )
    aula = RoomFactory(conference=conference, name="Aulan", name_en="Main hall", position=0)
    rooms = [
        RoomFactory(conference=conference, name=f"Sal {c}", position=i + 1)
        for i, c in enumerate("ABC")
    ]
    SessionFactory(
        conference=conference,
        title="Lunch",
        title_en="Lunch",
        kind=Session.Kind.MEAL,
        start=local(2027, 3, 16, 12),
        end=local(2027, 3, 16, 13),
    )
    opening = SessionFactory(
        conference=conference,
        title="Välkomna till Malmö",
        title_en="Welcome to Malmö",
        kind=Session.Kind.PLENARY,
        room=aula,
        start=local(2027, 3, 16, 13),
        end=local(2027, 3, 16, 13, 45),
    )
    opening.speakers.add(SpeakerFactory(conference=conference, name="Åsa Öberg"))
    for i, room in enumerate(rooms):
        SessionFactory(
            conference=conference,
            title=f"Seminarium om samverkan {i + 1}",
            title_en=f"Seminar on partnership {i + 1}",
            room=room,
            start=local(2027, 3, 16, 14),
            end=local(2027, 3, 16, 15),
        )
    SessionFactory(
        conference=conference,
        title="Avslutning",
        title_en="Closing",
        kind=Session.Kind.PLENARY,
        room=aula,
        start=local(2027, 3, 17, 12),
        end=local(2027, 3, 17, 12) + timedelta(hours=1),
    )
    return conference


def test_programme_on_phone_and_desktop_in_both_languages(live_server, page_at, screenshot):
    build_demo_programme()

    phone = page_at(PHONE)
    phone.goto(f"{live_server.url}/lk/")
    screenshot(phone, "programme-sv-phone")
    phone_width = phone.evaluate("document.documentElement.scrollWidth")
    phone_room_heading_shown = phone.locator(".room-heading").first.is_visible()
    phone_where = phone.locator(".slot", has_text="Seminarium om samverkan 1").locator(".where")

    assert phone.locator("h1").inner_text() == "Lärkonferens 2027"
    assert phone_width <= PHONE["width"]
    assert phone_room_heading_shown is False
    assert phone_where.inner_text().strip() == "· Sal A"
    assert phone.get_by_text("tisdag 16 mars").is_visible()
    assert phone.get_by_text("14.00–15.00").first.is_visible()

    desktop = page_at(DESKTOP)
    desktop.goto(f"{live_server.url}/en/lk/")
    screenshot(desktop, "programme-en-desktop")
    headings = desktop.locator(".day").first.locator(".room-heading").all_inner_texts()
    seminar_boxes = [
        desktop.locator(".slot", has_text=f"Seminar on partnership {i}").bounding_box()
        for i in (1, 2, 3)
    ]

    assert desktop.locator("h1").inner_text() == "Learning Conference 2027"
    assert headings == ["Main hall", "Sal A", "Sal B", "Sal C"]
    # Parallel sessions stand side by side in one row of the timetable.
    assert len({round(box["y"]) for box in seminar_boxes}) == 1
    assert seminar_boxes[0]["x"] < seminar_boxes[1]["x"] < seminar_boxes[2]["x"]
    assert desktop.get_by_text("Tuesday 16 March").is_visible()
    assert desktop.get_by_text("14:00–15:00").first.is_visible()

    # Keyboard only: the language switch is reachable and leads to the Swedish page.
    desktop.keyboard.press("Tab")
    desktop.keyboard.press("Tab")
    desktop.keyboard.press("Tab")
    focused = desktop.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Svenska"
    desktop.keyboard.press("Enter")
    desktop.wait_for_url(f"{live_server.url}/lk/")
    screenshot(desktop, "programme-sv-desktop")
    assert desktop.locator("h1").inner_text() == "Lärkonferens 2027"

    phone_en = page_at(PHONE)
    phone_en.goto(f"{live_server.url}/en/lk/")
    screenshot(phone_en, "programme-en-phone")
    phone_en.get_by_role("link", name="Welcome to Malmö").click()
    phone_en.wait_for_url("**/en/lk/sessions/**")
    screenshot(phone_en, "session-en-phone")
    assert phone_en.locator("h1").inner_text() == "Welcome to Malmö"
    assert phone_en.get_by_text("Åsa Öberg").is_visible()
