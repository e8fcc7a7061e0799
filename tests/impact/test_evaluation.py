"""The evaluation: one answer per person, anonymous answers keep no link, closing stops
changes, session feedback from the session's start, reminders only to non-respondents, exact
results and headline figures."""

from datetime import date, timedelta

import pytest
from django.core import mail

from impact.errors import ImpactError
from impact.evaluation import (
    evaluation_get,
    evaluation_headlines,
    evaluation_results,
    evaluation_settings_save,
    evaluation_submit,
    evaluation_table,
    question_add,
    session_feedback_submit,
)
from impact.models import Answered, EmailRule, EvaluationResponse, SessionFeedback
from impact.rules import rule_audience, rule_run
from impact.services import presence_mark
from registration.models import QuestionKind, Registration
from tests.email_fixtures import anymail_outbox, celery_eager, send_on_commit_at_once  # noqa: F401
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db

DURING = local(2027, 3, 17, 10)
ANSWER = {"value": 4, "learned": "yes", "contacts": 3, "cooperate": True}


@pytest.fixture
def conference():
    return ConferenceFactory(start=local(2027, 3, 16, 12), end=local(2027, 3, 17, 13, 30))


@pytest.fixture
def evaluation(conference):
    return evaluation_get(conference=conference)


def came(person):
    presence_mark(registration=person, actor=UserFactory(), day=local(2027, 3, 16, 12).date())
    return person


def test_evaluation_closes_three_weeks_after_the_end_by_default(evaluation):
    assert evaluation.closes_at == local(2027, 4, 7, 13, 30)


def test_named_answer_is_one_per_person_and_changes_until_closing(evaluation, conference):
    anna = RegistrationFactory(conference=conference)

    evaluation_submit(evaluation=evaluation, registration=anna, now=DURING, **ANSWER)
    evaluation_submit(
        evaluation=evaluation, registration=anna, now=DURING, **{**ANSWER, "value": 2}
    )

    assert list(EvaluationResponse.objects.values_list("registration", "value")) == [(anna.pk, 2)]
    assert Answered.objects.filter(registration=anna).count() == 1


def test_after_closing_an_answer_is_refused_and_nothing_changes(evaluation, conference):
    anna = RegistrationFactory(conference=conference)
    evaluation_submit(evaluation=evaluation, registration=anna, now=DURING, **ANSWER)

    with pytest.raises(ImpactError) as refused:
        evaluation_submit(
            evaluation=evaluation,
            registration=anna,
            now=evaluation.closes_at,
            **{**ANSWER, "value": 1},
        )

    assert refused.value.code == "closed"
    assert EvaluationResponse.objects.get().value == 4


def test_before_the_start_and_without_a_seat_answers_are_refused(evaluation, conference):
    anna = RegistrationFactory(conference=conference)
    waiting = RegistrationFactory(
        conference=conference, status=Registration.Status.WAITING, waiting_since=DURING
    )

    with pytest.raises(ImpactError) as early:
        evaluation_submit(
            evaluation=evaluation, registration=anna, now=local(2027, 3, 16, 11), **ANSWER
        )
    with pytest.raises(ImpactError) as no_seat:
        evaluation_submit(evaluation=evaluation, registration=waiting, now=DURING, **ANSWER)

    assert (early.value.code, no_seat.value.code) == ("not_open", "not_confirmed")
    assert EvaluationResponse.objects.count() == 0


def test_anonymous_answer_keeps_no_link_and_cannot_be_given_twice(evaluation, conference):
    evaluation_settings_save(
        evaluation=evaluation, is_anonymous=True, closes_at=evaluation.closes_at
    )
    anna = RegistrationFactory(conference=conference)

    evaluation_submit(evaluation=evaluation, registration=anna, now=DURING, **ANSWER)
    with pytest.raises(ImpactError) as twice:
        evaluation_submit(evaluation=evaluation, registration=anna, now=DURING, **ANSWER)

    assert twice.value.code == "already_answered"
    assert list(EvaluationResponse.objects.values_list("registration", "value")) == [(None, 4)]
    assert list(Answered.objects.values_list("registration", "session")) == [(anna.pk, None)]
    assert "Name" not in evaluation_table(conference=conference).headers


