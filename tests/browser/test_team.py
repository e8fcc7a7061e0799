"""An organiser invites a door volunteer on a phone; the volunteer opens the link in the e-mail,
sets a password and reaches the door scanner of that conference. Both pages pass axe-core."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from checkin.services import checkpoints_ensure
from tests.browser.conftest import PHONE
from tests.factories import ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}


def assert_accessible(page):
    found = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in found] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_organiser_invites_a_door_volunteer_who_sets_a_password_and_reaches_the_scanner(
    live_server, page_as, page_at, screenshot
):
    conference = ConferenceFactory(
        slug="lk", name="Lärkonferens 2027", name_en="Learning Conference 2027"
    )
    ConferenceFactory(slug="annan", name="En annan konferens")
    checkpoints_ensure(conference=conference)
    organiser = UserFactory(username="anna", first_name="Anna")
    conference.organisers.add(organiser)
    workspace = page_as(organiser, PHONE)

    workspace.goto(f"{live_server.url}/organiser/lk/team/")
    assert_accessible(workspace)
    workspace.get_by_label("E-post").fill("vera@example.org")
    workspace.get_by_label("Namn").fill("Vera Volontär")
    workspace.get_by_role("radio", name="Dörrvolontär").check()
    workspace.get_by_role("radio", name="Svenska").check()
    workspace.get_by_role("button", name="Skicka inbjudan").click()
    workspace.wait_for_url("**/organiser/lk/team/")
    screenshot(workspace, "team-invited-sv-phone")
    assert (
        workspace.get_by_role("status").inner_text()
        == "vera@example.org har bjudits in via e-post."
    )
    assert "Vera Volontär" in workspace.locator("#team").inner_text()

    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    phone = page_at(PHONE)
    phone.goto(f"{live_server.url}{path}")
    phone.wait_for_url("**/set-password/")
    assert phone.locator("h1").inner_text() == "Välj ditt lösenord"
    assert_accessible(phone)
    phone.get_by_label("Nytt lösenord:", exact=True).fill("dörren är öppen 2027")
    phone.get_by_label("Bekräfta nytt lösenord").fill("dörren är öppen 2027")
    phone.get_by_role("button", name="Spara lösenordet och logga in").click()

    phone.wait_for_url(f"{live_server.url}/door/")
    assert phone.locator("h2").all_inner_texts() == ["Lärkonferens 2027"]
    phone.get_by_role("link", name=re.compile("Entré")).first.click()
    phone.wait_for_url("**/door/*/scan/")
    screenshot(phone, "team-volunteer-scanner-sv-phone")
    assert phone.locator("h1").inner_text().startswith("Entré")

    # The organiser prints a log-in for Vera; a second phone opens its address and is in.
    workspace.get_by_role("link", name="Vera Volontär").click()
    workspace.get_by_role("button", name="Skapa en utskrivbar inloggning").click()
    workspace.wait_for_url("**/codes/*/")
    assert_accessible(workspace)
    screenshot(workspace, "team-printed-log-in-sv-phone")
    assert workspace.get_by_role("img", name="Inloggningskod för Vera Volontär").is_visible()
    address = workspace.locator(".team-link-url a").inner_text()
    second = page_at(PHONE)
    second.goto(address)
    second.wait_for_url(f"{live_server.url}/door/")
    assert second.locator("h2").all_inner_texts() == ["Lärkonferens 2027"]
    assert second.goto(f"{live_server.url}/organiser/").status == 404
