"""An organiser writes a message on a phone, in Swedish, with the keyboard: sees the e-mail a
real recipient gets and how many get it, sends it, and finds it in the history. The preview
passes axe-core; sending twice (a double press, or Back and send again) sends once."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from registration.models import EmailLog, MessageSend
from tests.browser.conftest import PHONE
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}


def test_message_preview_count_send_once_and_history(live_server, page_as, screenshot, settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    conference = ConferenceFactory(slug="lk", name="Lärkonferens 2027")
    for name in ("Alva Ek", "Bo Berg"):
        RegistrationFactory(conference=conference, name=name)
    organiser = UserFactory(first_name="Olga", last_name="Organisatör")
    conference.organisers.add(organiser)
    phone = page_as(organiser, PHONE)
    mail.outbox = []

    phone.goto(f"{live_server.url}/organiser/lk/messages/")
    phone.get_by_label("Ämne").fill("Välkomna")
    phone.get_by_label("Meddelande").fill("Vi ses i aulan klockan tolv.")
    phone.get_by_role("button", name="Förhandsgranska").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_selector("#preview")
    screenshot(phone, "organiser-message-preview-sv-phone")
    violations = Axe().run(phone, options=AXE_OPTIONS).response["violations"]

    assert violations == []
    assert phone.locator("#recipient-count").inner_text() == "Det går till 2 bekräftade deltagare."
    assert "Vi ses i aulan klockan tolv." in phone.locator("#preview").inner_text()
    assert mail.outbox == []

    send = phone.get_by_role("button", name="Skicka till 2 personer")
    send.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_selector("#recipients")
    phone.go_back()
    phone.get_by_role("button", name="Skicka till 2 personer").click()
    phone.wait_for_selector("#recipients")

    assert MessageSend.objects.count() == 1
    assert EmailLog.objects.filter(kind="message").count() == 2
    assert sorted(m.subject for m in mail.outbox) == ["Välkomna", "Välkomna"]
    phone.goto(f"{live_server.url}/organiser/lk/messages/")
    assert phone.locator("#history tbody tr").count() == 1
