"""The organiser's own registration questions: every kind allowed and refused, answers on the
public form and the private page, in the data download, deleted with the person."""

import re

import pytest

from registration.errors import RegistrationError
from registration.models import Answer, Question, Registration
from registration.services import (
    SKANE_MUNICIPALITIES,
    answers_set,
    question_add_municipalities,
    question_create,
    question_delete,
    question_move,
    question_update,
    registration_delete,
    registration_export,
)

from .conftest import register
from .test_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(conference):
    return {
        "single": question_create(
            conference=conference,
            kind="single",
            text="Typ av organisation",
            text_en="Type of organisation",
            choices=["Kommun", "Region", "Förening"],
            choices_en=["Municipality", "Region", "Association"],
            required=True,
        ),
        "multiple": question_create(
            conference=conference,
            kind="multiple",
            text="Vad vill du lära dig?",
            choices=["Finansiering", "Partnerskap"],
        ),
        "text": question_create(conference=conference, kind="text", text="Din roll"),
        "number": question_create(conference=conference, kind="number", text="Antal anställda"),
        "yes_no": question_create(
            conference=conference,
            kind="yes_no",
            text="Första gången hos oss?",
            text_en="First time at one of our conferences?",
        ),
    }


def test_question_create_of_every_kind_keeps_order(conference, questions):
    stored = list(Question.objects.filter(conference=conference))

    assert [(q.kind, q.position) for q in stored] == [
        ("single", 0),
        ("multiple", 1),
        ("text", 2),
        ("number", 3),
        ("yes_no", 4),
    ]
    assert stored[0].choice_labels("en") == ["Municipality", "Region", "Association"]


@pytest.mark.parametrize(
    "arguments, field",
    [
        ({"kind": "single", "text": "Kommun", "choices": ["Malmö"]}, "choices"),
        ({"kind": "multiple", "text": "Kommun", "choices": ["A", "a"]}, "choices"),
        ({"kind": "single", "text": "", "choices": ["A", "B"]}, "text"),
        ({"kind": "text", "text": "Roll", "choices": ["A", "B"]}, "choices"),
        ({"kind": "single", "text": "K", "choices": ["A", "B"], "choices_en": ["A"]}, "choices_en"),
        ({"kind": "date", "text": "När?"}, "kind"),
        ({"kind": "text", "text": "x" * 301}, "text"),
    ],
)
def test_question_create_refused_nothing_saved(conference, arguments, field):
    with pytest.raises(RegistrationError) as refused:
        question_create(conference=conference, **arguments)

    assert (refused.value.code, refused.value.field) == ("invalid_question", field)
    assert Question.objects.count() == 0


def test_municipality_question_has_skanes_33_and_outside(conference):
    question = question_add_municipalities(conference=conference)

    assert len(SKANE_MUNICIPALITIES) == 33
    assert question.choices[:2] == ["Bjuv", "Bromölla"]
    assert question.choices[-1] == "Utanför Skåne"
    assert question.choice_labels("en")[-1] == "Outside Skåne"
    assert len(question.choices) == 34


def test_answers_set_stores_every_kind(conference, questions):
    anna, _created = register(conference)

    answers_set(
        registration=anna,
        answers={
            questions["single"].pk: 2,
            questions["multiple"].pk: [1, 0],
            questions["text"].pk: "  Projektledare ",
            questions["number"].pk: 12,
            questions["yes_no"].pk: True,
        },
    )

    assert dict(Answer.objects.values_list("question__kind", "value")) == {
        "single": 2,
        "multiple": [0, 1],
        "text": "Projektledare",
        "number": 12,
        "yes_no": True,
    }


@pytest.mark.parametrize(
    "kind, value",
    [
        ("single", 3),
        ("single", "Kommun"),
        ("multiple", [0, 5]),
        ("number", 1.5),
        ("number", True),
        ("number", 10**12),
        ("yes_no", "ja"),
        ("text", "x" * 501),
    ],
)
def test_answers_set_refuses_a_bad_answer_and_saves_none(conference, questions, kind, value):
    anna, _created = register(conference)
    answers_set(registration=anna, answers={questions["single"].pk: 0})

    with pytest.raises(RegistrationError) as refused:
        answers_set(
            registration=anna,
            answers={questions["single"].pk: 1, questions[kind].pk: value}
            if kind != "single"
            else {questions["single"].pk: value},
        )

    assert refused.value.code == "invalid_answer"
    assert refused.value.field == f"question_{questions[kind].pk}"
    assert list(Answer.objects.values_list("value", flat=True)) == [0]


def test_answers_set_refuses_a_missing_required_answer(conference, questions):
    anna, _created = register(conference)

    with pytest.raises(RegistrationError) as refused:
        answers_set(registration=anna, answers={questions["text"].pk: "Chef"})

    assert (refused.value.code, refused.value.field) == (
        "invalid_answer",
        f"question_{questions['single'].pk}",
    )
    assert Answer.objects.count() == 0


def test_question_update_may_add_choices_but_not_remove_answered_ones(conference, questions):
    anna, _created = register(conference)
    answers_set(registration=anna, answers={questions["single"].pk: 2})
    question = questions["single"]

    question_update(
        question=question,
        text="Typ av organisation",
        choices=["Kommun", "Region", "Ideell förening", "Företag"],
        required=True,
    )
    with pytest.raises(RegistrationError) as refused:
        question_update(question=question, text="Typ", choices=["Kommun", "Region"])

    question.refresh_from_db()
    assert question.choices == ["Kommun", "Region", "Ideell förening", "Företag"]
    assert refused.value.field == "choices"


