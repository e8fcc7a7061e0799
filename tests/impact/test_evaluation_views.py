"""The attendee's evaluation pages, by the private link."""

import pytest
from django.utils import timezone

from impact.evaluation import evaluation_get, evaluation_settings_save, question_add
from impact.models import EvaluationResponse, SessionFeedback
from registration.models import QuestionKind
from tests.factories import ConferenceFactory, RegistrationFactory, SessionFactory, local

pytestmark = pytest.mark.django_db

FORM = {"value": "4", "learned": "yes", "contacts": "3", "cooperate": "yes", "different": ""}


@pytest.fixture(autouse=True)
def during(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: local(2027, 3, 17, 10))


@pytest.fixture
def conference():
    return ConferenceFactory(start=local(2027, 3, 16, 12), end=local(2027, 3, 17, 13, 30))


@pytest.fixture
def anna(conference):
    return RegistrationFactory(conference=conference, name="Anna")


def url(person, rest=""):
    return f"/r/{person.manage_token}/evaluation/{rest}"


def test_answer_saved_then_shown_for_change(client, anna, conference):
    question = question_add(
        evaluation=evaluation_get(conference=conference),
        kind=QuestionKind.YES_NO,
        text="Kommer du igen?",
    )

    response = client.post(url(anna), {**FORM, f"q{question.pk}": "yes"})
    page = client.get(url(anna))

    assert response.status_code == 302
    answer = EvaluationResponse.objects.get()
    assert (answer.registration, answer.value, answer.answers) == (
        anna,
        4,
        {str(question.pk): True},
    )
    assert page.context["form"].initial["value"] == 4
    assert "Du har svarat; ändra det du vill nedan och spara igen." in page.content.decode()


def test_bad_input_is_a_form_error_and_nothing_saved(client, anna):
    response = client.post(url(anna), {**FORM, "value": "9", "contacts": "-1"})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"value", "contacts"}
    assert EvaluationResponse.objects.count() == 0


def test_anonymous_answered_page_says_so_and_offers_no_form(client, anna, conference):
    evaluation = evaluation_get(conference=conference)
    evaluation_settings_save(
        evaluation=evaluation, is_anonymous=True, closes_at=evaluation.closes_at
    )
    client.post(url(anna), FORM)

    page = client.get(url(anna))
    again = client.post(url(anna), FORM)

    assert "Ditt svar är anonymt och kan därför inte ändras" in page.content.decode()
    assert page.context["locked"] is True
    assert again.status_code == 400
    assert EvaluationResponse.objects.count() == 1


def test_session_feedback_page_saves_and_unstarted_session_is_404(client, anna, conference):
    started = SessionFactory(conference=conference, start=local(2027, 3, 17, 9))
    later = SessionFactory(conference=conference, start=local(2027, 3, 17, 11))

    response = client.post(url(anna, f"sessions/{started.pk}/"), {"rating": "5", "comment": "Bra"})

    assert response.status_code == 302
    assert list(SessionFeedback.objects.values_list("session", "rating", "comment")) == [
        (started.pk, 5, "Bra")
    ]
    assert client.get(url(anna, f"sessions/{later.pk}/")).status_code == 404


def test_unknown_link_is_404(client, db):
    assert client.get("/r/nope/evaluation/").status_code == 404


def test_private_page_links_the_evaluation_once_the_conference_started(client, anna):
    page = client.get(f"/r/{anna.manage_token}/").content.decode()

    assert f'href="/r/{anna.manage_token}/evaluation/"' in page


def test_english_page(client, anna):
    page = client.get(f"/en/r/{anna.manage_token}/evaluation/").content.decode()

    assert "Overall, how valuable was the conference for you?" in page
    assert '<html lang="en">' in page


def test_cancelled_person_sees_why_and_gets_no_form(client, anna):
    anna.status = "cancelled"
    anna.save(update_fields=["status"])

    page = client.get(url(anna))

    assert page.context["locked"] is True
    assert "Bara den som har en plats på konferensen kan svara." in page.content.decode()
    assert "Skicka mitt svar" not in page.content.decode()


def test_evaluation_page_queries_do_not_grow_with_sessions(client, anna, conference):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n):
        while conference.sessions.count() < n:
            SessionFactory(conference=conference, start=local(2027, 3, 17, 9))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(anna)).status_code == 200
        return len(captured)

    queries()  # the first visit makes the evaluation
    grow(3)
    small = queries()
    grow(30)

    assert queries() == small
