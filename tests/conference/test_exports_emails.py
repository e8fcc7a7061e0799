"""Attendees hear about it when the organisers move or cancel a session they have a place in."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from conference.errors import ProgrammeError
from conference.models import Session
from conference.services import session_cancel, session_save
from registration.models import EmailLog, Registration, Signup
from tests.factories import (
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SignupFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(conference):
    return SessionFactory(
        conference=conference,
        title="Mät effekterna",
        title_en="Measure the effects",
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        capacity=10,
        start=local(2027, 3, 16, 14, 0),
        end=local(2027, 3, 16, 15, 0),
    )


def place(workshop, **kwargs):
    registration = RegistrationFactory(conference=workshop.conference, **kwargs)
    SignupFactory(registration=registration, session=workshop)
    return registration


def test_moving_a_session_emails_those_with_a_place_in_their_language(
    conference, workshop, django_capture_on_commit_callbacks
):
    swede = place(workshop, email="sven@example.org", language="sv")
    english = place(workshop, email="emma@example.org", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        workshop.start += timedelta(hours=2)
        workshop.end += timedelta(hours=2)
        session_save(session=workshop)

    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == sorted([swede.email, english.email])
    swedish_mail = by_address[swede.email]
    english_mail = by_address[english.email]
    assert "Mät effekterna" in swedish_mail.subject
    assert "16.00" in swedish_mail.body
    assert "14.00" in swedish_mail.body
    assert english_mail.subject == "Changed: “Measure the effects” at Learning conference"
    assert "The session “Measure the effects”, which you have a place in, has changed." in (
        english_mail.body
    )
    assert f"/agenda/{english.calendar_token}.ics" in english_mail.body
    # Organisers see these as programme changes in the e-mail log, not as their own messages.
    assert set(EmailLog.objects.values_list("kind", "status")) == {("programme_change", "sent")}


def test_cancelling_a_session_says_so(conference, workshop, django_capture_on_commit_callbacks):
    person = place(workshop, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=workshop)

    (message,) = mail.outbox
    assert message.to == [person.email]
    assert message.subject == "Cancelled: “Measure the effects” at Learning conference"
    assert "has been cancelled" in message.body


def test_moving_to_another_room_names_both_rooms(
    conference, workshop, django_capture_on_commit_callbacks
):
    before = RoomFactory(conference=conference, name="Sal A")
    after = RoomFactory(conference=conference, name="Sal B")
    workshop.room = before
    workshop.save()
    place(workshop, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        workshop.room = after
        session_save(session=workshop)

    (message,) = mail.outbox
    assert "Sal A" in message.body
    assert "Sal B" in message.body


def test_only_confirmed_places_of_confirmed_registrations_are_emailed(
    conference, workshop, django_capture_on_commit_callbacks
):
    confirmed = place(workshop)
    waiting = RegistrationFactory(conference=conference)
    SignupFactory(
        registration=waiting,
        session=workshop,
        status=Signup.Status.WAITING,
        waiting_since=timezone.now(),
    )
    gone = place(workshop)
    Registration.objects.filter(pk=gone.pk).update(status=Registration.Status.CANCELLED)
    place(SessionFactory(conference=conference, title="Annan workshop", requires_signup=True))

    with django_capture_on_commit_callbacks(execute=True):
        workshop.start += timedelta(minutes=30)
        workshop.end += timedelta(minutes=30)
        session_save(session=workshop)

    assert [m.to for m in mail.outbox] == [[confirmed.email]]


def test_renaming_a_session_sends_nothing(conference, workshop, django_capture_on_commit_callbacks):
    place(workshop)

    with django_capture_on_commit_callbacks(execute=True):
        workshop.title = "Mät effekterna bättre"
        session_save(session=workshop)

    assert mail.outbox == []


def test_a_refused_move_sends_nothing(conference, workshop, django_capture_on_commit_callbacks):
    place(workshop)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ProgrammeError):
        workshop.end = workshop.start - timedelta(minutes=5)
        session_save(session=workshop)

    assert mail.outbox == []
