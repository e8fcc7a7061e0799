"""Meddelanden: preview with a real recipient's e-mail, the number of recipients before
sending, the history of what went to whom, and each recipient gets a message once."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registration.models import AuditEntry, EmailLog, MessageSend, Registration
from registration.services import organiser_message_fan_out, organiser_message_send
from tests.registration.conftest import register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


def url(conference, rest=""):
    return f"/en/organiser/{conference.slug}/messages/{rest}"


def form(**changes):
    return {"session": "", "subject": "Välkomna", "body": "Hej!", "key": "form-1", **changes}


@pytest.fixture
def three(conference, workshops):
    register(conference, email="a@example.org", name="Alfa", session_ids=[workshops[0].pk])
    register(conference, email="b@example.org", name="Beta")
    register(conference, email="c@example.org", name="Gamma", session_ids=[workshops[0].pk])
    mail.outbox.clear()
    return workshops


def test_compose_page_gives_the_form_a_fresh_key(client, organiser, conference):
    first = client.get(url(conference)).context["form"]["key"].value()
    second = client.get(url(conference)).context["form"]["key"].value()

    assert len(first) == 32
    assert first != second


def test_preview_shows_count_and_a_real_recipients_email_and_sends_nothing(
    client, organiser, conference, three
):
    response = client.post(url(conference), {**form(body="Vi ses i aulan."), "action": "preview"})

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["count"] == 3
    person = Registration.objects.get(email="a@example.org")
    assert response.context["email"].to == "a@example.org"
    assert response.context["email"].subject == "Välkomna"
    assert "Vi ses i aulan." in response.context["email"].body
    assert "/r/…/" in response.context["email"].body
    assert person.manage_token not in html
    assert person.calendar_token not in html
    assert "It goes to 3 confirmed attendees." in html
    assert "Send to 3 people" in html
    assert 'name="key" value="form-1"' in html
    assert mail.outbox == []
    assert (MessageSend.objects.count(), EmailLog.objects.filter(kind="message").count()) == (0, 0)


def test_preview_for_one_session_counts_its_confirmed_only(client, organiser, conference, three):
    first = three[0]

    response = client.post(url(conference), {**form(session=first.pk), "action": "preview"})

    assert response.context["count"] == 2
    assert "It goes to 2 people confirmed in “Partnerskap”." in response.content.decode()


def test_send_twice_with_the_same_key_reaches_each_recipient_once(
    client, organiser, conference, three
):
    first = client.post(url(conference), {**form(), "action": "send"})
    again = client.post(url(conference), {**form(), "action": "send"})

    send = MessageSend.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == url(conference, f"{send.pk}/")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    assert EmailLog.objects.filter(kind="message", message_send=send).count() == 3
    assert AuditEntry.objects.filter(action="message_sent").count() == 1


def test_fan_out_run_again_adds_no_emails(conference, three):
    send, created = organiser_message_send(
        conference=conference, subject="Hej", body="Text", key="k"
    )

    again = organiser_message_fan_out(
        conference_id=conference.pk,
        session_id=None,
        subject="Hej",
        body="Text",
        message_send_id=send.pk,
    )

    assert created is True
    assert again == 0
    assert EmailLog.objects.filter(kind="message").count() == 3


def test_send_bad_input_form_error_nothing_sent(client, organiser, conference, three):
    response = client.post(url(conference), {**form(subject=""), "action": "send"})
    no_key = client.post(url(conference), {**form(key=""), "action": "send"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"subject": ["This field is required."]}
    assert no_key.status_code == 400
    assert mail.outbox == []
    assert MessageSend.objects.count() == 0


def test_send_to_another_conferences_session_refused(client, organiser, conference, three):
    from tests.factories import ConferenceFactory, SessionFactory

    other = SessionFactory(conference=ConferenceFactory(), requires_signup=True)

    response = client.post(url(conference), {**form(session=other.pk), "action": "send"})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["session"]
    assert MessageSend.objects.count() == 0


def test_history_lists_sends_with_counts_and_the_detail_who_got_it(
    client, organiser, conference, three
):
    client.post(url(conference), {**form(subject="Första"), "action": "send"})
    client.post(
        url(conference),
        {**form(subject="Andra", key="form-2", session=three[0].pk), "action": "send"},
    )
    EmailLog.objects.filter(to="b@example.org").update(status="failed", error="bounced")

    history = client.get(url(conference)).context["history"]
    first = history[1]
    detail = client.get(url(conference, f"{first.pk}/"))

    assert [(s.subject, s.recipients, s.sent, s.failed) for s in history] == [
        ("Andra", 2, 2, 0),
        ("Första", 3, 2, 1),
    ]
    assert [(log.to, log.status) for log in detail.context["logs"]] == [
        ("a@example.org", "sent"),
        ("b@example.org", "failed"),
        ("c@example.org", "sent"),
    ]
    assert "Olga Organisatör" in detail.content.decode()


def test_history_runs_the_same_queries_at_1_and_5_sends(client, organiser, conference, three):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url(conference))
        return len(ctx)

    organiser_message_send(conference=conference, subject="S0", body="B", key="k0")
    one = count()
    for i in range(1, 5):
        organiser_message_send(conference=conference, subject=f"S{i}", body="B", key=f"k{i}")

    assert count() == one


def test_message_of_another_conference_is_404(client, organiser, conference, three):
    from tests.factories import ConferenceFactory

    other = ConferenceFactory()
    send, _ = organiser_message_send(conference=other, subject="Hej", body="Text", key="k")

    response = client.get(url(conference, f"{send.pk}/"))

    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_sends_with_the_same_key_at_once_send_once():
    import threading

    from django.db import connections

    from tests.factories import ConferenceFactory

    conference = ConferenceFactory(capacity=5)
    register(conference, email="a@example.org")
    register(conference, email="b@example.org")
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    results = []

    def send():
        try:
            barrier.wait()
            results.append(
                organiser_message_send(
                    conference=conference, subject="Hej", body="Text", key="same"
                )[1]
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]
    assert MessageSend.objects.count() == 1
    assert EmailLog.objects.filter(kind="message").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
