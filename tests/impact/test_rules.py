"""Scheduled e-mails: audiences, timing in the conference's time zone, once per person (twice
run, at once, after a run that died), cancelled people skipped, placeholders, attachments."""

from datetime import UTC, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from impact.errors import ImpactError
from impact.models import EmailRule, RuleDelivery, RuleRun
from impact.rules import (
    rule_audience,
    rule_check,
    rule_due_at,
    rule_recipient_count,
    rule_render,
    rule_run,
    rules_create_defaults,
    rules_due,
    rules_run_due,
)
from impact.services import presence_mark
from registration.emails import email_send
from registration.models import EmailLog, Registration, Signup
from registration.services import registration_cancel
from tests.email_fixtures import anymail_outbox, celery_eager, send_on_commit_at_once  # noqa: F401
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    SessionFactory,
    SignupFactory,
    UserFactory,
    local,
)
from tests.registration.test_races import run_together


def make_rule(conference, **fields):
    values = {
        "name": "Regel",
        "timing": EmailRule.Timing.BEFORE_START,
        "offset": 3,
        "unit": EmailRule.Unit.DAYS,
        "audience": EmailRule.Audience.CONFIRMED,
        "subject": "Hej {name}",
        "subject_en": "Hello {name}",
        "body": "Välkommen till {conference}, {dates}. Din sida: {link}",
        "body_en": "Welcome to {conference}, {dates}. Your page: {link}",
    }
    values.update(fields)
    return EmailRule.objects.create(conference=conference, **values)


@pytest.fixture
def conference(db):
    return ConferenceFactory(start=local(2027, 3, 16, 12), end=local(2027, 3, 17, 13, 30))


@pytest.fixture
def people(conference):
    """Anna and Bo confirmed, Cilla waiting, David cancelled; Anna came (a mark on day one)."""
    anna = RegistrationFactory(conference=conference, name="Anna", email="anna@example.org")
    bo = RegistrationFactory(
        conference=conference, name="Bo", email="bo@example.org", language="en"
    )
    cilla = RegistrationFactory(
        conference=conference,
        name="Cilla",
        email="cilla@example.org",
        status=Registration.Status.WAITING,
        waiting_since=local(2027, 3, 1, 9),
    )
    david = RegistrationFactory(
        conference=conference,
        name="David",
        email="david@example.org",
        status=Registration.Status.CANCELLED,
    )
    presence_mark(registration=anna, actor=UserFactory(), day=local(2027, 3, 16, 12).date())
    return anna, bo, cilla, david


# To whom ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "audience, names",
    [
        (EmailRule.Audience.CONFIRMED, ["Anna", "Bo"]),
        (EmailRule.Audience.WAITING, ["Cilla"]),
        (EmailRule.Audience.PRESENT, ["Anna"]),
        (EmailRule.Audience.NO_SHOWS, ["Bo"]),
    ],
)
def test_rule_audience_each_kind_takes_its_people(conference, people, audience, names):
    rule = make_rule(conference, audience=audience)

    assert [p.name for p in rule_audience(rule)] == names
    assert rule_recipient_count(rule) == len(names)


@pytest.mark.django_db
def test_rule_audience_session_takes_confirmed_holders_only(conference, people):
    anna, bo, cilla, david = people
    workshop = SessionFactory(conference=conference, requires_signup=True, capacity=5)
    SignupFactory(registration=anna, session=workshop)
    SignupFactory(registration=bo, session=workshop, status=Signup.Status.CANCELLED)
    SignupFactory(registration=david, session=workshop)
    rule = make_rule(conference, audience=EmailRule.Audience.SESSION, session=workshop)

    assert [p.name for p in rule_audience(rule)] == ["Anna"]


