"""A cancelled registration is "Avbokad" in Swedish (attendee page, organiser pages, door
verdicts, e-mails); "Inställt" is only for a session the organiser cancels."""

import pytest
from django.core import mail
from django.utils import translation

from checkin.models import Verdict
from checkin.presenters import verdict_title
from conference.models import Session
from registration.models import Registration
from registration.services import registration_cancel

from .conftest import register

pytestmark = pytest.mark.django_db


def test_swedish_labels_split_registration_from_session():
    with translation.override("sv"):
        labels = (
            str(Registration.Status.CANCELLED.label),
            str(Verdict.CANCELLED.label),
            verdict_title(Verdict.CANCELLED),
            str(Session.Status.CANCELLED.label),
        )

    assert labels == ("Avbokad", "Avbokad", "Avbokad", "Inställt")


def test_attendee_page_and_email_say_avbokad(client, conference):
    conference.name = "Lärkonferens 0"
    conference.save(update_fields=["name"])
    person, _ = register(conference, language="sv")
    registration_cancel(registration=person)

    page = client.get(f"/r/{person.manage_token}/").content.decode()

    assert '<dd id="status" class="status-cancelled">Avbokad' in page
    assert "Din anmälan till Lärkonferens 0 är avbokad." in mail.outbox[-1].body
