"""The workspace's after-the-conference pages: registration questions, attendance (head counts
and marks by hand, with the change log in words), certificates' settings; scoping and query
counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from impact.models import CertificateSettings, HeadCount, PresenceMark
from registration.models import AuditEntry, Question
from registration.services import answers_set, question_create
from tests.factories import ConferenceFactory, RegistrationFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(conference):
    return question_create(
        conference=conference,
        kind="single",
        text="Typ av organisation",
        choices=["Kommun", "Region"],
    )


def test_questions_page_adds_a_question(client, organiser, conference):
    response = client.post(
        f"/organiser/{conference.slug}/questions/",
        {
            "kind": "single",
            "text": "Typ av organisation",
            "text_en": "Type of organisation",
            "choices": "Kommun\nRegion\n\n",
            "choices_en": "Municipality\nRegion",
            "required": "on",
        },
    )

    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.kind, question.choices, question.choices_en, question.required) == (
        "single",
        ["Kommun", "Region"],
        ["Municipality", "Region"],
        True,
    )


def test_questions_page_refuses_a_choice_question_without_choices(client, organiser, conference):
    response = client.post(
        f"/organiser/{conference.slug}/questions/", {"kind": "multiple", "text": "Vad?"}
    )

    assert response.status_code == 400
    assert "En flervalsfråga behöver minst två alternativ." in response.content.decode()
    assert Question.objects.count() == 0


def test_questions_page_adds_the_municipalities(client, organiser, conference):
    client.post(f"/organiser/{conference.slug}/questions/municipalities/")

    page = client.get(f"/organiser/{conference.slug}/questions/").content.decode()
    assert Question.objects.get().choices[16] == "Malmö"
    assert "Vilken kommun kommer du från?" in page
    assert "34 alternativ" in page


def test_question_edit_move_and_delete(client, organiser, conference, question):
    second = question_create(conference=conference, kind="text", text="Din roll")
    base = f"/organiser/{conference.slug}/questions"

    client.post(
        f"{base}/{question.pk}/", {"text": "Organisation", "choices": "Kommun\nRegion\nFörening"}
    )
    client.post(f"{base}/{second.pk}/move/", {"direction": "up"})
    client.post(f"{base}/{question.pk}/delete/")

    assert list(Question.objects.values_list("text", flat=True)) == ["Din roll"]


def test_another_organisers_question_is_404(client, organiser):
    other = question_create(conference=ConferenceFactory(), kind="text", text="Hemlig fråga")

    responses = [
        client.get(f"/organiser/{other.conference.slug}/questions/"),
        client.get(
            f"/organiser/{organiser.organised_conferences.get().slug}/questions/{other.pk}/"
        ),
    ]

    assert [r.status_code for r in responses] == [404, 404]


def test_person_page_and_export_show_the_answers(client, organiser, conference, question):
    anna = RegistrationFactory(conference=conference, name="Anna Åkesson")
    answers_set(registration=anna, answers={question.pk: 1})

    page = client.get(f"/organiser/{conference.slug}/registrations/{anna.pk}/").content.decode()
    export = client.get(f"/organiser/{conference.slug}/registrations/export.csv")

    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert "<dt>Typ av organisation</dt><dd>Region</dd>" in page
    assert rows[0][-2:] == ["Typ av organisation", "Närvarande"]
    assert rows[1][-2:] == ["Region", "Nej"]


@pytest.fixture
def plenary(conference):
    return SessionFactory(conference=conference, title="Välkommen", kind="plenary")


def test_attendance_page_sets_and_clears_a_head_count(client, organiser, conference, plenary):
    url = f"/organiser/{conference.slug}/attendance/"

    client.post(url, {"action": "count", "session": plenary.pk, "count": "87"})
    counted = HeadCount.objects.get(session=plenary).count
    client.post(url, {"action": "count", "session": plenary.pk, "count": ""})

    assert counted == 87
    assert HeadCount.objects.count() == 0


def test_attendance_page_refuses_a_negative_head_count(client, organiser, conference, plenary):
    response = client.post(
        f"/organiser/{conference.slug}/attendance/",
        {"action": "count", "session": plenary.pk, "count": "-3"},
    )

    assert response.status_code == 400
    assert "Kontrollera att detta värde är större än eller lika med 0." in response.content.decode()
    assert HeadCount.objects.count() == 0


def test_marking_by_hand_shows_in_the_change_log_in_words(client, organiser, conference, plenary):
    anna = RegistrationFactory(conference=conference, name="Anna Åkesson")
    url = f"/organiser/{conference.slug}/attendance/"

    client.post(url, {"action": "mark", "registration": anna.pk, "where": f"session:{plenary.pk}"})
    client.post(url, {"action": "mark", "registration": anna.pk, "where": "day:2027-03-16"})
    mark = PresenceMark.objects.get(session=plenary)
    client.post(url, {"action": "unmark", "mark": mark.pk})
    page = client.get(f"/organiser/{conference.slug}/registrations/{anna.pk}/").content.decode()

    assert PresenceMark.objects.count() == 1
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "marked_present",
        "marked_present",
        "unmarked_present",
    ]
    assert "Olga Organisatör markerade Anna Åkesson som närvarande vid ”Välkommen”." in page
    assert "Olga Organisatör markerade Anna Åkesson som närvarande vid tisdag 16 mars." in page
    assert (
        "Olga Organisatör tog bort markeringen att Anna Åkesson var närvarande vid ”Välkommen”."
        in page
    )


def test_marking_refuses_a_day_outside_the_conference(client, organiser, conference):
    anna = RegistrationFactory(conference=conference)

    response = client.post(
        f"/organiser/{conference.slug}/attendance/",
        {"action": "mark", "registration": anna.pk, "where": "day:2027-04-01"},
    )

    assert response.status_code == 400
    assert PresenceMark.objects.count() == 0


def _png():
    import base64

    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )


def test_certificate_settings_are_saved_with_a_signature(client, organiser, conference):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/organiser/{conference.slug}/report/certificates/",
        {
            "issuer": "Coompanion Skåne",
            "signer_name": "Eva Exempel",
            "signer_title": "Projektledare",
            "signature": SimpleUploadedFile("sign.png", _png(), content_type="image/png"),
        },
    )

    options = CertificateSettings.objects.get(conference=conference)
    assert response.status_code == 302
    assert (options.issuer, options.signer_name, options.signer_title) == (
        "Coompanion Skåne",
        "Eva Exempel",
        "Projektledare",
    )
    assert options.signature.name.startswith("certificates/sign")


def _count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("area", ["attendance", "questions", "report/certificates"])
def test_impact_pages_queries_do_not_grow_from_3_to_30(client, organiser, conference, area):
    url = f"/organiser/{conference.slug}/{area}/"

    def grow(n):
        for index in range(n):
            person = RegistrationFactory(conference=conference)
            session = SessionFactory(conference=conference, title=f"Pass {index}")
            question = question_create(conference=conference, kind="text", text=f"Fråga {index}")
            del question
            PresenceMark.objects.create(registration=person, session=session)

    grow(3)
    at_3 = _count(client, url)
    grow(27)
    at_30 = _count(client, url)

    assert at_3 == at_30


def test_workspace_nav_shows_questions_attendance_and_report(client, organiser, conference):
    page = client.get(f"/organiser/{conference.slug}/").content.decode()

    for path in ("questions/", "attendance/", "report/"):
        assert f'href="/organiser/{conference.slug}/{path}"' in page


def test_door_volunteer_gets_404_on_the_report(client, conference):
    client.force_login(UserFactory(is_staff=False))

    assert client.get(f"/organiser/{conference.slug}/report/").status_code == 404