@pytest.mark.django_db
def test_rule_present_who_cancelled_afterwards_gets_nothing(conference, people):
    anna = people[0]
    registration_cancel(registration=anna)
    mail.outbox = []
    rule = make_rule(conference, audience=EmailRule.Audience.PRESENT)

    assert rule_run(rule=rule) == 0
    assert mail.outbox == []


# When -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rule_due_days_before_keeps_the_wall_clock_across_summer_time():
    # Summer time starts on 28 March 2027: three days before 30 March 09.00 CEST is 27 March
    # 09.00 CET (72 wall-clock hours, 71 elapsed).
    conference = ConferenceFactory(start=local(2027, 3, 30, 9), end=local(2027, 3, 30, 16))
    rule = make_rule(conference, offset=3, unit=EmailRule.Unit.DAYS)

    due = rule_due_at(rule)

    assert due == local(2027, 3, 27, 9)
    assert conference.start.astimezone(UTC) - due.astimezone(UTC) == timedelta(hours=71)


@pytest.mark.django_db
def test_rule_due_hours_before_counts_elapsed_hours_across_summer_time():
    conference = ConferenceFactory(start=local(2027, 3, 28, 12), end=local(2027, 3, 28, 16))
    rule = make_rule(conference, offset=12, unit=EmailRule.Unit.HOURS)

    assert rule_due_at(rule) == local(2027, 3, 27, 23)


@pytest.mark.django_db
def test_rule_due_days_after_end_across_the_autumn_change():
    # Summer time ends on 31 October 2027.
    conference = ConferenceFactory(start=local(2027, 10, 29, 9), end=local(2027, 10, 30, 16))
    rule = make_rule(conference, timing=EmailRule.Timing.AFTER_END, offset=1)

    due = rule_due_at(rule)

    assert due == local(2027, 10, 31, 16)
    assert due.astimezone(UTC) - conference.end.astimezone(UTC) == timedelta(hours=25)


@pytest.mark.django_db
def test_rules_due_only_switched_on_rules_between_the_moment_and_catch_up(conference):
    due = make_rule(conference, offset=3)
    make_rule(conference, offset=3, is_active=False)
    make_rule(conference, offset=1)

    assert rules_due(now=local(2027, 3, 13, 12)) == [due]
    assert rules_due(now=local(2027, 3, 13, 11, 59)) == []
    assert rules_due(now=local(2027, 3, 22, 12)) == []


# Once per person --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rule_run_twice_writes_to_each_person_once(conference, people):
    rule = make_rule(conference)

    first = rule_run(rule=rule)
    second = rule_run(rule=rule)

    assert (first, second) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "bo@example.org"]
    assert RuleRun.objects.filter(rule=rule).count() == 1
    assert list(RuleDelivery.objects.filter(rule=rule).values_list("email__status", flat=True)) == [
        "sent",
        "sent",
    ]


@pytest.mark.django_db
def test_rule_run_later_registrant_gets_it_on_the_next_run(conference, people):
    rule = make_rule(conference)
    rule_run(rule=rule)
    RegistrationFactory(conference=conference, email="eva@example.org")

    assert rule_run(rule=rule) == 1
    assert [m.to[0] for m in mail.outbox][-1] == "eva@example.org"


@pytest.mark.django_db
def test_rule_run_after_a_run_that_died_midway_writes_to_the_rest_only(conference, people):
    anna, bo, *_ = people
    rule = make_rule(conference)
    # A run that died after committing Anna's row (its e-mail still queued) and before Bo's.
    run = RuleRun.objects.create(rule=rule, recipients=1)
    log = EmailLog.objects.create(
        conference=conference,
        registration=anna,
        kind=EmailLog.Kind.SCHEDULED,
        to=anna.email,
        payload={"subject": "s", "body": "b"},
    )
    RuleDelivery.objects.create(rule=rule, registration=anna, run=run, email=log)

    assert rule_run(rule=rule) == 1
    assert [m.to for m in mail.outbox] == [["bo@example.org"]]
    call_command("send_queued_emails", stdout=StringIO())
    assert EmailLog.objects.filter(kind="scheduled", registration=anna).count() == 1


