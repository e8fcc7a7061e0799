"""Every e-mail about a registration says when and where, the workshops held, and the links;
after a swap the calendar attachment cancels the workshop given up."""

import pytest
from django.conf import settings
from django.core import mail
from icalendar import Calendar

from registration.services import signup_swap
from tests.factories import RoomFactory

from .conftest import register


@pytest.mark.django_db
def test_confirmation_in_swedish_states_dates_place_workshops_and_links(conference, workshops):
    room = RoomFactory(conference=conference, name="Aulan")
    workshops[0].room = room
    workshops[0].save(update_fields=["room"])
    registration, _ = register(conference, session_ids=[workshops[0].pk])

    message = mail.outbox[0]
    html = message.alternatives[0][0]

    assert "När: 16 mars 2027 kl. 12.00 – 17 mars 2027 kl. 13.30\n" in message.body
    assert "Var: Malmö universitet, Nordenskiöldsgatan 10, Malmö\n" in message.body
    assert "- Partnerskap, 16 mars 2027 kl. 13.00–14.00, Aulan: Bekräftad\n" in message.body
    assert f"{settings.SITE_URL}/r/{registration.manage_token}/" in message.body
    assert f"{settings.SITE_URL}/r/{registration.manage_token}/badge.pdf" in message.body
    assert "<strong>När:</strong> 16 mars 2027 kl. 12.00 – 17 mars 2027 kl. 13.30" in html
    assert "<strong>Var:</strong> Malmö universitet, Nordenskiöldsgatan 10, Malmö" in html


@pytest.mark.django_db
def test_confirmation_in_english_states_dates_in_english(conference):
    register(conference, language="en")

    assert "When: 16 March 2027, 12:00 – 17 March 2027, 13:30\n" in mail.outbox[0].body


@pytest.mark.django_db
def test_swap_calendar_attachment_cancels_the_workshop_given_up(conference, workshops):
    first, second, _later = workshops
    registration, _ = register(conference, session_ids=[first.pk])
    mail.outbox = []

    signup_swap(registration=registration, from_session=first, to_session=second)

    (message,) = mail.outbox
    name, content, mimetype = message.attachments[0]
    events = {str(e["UID"]): e for e in Calendar.from_ical(content).walk("VEVENT")}
    given_up, taken = events[f"{first.uid}@samla"], events[f"{second.uid}@samla"]
    assert (str(given_up["STATUS"]), int(given_up["SEQUENCE"])) == ("CANCELLED", first.sequence + 1)
    assert str(given_up["SUMMARY"]) == "Partnerskap"
    assert "STATUS" not in taken
    assert int(taken["SEQUENCE"]) == second.sequence
    assert len(events) == 3
