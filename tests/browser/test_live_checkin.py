"""The organiser's live check-in page brings new figures by itself, but never moves the page
under a keyboard user and stops when asked (WCAG 2.2.1: no reload every 15 seconds)."""

import uuid

import pytest
from playwright.sync_api import expect

from checkin.models import Checkpoint
from checkin.services import badge_code_for, checkpoints_ensure, scan_submit
from tests.browser.conftest import PHONE
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_live_page_updates_itself_but_not_under_the_keyboard_and_can_be_paused(
    live_server, page_as, screenshot
):
    conference = ConferenceFactory(slug="lk")
    checkpoints_ensure(conference=conference)
    entrance = Checkpoint.objects.filter(conference=conference, kind="entrance").first()
    badges = [badge_code_for(RegistrationFactory(conference=conference)).code for _ in range(3)]
    organiser = UserFactory(is_staff=True)
    conference.organisers.add(organiser)
    page = page_as(organiser, PHONE)
    page.clock.install()
    page.goto(f"{live_server.url}/en/organiser/lk/checkin/")
    figures = page.locator("#live .big").first

    def arrive(code):
        scan_submit(checkpoint=entrance, scan_id=str(uuid.uuid4()), code=code)

    def fifteen_seconds_pass():
        page.clock.run_for("00:16")
        page.wait_for_timeout(300)  # the fetch itself runs on the real clock

    expect(figures).to_have_text("0 / 3")
    arrive(badges[0])
    fifteen_seconds_pass()
    expect(figures).to_have_text("1 / 3")
    assert page.url.endswith("/en/organiser/lk/checkin/")  # no reload

    # A keyboard user inside the figures: nothing is swapped under them.
    link = page.locator("#live a", has_text="Who has not arrived?").first
    link.focus()
    arrive(badges[1])
    fifteen_seconds_pass()
    expect(figures).to_have_text("1 / 3")
    assert page.evaluate("document.activeElement.textContent") == "Who has not arrived?"

    # Paused with the keyboard: still nothing; resumed: the news arrive.
    pause = page.get_by_role("button", name="Pause updates")
    pause.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Resume updates")).to_have_attribute(
        "aria-pressed", "true"
    )
    fifteen_seconds_pass()
    expect(figures).to_have_text("1 / 3")
    page.keyboard.press("Enter")
    fifteen_seconds_pass()
    expect(figures).to_have_text("2 / 3")
    screenshot(page, "live-checkin-en-phone")
