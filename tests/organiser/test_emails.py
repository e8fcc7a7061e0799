"""The workspace's scheduled e-mails: list and switch, the check (recipients and a real
preview) before saving, form errors, history, scoping, and a constant number of queries."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from impact.models import EmailRule, RuleDelivery
from impact.rules import rule_run, rules_create_defaults
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory, local

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Påminnelse",
    "is_active": "on",
    "timing": "before_start",
    "send_at": "",
    "offset": "2",
    "unit": "days",
    "audience": "confirmed",
    "session": "",
    "subject": "Snart dags, {name}",
    "subject_en": "Soon, {name}",
    "body": "Vi ses {dates} på {place}.",
    "body_en": "See you {dates} at {place}.",
    "attachments": ["personal_ics"],
}


def url(conference, path=""):
    return f"/organiser/{conference.slug}/emails/{path}"


def test_new_conference_starts_with_the_three_ready_made_rules(client):
    user = UserFactory(is_superuser=True)
    client.force_login(user)

    response = client.post(
        "/organiser/new/",
        {
            "name": "Lärkonferens 2028",
            "name_en": "",
            "slug": "lk-2028",
            "time_zone": "Europe/Stockholm",
            "start": "2028-03-16T12:00",
            "end": "2028-03-17T13:30",
            "capacity": "100",
            "venue_name": "Rådhuset",
            "venue_address": "",
            "city": "Kristianstad",
            "contact_email": "",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    presets = EmailRule.objects.filter(conference__slug="lk-2028").values_list("preset", flat=True)
    assert sorted(presets) == ["missed", "reminder", "thanks"]


def test_rule_list_shows_when_and_switches_off(client, organiser, conference):
    rules_create_defaults(conference=conference)
    reminder = EmailRule.objects.get(conference=conference, preset="reminder")

    page = client.get(url(conference)).content.decode()
    response = client.post(url(conference, f"{reminder.pk}/switch/"), {"active": "0"})

    assert "3 dagar före start: 13 mars 2027 kl. 12.00" in page
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.is_active is False


def test_rule_check_shows_count_and_preview_and_saves_nothing(client, organiser, conference):
    RegistrationFactory(conference=conference, name="Anna", email="anna@example.org")
    RegistrationFactory(conference=conference, status="cancelled")

    response = client.post(url(conference, "new/"), {**FORM, "action": "check"})

    assert response.status_code == 200
    check = response.context["check"]
    assert (check.count, check.to, check.subject) == (1, "anna@example.org", "Snart dags, Anna")
    assert "Vi ses 16 mars 2027 kl. 12.00 – 17 mars 2027 kl. 13.30 på Malmö universitet" in (
        check.body
    )
    assert "Det når 1 person nu." in response.content.decode()
    assert EmailRule.objects.count() == 0


def test_rule_save_creates_and_shows_when(client, organiser, conference):
    response = client.post(url(conference, "new/"), {**FORM, "action": "save"})

    rule = EmailRule.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(conference, f"{rule.pk}/")
    assert (rule.conference, rule.offset, rule.attachments) == (conference, 2, ["personal_ics"])
    assert (
        "Skickas från 14 mars 2027 kl. 12.00." in client.get(response["Location"]).content.decode()
    )


def test_rule_save_unknown_placeholder_is_a_form_error_and_nothing_saved(
    client, organiser, conference
):
    response = client.post(
        url(conference, "new/"), {**FORM, "body": "Hej {namn}", "action": "save"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["body"] == ["Okänd platshållare: {namn}."]
    assert EmailRule.objects.count() == 0


def test_rule_save_session_audience_without_session_is_a_form_error(client, organiser, conference):
    response = client.post(
        url(conference, "new/"), {**FORM, "audience": "session", "action": "save"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["session"] == ["Välj passet."]
    assert EmailRule.objects.count() == 0


def test_rule_at_a_time_is_read_in_the_conference_time_zone(client, organiser, conference):
    client.post(
        url(conference, "new/"),
        {**FORM, "timing": "at", "send_at": "2027-03-10T09:00", "action": "save"},
    )

    assert EmailRule.objects.get().send_at == local(2027, 3, 10, 9)


def test_rule_page_history_lists_each_email_status(client, organiser, conference):
    RegistrationFactory(conference=conference, name="Anna", email="anna@example.org")
    rules_create_defaults(conference=conference)
    reminder = EmailRule.objects.get(conference=conference, preset="reminder")
    rule_run(rule=reminder)

    page = client.get(url(conference, f"{reminder.pk}/")).content.decode()

    assert len(mail.outbox) == 1
    assert "<td>anna@example.org</td><td>Skickat</td>" in page


def test_rules_of_another_conference_are_404(client, organiser, conference):
    other = ConferenceFactory()
    rules_create_defaults(conference=other)
    rule = EmailRule.objects.filter(conference=other).first()

    assert client.get(url(conference, f"{rule.pk}/")).status_code == 404
    assert client.post(url(conference, f"{rule.pk}/switch/"), {"active": "0"}).status_code == 404
    assert client.get(url(other)).status_code == 404


def test_rule_pages_in_english(client, organiser, conference):
    rules_create_defaults(conference=conference)

    page = client.get(f"/en{url(conference)}").content.decode()

    assert "3 days before the start: 13 March 2027, 12:00" in page
    assert "Scheduled e-mails" in page


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["", "{rule}/"])
def test_rule_pages_queries_do_not_grow(client, organiser, conference, page):
    rules_create_defaults(conference=conference)
    reminder = EmailRule.objects.get(conference=conference, preset="reminder")
    conference.capacity = 100
    conference.save(update_fields=["capacity"])

    def grow(n):
        for i in range(RegistrationFactory._meta.model.objects.count(), n):
            RegistrationFactory(conference=conference, email=f"p{i}@example.org")
        rule_run(rule=reminder)
        extra = EmailRule.objects.create(
            conference=conference,
            name=f"Extra {n}",
            timing="before_start",
            audience="confirmed",
            subject="s",
            body="b",
        )
        rule_run(rule=extra)

    path = url(conference, page.format(rule=reminder.pk))
    grow(3)
    small = _queries(client, path)
    grow(30)
    large = _queries(client, path)

    assert RuleDelivery.objects.filter(rule=reminder).count() == 30
    assert small == large