def test_question_move_and_delete_take_the_answers_along(conference, questions):
    anna, _created = register(conference)
    answers_set(registration=anna, answers={questions["single"].pk: 0, questions["text"].pk: "x"})

    question_move(question=questions["multiple"], up=True)
    question_delete(question=questions["text"])

    assert list(Question.objects.values_list("kind", flat=True)) == [
        "multiple",
        "single",
        "number",
        "yes_no",
    ]
    assert list(Answer.objects.values_list("question__kind", flat=True)) == ["single"]


def test_answers_are_deleted_with_the_person(conference, questions):
    anna, _created = register(conference)
    answers_set(registration=anna, answers={questions["single"].pk: 1})

    registration_delete(registration=anna)

    assert Answer.objects.count() == 0
    assert Question.objects.count() == 5


def test_data_download_holds_the_answers_in_the_persons_language(conference, questions):
    anna, _created = register(conference, language="en")
    answers_set(
        registration=anna,
        answers={questions["single"].pk: 0, questions["yes_no"].pk: False},
    )

    exported = registration_export(registration=anna)

    assert exported["answers"] == [
        {"question": "Typ av organisation", "answer": "Municipality"},
        {"question": "Första gången hos oss?", "answer": "No"},
    ]


def test_register_form_asks_the_questions_and_saves_the_answers(client, conference, questions):
    page = client.get(f"/{conference.slug}/register/").content.decode()

    response = client.post(
        f"/{conference.slug}/register/",
        form_data(
            **{
                f"question_{questions['single'].pk}": "1",
                f"question_{questions['multiple'].pk}": ["0", "1"],
                f"question_{questions['number'].pk}": "40",
                f"question_{questions['yes_no'].pk}": "yes",
            }
        ),
    )

    assert "Typ av organisation" in page
    assert "Första gången hos oss?" in page
    assert response.status_code == 302
    anna = Registration.objects.get()
    assert dict(anna.answers.values_list("question__kind", "value")) == {
        "single": 1,
        "multiple": [0, 1],
        "number": 40,
        "yes_no": True,
    }


def test_register_form_refuses_a_missing_required_answer_nothing_saved(
    client, conference, questions
):
    response = client.post(f"/{conference.slug}/register/", form_data())

    assert response.status_code == 400
    assert "Fältet måste fyllas i." in response.content.decode()
    assert Registration.objects.count() == 0


def test_register_form_in_english_shows_english_texts(client, conference, questions):
    page = client.get(f"/en/{conference.slug}/register/").content.decode()

    assert "Type of organisation" in page
    assert "Association" in page


def test_private_page_changes_the_answers(client, conference, questions):
    anna, _created = register(conference)
    answers_set(registration=anna, answers={questions["single"].pk: 0})
    data = {
        "name": anna.name,
        "organisation": anna.organisation,
        "sector": anna.sector,
        "language": "sv",
        f"question_{questions['single'].pk}": "2",
        f"question_{questions['text'].pk}": "Samordnare",
    }

    page = client.get(f"/r/{anna.manage_token}/").content.decode()
    response = client.post(f"/r/{anna.manage_token}/details/", data)

    single = questions["single"].pk
    assert re.search(rf'name="question_{single}" value="0"[^>]*checked', page)
    assert not re.search(rf'name="question_{single}" value="1"[^>]*checked', page)
    assert response.status_code == 302
    assert dict(anna.answers.values_list("question__kind", "value")) == {
        "single": 2,
        "text": "Samordnare",
    }


def _api_body(**extra):
    return {
        "name": "Anna Andersson",
        "email": "anna@example.org",
        "sector": "public",
        "consent": True,
        **extra,
    }


def test_api_registration_saves_the_answers(client, conference, questions):
    response = client.post(
        f"/api/conferences/{conference.slug}/registrations/",
        _api_body(answers={str(questions["single"].pk): 1, str(questions["yes_no"].pk): False}),
        content_type="application/json",
    )

    assert response.status_code == 202
    assert dict(Registration.objects.get().answers.values_list("question__kind", "value")) == {
        "single": 1,
        "yes_no": False,
    }


@pytest.mark.parametrize("answers", [{"abc": 1}, {"999999": 1}, {"QUESTION": "x"}, "single:9"])
def test_api_registration_refuses_bad_answers_nothing_saved(client, conference, questions, answers):
    if answers == "single:9":
        answers = {str(questions["single"].pk): 9}

    response = client.post(
        f"/api/conferences/{conference.slug}/registrations/",
        _api_body(answers=answers),
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_answer")
    assert Registration.objects.count() == 0


def test_api_registration_without_answers_refuses_a_required_question_nothing_saved(
    client, conference, questions
):
    response = client.post(
        f"/api/conferences/{conference.slug}/registrations/",
        _api_body(),
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "answer_required")
    assert list(response.json()["errors"]) == ["answers"]
    assert Registration.objects.count() == 0


def test_api_registration_without_answers_is_taken_when_nothing_is_required(
    client, conference, questions
):
    questions["single"].required = False
    questions["single"].save(update_fields=["required"])

    response = client.post(
        f"/api/conferences/{conference.slug}/registrations/",
        _api_body(),
        content_type="application/json",
    )

    assert response.status_code == 202
    assert Registration.objects.count() == 1
