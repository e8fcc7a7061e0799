"""The change log in words: every audit kind written by registration and checkin services
becomes a translated sentence, never a code."""

import pytest
from django.utils import translation

from registration.models import AuditEntry, Registration
from registration.presenters import audit_sentence
from tests.factories import ConferenceFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    conference = ConferenceFactory()
    workshop = SessionFactory(conference=conference, title="Partnerskap", title_en="Partnership")
    person = Registration(conference=conference, name="Anna")
    organiser = UserFactory(first_name="Olga", last_name="Ek")
    return person, organiser, {workshop.pk: workshop}, workshop.pk


def sentence(world, action, *, by="attendee", language="en", **details):
    person, organiser, sessions, _pk = world
    entry = AuditEntry(
        registration=person,
        action=action,
        actor=organiser if by == "organiser" else None,
        actor_label="" if by == "organiser" else by,
        details=details,
    )
    with translation.override(language):
        return audit_sentence(entry, sessions=sessions, registration=person)


def test_every_kind_in_english(world):
    pk = world[3]

    sentences = [
        sentence(world, "registered", status="confirmed", sessions={str(pk): "confirmed"}),
        sentence(world, "registered", by="organiser", status="waiting"),
        sentence(world, "registered_again"),
        sentence(world, "details_changed", fields=["name", "organisation"]),
        sentence(world, "details_corrected", by="organiser", fields=["email", "meals"]),
        sentence(world, "sessions_changed", added={str(pk): "waiting"}, removed=[]),
        sentence(world, "sessions_changed", by="organiser", added={}, removed=[pk]),
        sentence(world, "cancelled"),
        sentence(world, "cancelled", by="organiser"),
        sentence(world, "deleted"),
        sentence(world, "offer_accepted", session=pk),
        sentence(world, "offer_accepted", session=None),
        sentence(world, "offer_expired", by="system"),
        sentence(world, "session_offer_expired", by="system", session=pk),
        sentence(world, "session_confirmed", by="system", session=pk),
        sentence(world, "session_offered", by="system", session=pk),
        sentence(world, "confirmed", by="system"),
        sentence(world, "offered", by="system"),
        sentence(world, "message_sent", by="organiser", subject="Hej", session=None),
        sentence(world, "message_sent", by="organiser", subject="Rum", session=pk),
        sentence(world, "badge.issue", by="organiser"),
        sentence(world, "badge.revoke", by="organiser"),
        sentence(world, "something_new", by="system"),
    ]

    assert sentences == [
        "Anna registered. Workshops: “Partnership”.",
        "Olga Ek registered Anna on the waiting list.",
        "Anna registered again.",
        "Anna changed: name, organisation.",
        "Olga Ek changed: e-mail address, meals.",
        "Anna joined the waiting list for “Partnership”.",
        "Olga Ek cancelled the place in “Partnership” for Anna.",
        "Anna cancelled the registration.",
        "Olga Ek cancelled the registration.",
        "Anna deleted the person's data.",
        "Anna accepted the offered seat in “Partnership”.",
        "Anna accepted the offered seat at the conference.",
        "The seat offer for the conference expired.",
        "The seat offer in “Partnership” expired.",
        "Got a seat in “Partnership” from the waiting list.",
        "Was offered a seat in “Partnership”.",
        "Got a seat at the conference from the waiting list.",
        "Was offered a seat at the conference.",
        "Olga Ek sent the message “Hej” to all confirmed attendees.",
        "Olga Ek sent the message “Rum” to “Partnership”.",
        "Olga Ek issued a new badge code.",
        "Olga Ek revoked the badge code.",
        "Samla: something_new",
    ]


def test_sentences_in_swedish(world):
    pk = world[3]

    sentences = [
        sentence(world, "cancelled", language="sv"),
        sentence(world, "details_corrected", by="organiser", language="sv", fields=["name"]),
        sentence(
            world, "sessions_changed", by="organiser", language="sv", added={str(pk): "confirmed"}
        ),
        sentence(world, "session_confirmed", by="system", language="sv", session=pk),
    ]

    assert sentences == [
        "Anna avbokade anmälan.",
        "Olga Ek ändrade: namn.",
        "Olga Ek anmälde Anna till ”Partnerskap”.",
        "Fick en plats i ”Partnerskap” från väntelistan.",
    ]


def test_a_session_deleted_since_is_named_as_such(world):
    text = sentence(world, "session_confirmed", by="system", session=999999)

    assert text == "Got a seat in a session that no longer exists from the waiting list."
