"""The workspace's evaluation page: results with charts, settings, own questions, exports,
scoping and a constant number of queries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from impact.evaluation import evaluation_get, evaluation_submit, session_feedback_submit
from impact.models import Evaluation, EvaluationQuestion
from impact.services import presence_mark
from tests.factories import ConferenceFactory, RegistrationFactory, SessionFactory, local

pytestmark = pytest.mark.django_db

DURING = local(2027, 3, 17, 10)


def url(conference, rest=""):
    return f"/organiser/{conference.slug}/evaluation/{rest}"


def answer(conference, value=4, n=0):
    person = RegistrationFactory(conference=conference, name=f"Person {n}")
    presence_mark(registration=person, actor=None, day=local(2027, 3, 16, 12).date())
    evaluation_submit(
        evaluation=evaluation_get(conference=conference),
        registration=person,
        value=value,
        learned="yes",
        contacts=2,
        cooperate=True,
        different=f"Kommentar {n}",
        now=DURING,
    )
    return person


def test_results_page_shows_rate_chart_table_and_comments(client, organiser, conference):
    answer(conference, 5, 1)
    answer(conference, 4, 2)

    page = client.get(url(conference)).content.decode()

    assert '<p id="response-rate" class="big-figure">100,0 %</p>' in page
    assert '<svg class="chart" id="chart-0" viewBox=' in page
    assert 'role="img" aria-labelledby="chart-0-title" aria-describedby="table-0"' in page
    assert '<table class="grid compact" id="table-0">' in page
    assert "<li>Kommentar 1</li>" in page


def test_settings_saved_in_the_conference_time_zone(client, organiser, conference):
    response = client.post(
        url(conference),
        {"action": "settings", "is_anonymous": "on", "closes_at": "2027-04-01T12:00"},
    )

    assert response.status_code == 302
    evaluation = Evaluation.objects.get(conference=conference)
    assert (evaluation.is_anonymous, evaluation.closes_at) == (True, local(2027, 4, 1, 12))


def test_question_without_choices_is_a_form_error_and_nothing_saved(client, organiser, conference):
    response = client.post(
        url(conference), {"action": "question", "kind": "single", "text": "Vilket tema?"}
    )

    assert response.status_code == 400
    assert response.context["question_form"].errors["choices"] == [
        "Ange alternativen, ett per rad."
    ]
    assert EvaluationQuestion.objects.count() == 0


def test_question_added_and_removed(client, organiser, conference):
    client.post(
        url(conference),
        {"action": "question", "kind": "single", "text": "Tema?", "choices": "A\nB\n"},
    )
    question = EvaluationQuestion.objects.get()

    response = client.post(url(conference, f"questions/{question.pk}/delete/"))

    assert question.choices == ["A", "B"]
    assert response.status_code == 302
    assert EvaluationQuestion.objects.count() == 0


def test_exports_csv_and_xlsx(client, organiser, conference):
    person = answer(conference, 5, 1)

    csv = client.get(url(conference, "export.csv"))
    xlsx = client.get(url(conference, "export.xlsx"))

    lines = csv.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[0].split(";")[:3] == ["Svarade", "Namn", "E-post"]
    assert lines[1].split(";")[1:8] == [
        "Person 1",
        person.email,
        "5",
        "Ja",
        "2",
        "Ja",
        "Kommentar 1",
    ]
    assert csv["Content-Disposition"] == f'attachment; filename="{conference.slug}-evaluation.csv"'
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][1:5] == ["Person 1", person.email, 5, "Ja"]


def test_other_conference_is_404(client, organiser):
    other = ConferenceFactory()

    assert client.get(url(other)).status_code == 404
    assert client.get(url(other, "export.csv")).status_code == 404


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_results_page_queries_do_not_grow(client, organiser, conference):
    conference.capacity = 100
    conference.save(update_fields=["capacity"])
    session = SessionFactory(conference=conference, start=local(2027, 3, 17, 9))

    def grow(n, start):
        for i in range(start, n):
            person = answer(conference, 1 + i % 5, i)
            session_feedback_submit(
                evaluation=evaluation_get(conference=conference),
                registration=person,
                session=session,
                rating=3,
                now=DURING,
            )

    grow(3, 0)
    small = _queries(client, url(conference))
    grow(30, 3)
    large = _queries(client, url(conference))

    assert small == large