def test_mode_cannot_change_once_someone_answered(evaluation, conference):
    evaluation_submit(
        evaluation=evaluation,
        registration=RegistrationFactory(conference=conference),
        now=DURING,
        **ANSWER,
    )

    with pytest.raises(ImpactError) as refused:
        evaluation_settings_save(
            evaluation=evaluation, is_anonymous=True, closes_at=evaluation.closes_at
        )

    assert refused.value.code == "mode_fixed"
    evaluation.refresh_from_db()
    assert evaluation.is_anonymous is False


def test_session_feedback_opens_at_the_session_start(evaluation, conference):
    anna = RegistrationFactory(conference=conference)
    session = SessionFactory(conference=conference, start=local(2027, 3, 17, 9))

    with pytest.raises(ImpactError) as early:
        session_feedback_submit(
            evaluation=evaluation,
            registration=anna,
            session=session,
            rating=5,
            now=local(2027, 3, 17, 8, 59),
        )
    session_feedback_submit(
        evaluation=evaluation,
        registration=anna,
        session=session,
        rating=5,
        comment=" Bra ",
        now=local(2027, 3, 17, 9),
    )
    session_feedback_submit(
        evaluation=evaluation, registration=anna, session=session, rating=3, now=DURING
    )

    assert early.value.code == "session_not_started"
    assert list(SessionFeedback.objects.values_list("registration", "rating", "comment")) == [
        (anna.pk, 3, "")
    ]


def test_reminder_rule_goes_only_to_present_people_who_have_not_answered(evaluation, conference):
    anna = came(RegistrationFactory(conference=conference, email="anna@example.org"))
    came(RegistrationFactory(conference=conference, email="bo@example.org"))
    RegistrationFactory(conference=conference, email="cilla@example.org")  # did not come
    evaluation_submit(evaluation=evaluation, registration=anna, now=DURING, **ANSWER)
    rule = EmailRule.objects.create(
        conference=conference,
        name="Påminnelse",
        timing="after_end",
        offset=5,
        audience=EmailRule.Audience.NOT_ANSWERED,
        subject="Hinner du svara?",
        body="{evaluation_link}",
    )

    assert [p.email for p in rule_audience(rule)] == ["bo@example.org"]
    rule_run(rule=rule)
    (message,) = mail.outbox
    bo = Registration.objects.get(email="bo@example.org")
    assert message.to == ["bo@example.org"]
    assert f"/r/{bo.manage_token}/evaluation/" in message.body


