"""An attendee registers on a 360 px phone, keyboard and taps only, reads the e-mail, follows
the private link, swaps a workshop and cancels."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from conference.models import Session
from registration.models import Registration, Signup
from tests.browser.conftest import PHONE
from tests.factories import ConferenceFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def make_workshop(conference, title, hours, capacity=10):
    start = conference.start + timedelta(hours=hours)
    return SessionFactory(
        conference=conference,
        title=title,
        title_en=title,
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        capacity=capacity,
        start=start,
        end=start + timedelta(hours=1),
    )


def test_attendee_registers_on_phone_swaps_workshop_and_cancels(
    live_server, page_at, screenshot, settings
):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []
    conference = ConferenceFactory(slug="lk27", capacity=30)
    partnership = make_workshop(conference, "Partnerskap", 1)
    finance = make_workshop(conference, "Finansiering", 1)
    measuring = make_workshop(conference, "Mätning", 3, capacity=1)
    SessionFactory(
        conference=conference,
        title="Lunch",
        kind=Session.Kind.MEAL,
        start=conference.start,
        end=conference.start + timedelta(minutes=45),
    )
    page = page_at(PHONE)

    page.goto(f"{live_server.url}/en/lk27/register/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#id_name").fill("Anna Andersson")
    page.locator("#id_email").fill("anna@example.org")
    page.locator("#id_organisation").fill("Exempelkommunen")
    page.get_by_label("Public sector").check()
    page.get_by_label("Vegetarian").check()
    page.locator(f"#session-{partnership.pk}").check()
    page.locator(f"#session-{measuring.pk}").check()
    page.locator(f"#session-{finance.pk}").focus()
    page.keyboard.press("Space")  # the keyboard works too; this choice overlaps Partnerskap
    page.get_by_label(re.compile("privacy notice")).check()
    screenshot(page, "registration-form-phone")
    page.get_by_role("button", name="Register").click()

    assert "run at the same time" in page.locator("[role=alert]").first.inner_text() or (
        "run at the same time" in page.content()
    )
    assert Registration.objects.count() == 0
    page.locator(f"#session-{finance.pk}").uncheck()
    page.get_by_label(re.compile("privacy notice")).check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/register/thanks/$"))
    assert "Check your e-mail" in page.content()

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"https?://\S+/r/[\w-]+/", body).group(0)
    token = link.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"{live_server.url}/en/r/{token}/")
    assert "Partnerskap" in page.locator("#my-workshops").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.locator(f"#session-{partnership.pk}").uncheck()
    page.locator(f"#session-{finance.pk}").check()
    page.get_by_role("button", name="Save workshop choices").click()
    assert "Your workshop choices are saved." in page.content()
    workshops = page.locator("#my-workshops").inner_text()
    assert "Finansiering" in workshops
    assert "Partnerskap" not in workshops
    screenshot(page, "registration-manage-phone")

    page.locator("#cancel-confirm").check()
    page.get_by_role("button", name="Cancel my registration").click()
    assert "Your registration is cancelled." in page.content()
    registration = Registration.objects.get()
    assert registration.status == "cancelled"
    assert set(
        Signup.objects.filter(registration=registration).values_list("status", flat=True)
    ) == {"cancelled"}
    assert [m.subject.split(" ")[0:2] for m in mail.outbox][-1] == ["Your", "registration"]
