"""The programme editor in a real browser: add a session with Enter on an empty slot, see a room
clash before anything is saved, move one session by drag and drop and another with the keyboard
"Move to" control; axe-core finds nothing on the editor in Swedish at 360 px and at desktop."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from conference.models import Session
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, UserFactory, local

pytestmark = pytest.mark.django_db(transaction=True)

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}


def slot(page, start, room):
    return page.locator(f'td.empty[data-start="{start}"][data-room="{room.pk}"]')


def test_programme_editor_by_keyboard_and_drag_and_drop(live_server, page_as, screenshot):
    conference = ConferenceFactory(slug="lk", name="Lärkonferens 2027", is_published=False)
    organiser = UserFactory(is_staff=False)
    conference.organisers.add(organiser)
    aula = RoomFactory(conference=conference, name="Aulan", position=0)
    hall = RoomFactory(conference=conference, name="Sal B", position=1)
    SessionFactory(
        conference=conference,
        title="Öppning",
        kind=Session.Kind.PLENARY,
        room=aula,
        start=local(2027, 3, 16, 13),
        end=local(2027, 3, 16, 14),
    )
    dragged = SessionFactory(
        conference=conference,
        title="Seminarium A",
        room=hall,
        start=local(2027, 3, 16, 14),
        end=local(2027, 3, 16, 15),
    )
    keyed = SessionFactory(
        conference=conference,
        title="Seminarium B",
        room=aula,
        start=local(2027, 3, 16, 15),
        end=local(2027, 3, 16, 16),
    )
    page = page_as(organiser, DESKTOP)
    editor = f"{live_server.url}/organiser/lk/programme/"
    page.goto(editor)

    # Add: Enter on the empty slot 16:00 in Sal B opens the form with start and room filled in.
    slot(page, "2027-03-16T16:00", hall).locator("a").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#session-dialog")
    dialog.locator("#id_title").wait_for()
    assert dialog.locator("#id_start").input_value() == "2027-03-16T16:00"
    assert dialog.locator("#id_room").input_value() == str(hall.pk)
    page.keyboard.type("Workshop om samskapande")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Spara").press("Enter")
    added = Session.objects.get(title="Workshop om samskapande")
    assert (added.start, added.room_id) == (local(2027, 3, 16, 16), hall.pk)

    # A room clash shows in the dialog before anything is saved.
    slot(page, "2027-03-16T12:00", aula).locator("a").focus()
    page.keyboard.press("Enter")
    dialog.locator("#id_title").wait_for()
    dialog.locator("#id_title").fill("Krockande seminarium")
    dialog.locator("#id_duration").fill("90")
    dialog.get_by_role("button", name="Spara").click()
    result = dialog.locator(".check-result")
    result.get_by_text("Aulan är redan bokad", exact=False).wait_for()
    screenshot(page, "programme-editor-clash")
    assert Session.objects.filter(title="Krockande seminarium").count() == 0
    dialog.get_by_role("button", name="Stäng").click()

    # Drag and drop: Seminarium A onto Aulan at 16:00.
    with page.expect_navigation():
        page.locator(f"#session-{dragged.pk}").drag_to(slot(page, "2027-03-16T16:00", aula))
    dragged.refresh_from_db()
    assert (dragged.start, dragged.end, dragged.room_id) == (
        local(2027, 3, 16, 16),
        local(2027, 3, 16, 17),
        aula.pk,
    )

    # Keyboard: Seminarium B to Sal B the next morning through its "Move to" control.
    card = page.locator(f"#session-{keyed.pk}")
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    card.locator("input[name=start]").fill("2027-03-17T09:00")
    card.locator("select[name=room]").select_option(str(hall.pk))
    with page.expect_navigation():
        card.get_by_role("button", name="Flytta").press("Enter")
    keyed.refresh_from_db()
    assert (keyed.start, keyed.room_id) == (local(2027, 3, 17, 9), hall.pk)

    # axe-core: the editor in Swedish on a desktop and on a 360 px phone.
    axe = Axe()
    found = axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in found] == []
    phone = page_as(organiser, PHONE)
    phone.goto(editor)
    screenshot(phone, "programme-editor-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    found = axe.run(phone, options=AXE_OPTIONS).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in found] == []
