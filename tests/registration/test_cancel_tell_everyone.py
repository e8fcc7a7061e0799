import pytest
from django.core import mail

from conference.models import Session
from conference.services import session_cancel
from registration.models import Registration, Signup
from registration.programme_changes import (
    session_cancelled_everyone_send,
    session_cancelled_tell_everyone,
)
from registration.selectors import session_change_audience
from tests.factories import ConferenceFactory, RegistrationFactory, SessionFactory, SignupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    return ConferenceFactory(name="Lärkonferens", name_en="Learning conference")


def test_tell_everyone_mails_each_confirmed_registration_once(conference):
    seminar = SessionFactory(conference=conference, title="Historia", title_en="History")
    anna = RegistrationFactory(conference=conference, email="anna@example.org", language="sv")
    bo = RegistrationFactory(conference=conference, email="bo@example.org", language="en")
    RegistrationFactory(conference=conference, status=Registration.Status.CANCELLED)
    RegistrationFactory(email="annan@example.org")

    session_cancel(session=seminar)
    session_cancelled_tell_everyone(session=seminar)

    assert sorted(m.to[0] for m in mail.outbox) == [anna.email, bo.email]
    english = next(m for m in mail.outbox if m.to == [bo.email])
    assert "The session “History” has been cancelled." in english.body
    assert "which you have a place in" not in english.body


def test_tell_everyone_leaves_out_those_told_as_holders(conference):
    signup = SignupFactory(registration__conference=conference, status=Signup.Status.CONFIRMED)
    other = RegistrationFactory(conference=conference)
    Session.objects.filter(pk=signup.session.pk).update(status=Session.Status.CANCELLED)

    sent = session_cancelled_everyone_send(signup.session.pk)

    assert sent == 1
    assert [m.to for m in mail.outbox] == [[other.email]]


def test_tell_everyone_for_a_session_no_longer_cancelled_sends_nothing(conference):
    seminar = SessionFactory(conference=conference)
    RegistrationFactory(conference=conference)

    assert session_cancelled_everyone_send(seminar.pk) == 0
    assert mail.outbox == []


def test_session_change_audience_counts_holders_and_everyone(conference):
    signup = SignupFactory(registration__conference=conference, status=Signup.Status.CONFIRMED)
    SignupFactory(
        registration__conference=conference,
        session=signup.session,
        status=Signup.Status.WAITING,
        waiting_since=signup.created_at,
    )
    RegistrationFactory(conference=conference)
    RegistrationFactory()

    audience = session_change_audience(session=signup.session)

    assert (audience.holders, audience.everyone) == (1, 3)