@pytest.mark.django_db(transaction=True)
def test_rule_two_runs_at_once_write_to_each_person_once():
    conference = ConferenceFactory(start=local(2027, 3, 16, 12), end=local(2027, 3, 17, 13))
    for n in range(20):
        RegistrationFactory(conference=conference, email=f"p{n}@example.org")
    rule = make_rule(conference)

    results, errors = run_together([lambda: rule_run(rule=rule), lambda: rule_run(rule=rule)])

    assert errors == []
    assert sum(results) == 20
    assert RuleDelivery.objects.filter(rule=rule).count() == 20
    assert EmailLog.objects.filter(kind="scheduled").count() == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@example.org" for n in range(20))


@pytest.mark.django_db
def test_scheduled_email_to_someone_cancelled_after_the_run_is_not_sent(
    conference, people, monkeypatch
):
    anna = people[0]
    rule = make_rule(conference)
    held = []
    monkeypatch.setattr("impact.rules.email_dispatch", held.append)
    rule_run(rule=rule)
    registration_cancel(registration=anna)
    mail.outbox = []

    for log_id in held:
        email_send(log_id)

    assert [m.to for m in mail.outbox] == [["bo@example.org"]]
    assert EmailLog.objects.get(kind="scheduled", registration=anna).error == (
        "cancelled before sending"
    )


@pytest.mark.django_db
def test_sweep_command_runs_due_rules(conference, people, monkeypatch):
    make_rule(conference, offset=3)
    monkeypatch.setattr("django.utils.timezone.now", lambda: local(2027, 3, 14, 8))

    call_command("send_scheduled_emails", stdout=StringIO())

    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "bo@example.org"]
    assert rules_run_due() == 0


# What it says -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rule_placeholders_filled_in_each_persons_language(conference, people):
    anna, bo, *_ = people
    rule = make_rule(conference)

    swedish, english = rule_render(rule, anna), rule_render(rule, bo)

    assert (swedish.subject, english.subject) == ("Hej Anna", "Hello Bo")
    assert swedish.body == (
        f"Välkommen till {conference.name}, 16 mars 2027 kl. 12.00 – 17 mars 2027 kl. 13.30. "
        f"Din sida: {settings.SITE_URL}/r/{anna.manage_token}/"
    )
    assert english.body == (
        f"Welcome to {conference.name_en}, 16 March 2027, 12:00 – 17 March 2027, 13:30. "
        f"Your page: {settings.SITE_URL}/en/r/{bo.manage_token}/"
    )


@pytest.mark.django_db
def test_rule_check_refuses_unknown_placeholder_and_session_audience_without_session(conference):
    rule = EmailRule(
        conference=conference,
        name="x",
        timing=EmailRule.Timing.BEFORE_START,
        audience=EmailRule.Audience.CONFIRMED,
        subject="Hej {namn}",
        body="Text",
    )
    with pytest.raises(ImpactError) as refused:
        rule_check(rule)
    assert (refused.value.code, refused.value.field) == ("unknown_placeholder", "subject")

    rule.subject, rule.audience = "Hej", EmailRule.Audience.SESSION
    with pytest.raises(ImpactError) as refused:
        rule_check(rule)
    assert refused.value.code == "no_session"


