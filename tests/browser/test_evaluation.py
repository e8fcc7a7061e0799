"""An attendee opens the evaluation link from the thank-you e-mail on a phone, answers in
Swedish with the keyboard, and sees the answer saved; the organiser sees the result chart.
axe-core finds nothing on either page, in Swedish and in English."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone

from impact.models import EmailRule, EvaluationResponse
from impact.rules import rule_run, rules_create_defaults
from impact.services import presence_mark
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}


def axe(page):
    return Axe().run(page, options=AXE_OPTIONS).response["violations"]


def test_attendee_answers_on_a_phone_and_organiser_sees_the_chart(
    live_server, page_at, page_as, screenshot, settings
):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    now = timezone.now()
    conference = ConferenceFactory(
        slug="lk", start=now - timedelta(days=2), end=now - timedelta(days=1)
    )
    anna = RegistrationFactory(conference=conference, name="Anna Andersson")
    organiser = UserFactory(first_name="Olga")
    conference.organisers.add(organiser)
    presence_mark(registration=anna, actor=organiser, day=timezone.localdate(conference.start))
    rules_create_defaults(conference=conference)
    mail.outbox = []
    rule_run(rule=EmailRule.objects.get(conference=conference, preset="thanks"))
    (message,) = mail.outbox
    link = re.search(r"(http\S+/evaluation/)", message.body).group(1)
    phone = page_at(PHONE)

    phone.goto(link.replace(settings.SITE_URL, live_server.url))
    assert axe(phone) == []
    value = phone.get_by_role("group", name="Hur värdefull var konferensen för dig, sammantaget?")
    value.get_by_label("4").focus()
    phone.keyboard.press("Space")
    phone.get_by_role("group", name=re.compile("Jag lärde mig något")).get_by_label("Ja").check()
    phone.get_by_label("Hur många nya kontakter fick du?").fill("3")
    phone.get_by_role("group", name=re.compile("Jag planerar att samarbeta")).get_by_label(
        "Ja"
    ).check()
    phone.get_by_label("Vad borde vara annorlunda nästa gång?").fill("Längre pauser")
    phone.get_by_role("button", name="Skicka mitt svar").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_selector("#evaluation-state")
    screenshot(phone, "evaluation-answered-sv-phone")

    assert "Tack! Ditt svar är sparat." in phone.locator(".messages").inner_text()
    assert phone.get_by_label("Hur många nya kontakter fick du?").input_value() == "3"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    answer = EvaluationResponse.objects.get()
    assert (answer.registration, answer.value, answer.different) == (anna, 4, "Längre pauser")
    assert axe(phone) == []
    phone.goto(f"{live_server.url}/en/r/{anna.manage_token}/evaluation/")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert axe(phone) == []

    desk = page_as(organiser, DESKTOP)
    desk.goto(f"{live_server.url}/organiser/lk/evaluation/")
    chart = desk.locator("svg#chart-0")
    screenshot(desk, "evaluation-results-sv-desktop")

    assert chart.is_visible()
    # The chart is described by the table beside it: one row per answer, with its count.
    assert chart.get_attribute("aria-describedby") == "table-0"
    rows = desk.locator("#table-0 tbody tr")
    assert [rows.nth(i).inner_text().split() for i in range(rows.count())] == [
        ["1", "0"],
        ["2", "0"],
        ["3", "0"],
        ["4", "1"],
        ["5", "0"],
    ]
    assert desk.locator("#response-rate").inner_text() == "100,0 %"
    assert axe(desk) == []
    desk.goto(f"{live_server.url}/en/organiser/lk/evaluation/")
    assert desk.locator("#response-rate").inner_text() == "100.0 %"
    assert axe(desk) == []
    organiser_phone = page_as(organiser, PHONE)
    organiser_phone.goto(f"{live_server.url}/organiser/lk/evaluation/")
    assert organiser_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
