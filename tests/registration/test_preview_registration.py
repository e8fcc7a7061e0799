"""The preview of an unpublished conference: its registration form and participants page work
for its organisers (404 for everyone else), and a test registration sent from it never counts."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from conference.models import Conference
from conference.services import conference_publish
from registration.models import AuditEntry, EmailLog, Registration, SeatCounter, Signup
from registration.selectors import conference_counts
from tests.factories import ConferenceFactory, UserFactory

from .conftest import workshop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def draft(lunch):
    conference = lunch.conference
    conference.is_published = False
    conference.save(update_fields=["is_published"])
    return conference


@pytest.fixture
def lunch(db):
    from datetime import timedelta

    from conference.models import Session
    from tests.factories import SessionFactory

    conference = ConferenceFactory(capacity=1, is_published=False)
    return SessionFactory(
        conference=conference,
        kind=Session.Kind.MEAL,
        title="Lunch",
        start=conference.start,
        end=conference.start + timedelta(minutes=45),
    )


@pytest.fixture
def organiser(draft):
    user = UserFactory(is_staff=False, username="ordf", email="ordf@example.org")
    draft.organisers.add(user)
    return user


def form_data(conference, **overrides):
    data = {
        "name": "Test Testsson",
        "email": "someone@example.net",
        "organisation": "Exempelkommunen",
        "sector": "public",
        "language": "sv",
        "diets": ["vegetarian"],
        "consent": "on",
        "waitlist_ok": "on",
    }
    data.update(overrides)
    return data


def urls(conference):
    return [
        reverse("registration:register", args=[conference.slug]),
        reverse("registration:participants", args=[conference.slug]),
        reverse("registration:check-email", args=[conference.slug]),
    ]


def test_preview_register_and_participants_pages_work_for_the_organiser(client, draft, organiser):
    client.force_login(organiser)

    pages = [client.get(url) for url in urls(draft)]

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert ["Förhandsvisning – inte publicerad" in p.content.decode() for p in pages] == [
        True,
        True,
        True,
    ]
    assert "Skicka en testanmälan" in pages[0].content.decode()


@pytest.mark.parametrize("who", ["anonymous", "other organiser", "staff"])
def test_preview_register_and_participants_pages_are_404_for_everyone_else(client, draft, who):
    if who == "other organiser":
        ConferenceFactory().organisers.add(user := UserFactory(is_staff=False))
        client.force_login(user)
    elif who == "staff":
        client.force_login(UserFactory(is_staff=True))

    statuses = [client.get(url).status_code for url in urls(draft)]
    posted = client.post(urls(draft)[0], form_data(draft))

    assert statuses == [404, 404, 404]
    assert posted.status_code == 404
    assert len(mail.outbox) == 0


def test_test_registration_sends_a_marked_e_mail_to_the_organiser_only_and_saves_nothing(
    client, draft, organiser, lunch
):
    room = workshop(draft, capacity=1, title="Partnerskap")
    client.force_login(organiser)

    response = client.post(urls(draft)[0], form_data(draft, sessions=[room.pk], meals=[lunch.pk]))

    assert response.status_code == 200
    assert "Testanmälan skickad" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["ordf@example.org"]]
    message = mail.outbox[0]
    assert message.subject == f"[Test] Du är anmäld till {draft.name}"
    assert "TEST:" in message.body
    assert "Partnerskap" in message.body
    assert "Måltider: Lunch" in message.body
    assert "Specialkost: Vegetarisk" in message.body
    assert Registration.objects.count() == 0
    assert Signup.objects.count() == 0
    assert EmailLog.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert list(SeatCounter.objects.values_list("taken", flat=True).exclude(taken=0)) == []
    counts = conference_counts(conference=draft)
    assert (counts.confirmed, counts.waiting, counts.seats_left) == (0, 0, 1)
    assert Conference.objects.get(pk=draft.pk).preview_tested_at is not None


def test_test_registration_with_a_bad_form_shows_errors_and_sends_nothing(client, draft, organiser):
    client.force_login(organiser)

    response = client.post(urls(draft)[0], form_data(draft, consent=""))

    assert response.status_code == 400
    assert len(mail.outbox) == 0
    assert Conference.objects.get(pk=draft.pk).preview_tested_at is None


def test_after_publishing_the_form_registers_for_real_and_no_test_remains(client, draft, organiser):
    client.force_login(organiser)
    client.post(urls(draft)[0], form_data(draft))
    conference_publish(conference=draft)
    mail.outbox.clear()

    response = client.post(urls(draft)[0], form_data(draft, email="anna@example.org"))

    assert response.status_code == 302
    assert list(Registration.objects.values_list("email", flat=True)) == ["anna@example.org"]
    assert conference_counts(conference=draft).confirmed == 1