@pytest.mark.django_db
def test_rule_email_has_practical_facts_and_valid_calendar_attachments(conference, people):
    anna = people[0]
    rule = make_rule(
        conference,
        audience=EmailRule.Audience.PRESENT,
        attachments=["personal_ics", "programme_ics", "badge"],
    )
    SessionFactory(conference=conference, title="Öppning")

    rule_run(rule=rule)

    (message,) = mail.outbox
    assert message.subject == "Hej Anna"
    assert "Nordenskiöldsgatan 10, Malmö" in message.body
    assert "16 mars 2027 kl. 12.00 – 17 mars 2027 kl. 13.30" in message.body
    names = [(name, mimetype) for name, _content, mimetype in message.attachments]
    assert names == [
        (f"{conference.slug}.ics", "text/calendar"),
        (f"{conference.slug}-programme.ics", "text/calendar"),
        (f"badge-{conference.slug}.pdf", "application/pdf"),
    ]
    personal = Calendar.from_ical(message.attachments[0][1])
    assert [str(e["SUMMARY"]) for e in personal.walk("VEVENT")] == [conference.name]
    programme = Calendar.from_ical(message.attachments[1][1])
    assert [str(e["SUMMARY"]) for e in programme.walk("VEVENT")] == ["Öppning"]
    assert message.attachments[2][1].startswith(b"%PDF")
    assert anna.email_logs.get(kind="scheduled").payload["attach"] == [
        "personal_ics",
        "programme_ics",
        "badge",
    ]


@pytest.mark.django_db
def test_rule_badge_attachment_left_out_for_the_waiting_list(conference, people):
    rule = make_rule(conference, audience=EmailRule.Audience.WAITING, attachments=["badge"])

    rule_run(rule=rule)

    (message,) = mail.outbox
    assert message.attachments == []


# Ready-made rules -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_defaults_three_rules_once_each(conference):
    rules_create_defaults(conference=conference)
    rules_create_defaults(conference=conference)

    rules = list(EmailRule.objects.filter(conference=conference).order_by("id"))
    assert [(r.preset, r.audience, r.timing, r.offset, r.is_active) for r in rules] == [
        ("reminder", "confirmed", "before_start", 3, True),
        ("thanks", "present", "after_end", 1, True),
        ("missed", "no_shows", "after_end", 1, True),
    ]
    assert [rule_due_at(r) for r in rules] == [
        local(2027, 3, 13, 12),
        local(2027, 3, 18, 13, 30),
        local(2027, 3, 18, 13, 30),
    ]
    for rule in rules:
        rule_check(rule)


@pytest.mark.django_db
def test_rule_email_starts_with_the_organisers_text_in_text_and_html(conference, people):
    rule = make_rule(conference, audience=EmailRule.Audience.PRESENT)

    rule_run(rule=rule)

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert message.body.startswith(f"Välkommen till {conference.name}, 16 mars 2027 kl. 12.00")
    assert "Hej Anna," not in message.body
    assert '<div style="white-space: pre-wrap;">Välkommen till' in html
    assert "<p>Hej Anna,</p>" not in html


@pytest.mark.django_db
def test_rule_run_that_dies_inside_its_transaction_leaves_nothing_and_the_next_does_all(
    conference, people, monkeypatch
):
    rule = make_rule(conference)
    real = rule_render
    calls = []

    def dies_on_the_second(rule, person):
        calls.append(person.pk)
        if len(calls) == 2:
            raise MemoryError("the worker died")
        return real(rule, person)

    monkeypatch.setattr("impact.rules.rule_render", dies_on_the_second)
    with pytest.raises(MemoryError):
        rule_run(rule=rule)
    assert (RuleDelivery.objects.count(), RuleRun.objects.count()) == (0, 0)
    assert EmailLog.objects.filter(kind="scheduled").count() == 0
    assert mail.outbox == []
    monkeypatch.setattr("impact.rules.rule_render", real)

    assert rule_run(rule=rule) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "bo@example.org"]


@pytest.mark.django_db
def test_rule_at_a_date_and_time_is_due_then(conference):
    rule = make_rule(conference, timing=EmailRule.Timing.AT, send_at=local(2027, 3, 1, 9))

    assert rule_due_at(rule) == local(2027, 3, 1, 9)
    assert rules_due(now=local(2027, 3, 1, 8, 59)) == []
    assert rules_due(now=local(2027, 3, 1, 9)) == [rule]