def test_results_figures_exact(evaluation, conference):
    people = [came(RegistrationFactory(conference=conference)) for _ in range(4)]
    topic = question_add(
        evaluation=evaluation,
        kind=QuestionKind.SINGLE,
        text="Bästa tema?",
        choices=["Samverkan", "Finansiering"],
        choices_en=["Cooperation", "Funding"],
    )
    answers = [
        (5, "yes", 2, True, "Mer tid", {str(topic.pk): "Samverkan"}),
        (4, "partly", 0, False, "", {str(topic.pk): "Finansiering"}),
        (4, "yes", 7, True, "Kortare pauser", {str(topic.pk): "Samverkan"}),
    ]
    for person, (value, learned, contacts, cooperate, different, own) in zip(
        people, answers, strict=False
    ):
        evaluation_submit(
            evaluation=evaluation,
            registration=person,
            value=value,
            learned=learned,
            contacts=contacts,
            cooperate=cooperate,
            different=different,
            answers=own,
            now=DURING,
        )
    session = SessionFactory(conference=conference, title="Verkstad", start=local(2027, 3, 17, 9))
    for person, rating in zip(people, (5, 2), strict=False):
        session_feedback_submit(
            evaluation=evaluation,
            registration=person,
            session=session,
            rating=rating,
            comment="Givande" if rating == 5 else "",
            now=DURING,
        )

    results = evaluation_results(conference=conference)
    headlines = evaluation_headlines(conference=conference)

    assert (results.invited, results.respondents, results.response_rate) == (4, 3, 75.0)
    value, learned, contacts, cooperate, own = results.figures
    assert (value.counts, value.mean) == ([("1", 0), ("2", 0), ("3", 0), ("4", 2), ("5", 1)], 4.33)
    assert learned.counts == [("Ja", 2), ("Delvis", 1), ("Nej", 0)]
    assert (contacts.mean, contacts.total) == (3.0, 9)
    assert cooperate.counts == [("Ja", 2), ("Nej", 1)]
    assert (own.label, own.counts) == ("Bästa tema?", [("Samverkan", 2), ("Finansiering", 1)])
    assert results.comments == ["Mer tid", "Kortare pauser"]
    (feedback,) = results.sessions
    assert (feedback.session, feedback.answers, feedback.mean, feedback.comments) == (
        session,
        2,
        3.5,
        ["Givande"],
    )
    assert headlines == {
        "respondents": 3,
        "invited": 4,
        "response_rate": 75.0,
        "value_mean": 4.33,
        "learned_yes": 66.7,
        "contacts_total": 9,
        "contacts_mean": 3.0,
        "cooperate_yes": 66.7,
    }
    table = evaluation_table(conference=conference)
    assert table.headers[:3] == ["Svarade", "Namn", "E-post"]
    assert [row[3:9] for row in table.rows] == [
        [5, "Ja", 2, "Ja", "Mer tid", "Samverkan"],
        [4, "Delvis", 0, "Nej", "", "Finansiering"],
        [4, "Ja", 7, "Ja", "Kortare pauser", "Samverkan"],
    ]


def test_results_without_recorded_presence_count_confirmed_people(evaluation, conference):
    RegistrationFactory(conference=conference)
    RegistrationFactory(conference=conference, status=Registration.Status.CANCELLED)

    results = evaluation_results(conference=conference)

    assert (results.invited, results.invited_are_present, results.response_rate) == (
        1,
        False,
        0.0,
    )


def test_settings_refuse_closing_before_the_start(evaluation, conference):
    with pytest.raises(ImpactError) as refused:
        evaluation_settings_save(
            evaluation=evaluation,
            is_anonymous=False,
            closes_at=conference.start - timedelta(minutes=1),
        )

    assert (refused.value.code, refused.value.field) == ("closes_before_start", "closes_at")


@pytest.mark.django_db(transaction=True)
def test_two_anonymous_answers_at_once_keep_one():
    from tests.registration.test_races import run_together

    conference = ConferenceFactory(start=local(2027, 3, 16, 12), end=local(2027, 3, 17, 13, 30))
    evaluation = evaluation_get(conference=conference)
    evaluation_settings_save(
        evaluation=evaluation, is_anonymous=True, closes_at=evaluation.closes_at
    )
    anna = RegistrationFactory(conference=conference)

    def submit():
        return evaluation_submit(evaluation=evaluation, registration=anna, now=DURING, **ANSWER)

    results, errors = run_together([submit, submit])

    assert len(results) == 1
    assert [e.code for e in errors] == ["already_answered"]
    assert list(EvaluationResponse.objects.values_list("registration", flat=True)) == [None]


def test_anonymous_answers_keep_only_the_date_not_the_moment(evaluation, conference):
    evaluation_settings_save(
        evaluation=evaluation, is_anonymous=True, closes_at=evaluation.closes_at
    )
    anna = RegistrationFactory(conference=conference)
    session = SessionFactory(conference=conference, start=local(2027, 3, 17, 9))

    evaluation_submit(evaluation=evaluation, registration=anna, now=DURING, **ANSWER)
    session_feedback_submit(
        evaluation=evaluation, registration=anna, session=session, rating=4, now=DURING
    )

    stored = [
        *EvaluationResponse.objects.values_list("submitted_at", "updated_at").get(),
        *SessionFeedback.objects.values_list("submitted_at", "updated_at").get(),
        *Answered.objects.values_list("at", flat=True),
    ]
    # A datetime is also a date: compare the exact type, so a stored moment fails.
    assert [type(value) for value in stored] == [date] * 6
