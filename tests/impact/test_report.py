"""The report: every figure of a conference with known attendance, exactly, in the service, the
page, the XLSX, the CSV and the API; small groups suppressed; fixed query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html
from openpyxl import load_workbook

from impact.report import Cell, report_get
from registration.models import Question
from registration.services import answers_set, question_create
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory, local

from .conftest import build_known

pytestmark = pytest.mark.django_db


def rows_of(table):
    return [
        [cell.text_content().strip() for cell in row.xpath("./th|./td")]
        for row in table.xpath(".//tbody/tr")
    ]


def test_report_get_gives_every_figure_of_the_known_conference(known):
    report = report_get(conference=known.conference)

    assert (report.registered, report.confirmed, report.cancelled, report.waiting) == (
        137,
        130,
        5,
        2,
    )
    assert (report.present, report.no_shows, report.no_show_rate) == (104, 26, 20.0)
    assert report.attendance_rate == 80.0
    assert report.returning.value == 7
    assert [(d.day.isoformat(), d.present) for d in report.days] == [
        ("2027-03-16", 104),
        ("2027-03-17", 80),
    ]
    assert [
        (s.title, s.capacity, s.taken, s.waiting_peak, s.present, s.head_count)
        for s in report.sessions
    ] == [
        ("Välkommen", 200, None, None, 110, True),
        ("Finansiering", 20, 20, 4, 12, False),
        ("Partnerskap", 30, 30, 0, 25, False),
    ]
    assert [(r.key, str(r.registered), str(r.present)) for r in report.sectors.rows] == [
        ("nonprofit", "40", "34"),
        ("public", "50", "42"),
        ("private", "30", "25"),
        ("academia", "10", "< 5"),
        ("other", "0", "0"),
    ]
    municipality = report.questions[0]
    shown = [(r.label, str(r.registered), str(r.present)) for r in municipality.rows]
    assert shown == [
        ("Lund", "40", "34"),
        ("Malmö", "60", "52"),
        ("Ystad", "< 5", "< 5"),
        ("Inget svar", "27", "15"),
    ]
    assert municipality.long_list is True
    assert [(p.registrations, p.cancellations) for p in report.timeline] == [(137, 0)]


def test_cell_suppresses_groups_of_one_to_four_only():
    assert [str(Cell(n)) for n in (0, 1, 4, 5, 12)] == ["0", "< 5", "< 5", "5", "12"]
    assert [Cell(n).public for n in (0, 1, 4, 5)] == [0, None, None, 5]


def test_report_page_shows_the_figures_and_charts_in_swedish(client, known):
    client.force_login(known.organiser)

    response = client.get(f"/organiser/{known.conference.slug}/report/")

    assert response.status_code == 200
    page = html.fromstring(response.content)
    figures = {
        dd.get("data-figure"): dd.text_content().strip() for dd in page.xpath("//dd[@data-figure]")
    }
    assert figures == {
        "registered": "137",
        "confirmed": "130",
        "cancelled": "5",
        "waiting": "2",
        "present": "104",
        "no_shows": "26",
        "no_show_rate": "20,0 %",
        "returning": "7",
    }
    assert rows_of(page.get_element_by_id("table-days")) == [
        ["tisdag 16 mars 2027", "104"],
        ["onsdag 17 mars 2027", "80"],
    ]
    assert rows_of(page.get_element_by_id("table-sessions")) == [
        ["Välkommen (Aulan)", "16 mars 12.30–14.00", "200", "–", "–", "110 (huvudräkning)"],
        ["Finansiering (Aulan)", "17 mars 09.00–10.30", "20", "20", "4", "12"],
        ["Partnerskap (Sal B)", "17 mars 09.00–10.30", "30", "30", "0", "25"],
    ]
    assert rows_of(page.get_element_by_id("table-sector")) == [
        ["Idéburen sektor", "40", "34"],
        ["Offentlig sektor", "50", "42"],
        ["Privat sektor", "30", "25"],
        ["Akademi", "10", "< 5"],
        ["Privatperson eller annat", "0", "0"],
    ]
    charts = page.xpath("//svg[@role='img']")
    assert [c.get("id") for c in charts] == [
        "chart-sessions",
        "chart-sector",
        f"chart-question_{known.question.pk}",
        "chart-timeline",
    ]
    assert charts[1].xpath("string(./title)") == "Sektor: bekräftade och närvarande"
    assert charts[1].get("aria-describedby") == "table-sector"
    assert "Definitioner" in response.content.decode()


def test_report_xlsx_has_the_same_figures(client, known):
    client.force_login(known.organiser)

    response = client.get(f"/organiser/{known.conference.slug}/report/report.xlsx")

    book = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in book["Sammanfattning"].iter_rows(values_only=True)}
    assert [summary[k] for k in ("Anmälda", "Bekräftade", "Avbokade", "Väntar")] == [
        137,
        130,
        5,
        2,
    ]
    assert [summary[k] for k in ("Närvarande", "Uteblivna", "Andel uteblivna (%)")] == [
        104,
        26,
        20.0,
    ]
    assert summary["Återkommande deltagare"] == 7
    assert list(book["Sektor"].iter_rows(values_only=True)) == [
        ("Sektor", "Bekräftade", "Närvarande"),
        ("Idéburen sektor", 40, 34),
        ("Offentlig sektor", 50, 42),
        ("Privat sektor", 30, 25),
        ("Akademi", 10, "< 5"),
        ("Privatperson eller annat", 0, 0),
    ]
    sessions = list(book["Pass"].iter_rows(values_only=True))
    assert [row[:1] + row[4:8] for row in sessions[1:]] == [
        ("Välkommen", 200, None, None, 110),
        ("Finansiering", 20, 20, 4, 12),
        ("Partnerskap", 30, 30, 0, 25),
    ]
    assert list(book["Dagar"].iter_rows(values_only=True))[1:] == [
        (local(2027, 3, 16).replace(tzinfo=None), 104),
        (local(2027, 3, 17).replace(tzinfo=None), 80),
    ]


def test_report_csv_has_the_figures_for_swedish_excel(client, known):
    client.force_login(known.organiser)

    response = client.get(f"/organiser/{known.conference.slug}/report/report.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Närvarande", "104"] in rows
    assert ["Akademi", "10", "< 5"] in rows
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_report_api_has_the_same_figures_and_nulls_for_small_groups(client, known):
    client.force_login(known.organiser)

    data = client.get(f"/api/organiser/conferences/{known.conference.slug}/report/").json()

    assert {k: data[k] for k in ("registered", "confirmed", "cancelled", "waiting")} == {
        "registered": 137,
        "confirmed": 130,
        "cancelled": 5,
        "waiting": 2,
    }
    assert (data["present"], data["no_shows"], data["no_show_rate"], data["returning"]) == (
        104,
        26,
        20.0,
        7,
    )
    assert data["days"] == [
        {"day": "2027-03-16", "present": 104},
        {"day": "2027-03-17", "present": 80},
    ]
    assert [
        (s["title"], s["capacity"], s["taken"], s["waiting_peak"], s["present"])
        for s in data["sessions"]
    ] == [
        ("Välkommen", 200, None, None, 110),
        ("Finansiering", 20, 20, 4, 12),
        ("Partnerskap", 30, 30, 0, 25),
    ]
    assert [(r["key"], r["confirmed"], r["present"]) for r in data["sectors"]["rows"]] == [
        ("nonprofit", 40, 34),
        ("public", 50, 42),
        ("private", 30, 25),
        ("academia", 10, None),
        ("other", 0, 0),
    ]
    assert data["small_group"] == 5


def test_report_is_404_for_another_organiser(client, known):
    client.force_login(UserFactory())

    page = client.get(f"/organiser/{known.conference.slug}/report/")
    api = client.get(f"/api/organiser/conferences/{known.conference.slug}/report/")

    assert (page.status_code, api.status_code, api.json()["code"]) == (404, 404, "not_found")


def test_report_api_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    assert "/api/organiser/conferences/{slug}/report/" in schema
    assert "ReportSession" in schema


def test_returning_counts_only_people_present_before_at_the_same_organisers(known):
    other = ConferenceFactory(
        slug="annan-2015", start=local(2015, 5, 1, 9), end=local(2015, 5, 1, 17)
    )
    RegistrationFactory(conference=other, email=known.present[20].email)

    report = report_get(conference=known.conference)

    assert report.returning.value == 7


def test_multiple_choice_breakdown_counts_each_choice(db):
    conference = ConferenceFactory(start=local(2027, 3, 16, 12), end=local(2027, 3, 16, 16))
    question = question_create(
        conference=conference,
        kind=Question.Kind.MULTIPLE,
        text="Vad vill du lära dig?",
        choices=["Finansiering", "Partnerskap"],
    )
    for index in range(6):
        person = RegistrationFactory(conference=conference)
        answers_set(registration=person, answers={question.pk: [0, 1] if index < 5 else [1]})

    report = report_get(conference=conference)

    breakdown = report.questions[0]
    assert breakdown.multiple is True
    assert [(r.label, r.registered.value, r.present.value) for r in breakdown.rows] == [
        ("Finansiering", 5, 0),
        ("Partnerskap", 6, 0),
    ]


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize(
    "path", ["/organiser/{slug}/report/", "/api/organiser/conferences/{slug}/report/"]
)
def test_report_queries_are_the_same_at_3_and_300_attendees(client, db, path):
    small = build_known(sizes=[("public", 3, 3)], with_earlier=False, slug="liten")
    client.force_login(small.organiser)
    at_3 = _queries(client, path.format(slug=small.conference.slug))

    large = build_known(
        sizes=[("public", 150, 120), ("private", 150, 110)], with_earlier=False, slug="stor"
    )
    client.force_login(large.organiser)
    at_300 = _queries(client, path.format(slug=large.conference.slug))

    # Session and user (2), the conference (1), the report (12: attendance 4, registrations,
    # sessions, sign-ups, change log, returning, questions, answers, whether there is an
    # evaluation).
    assert (at_3, at_300) == (15, 15)


def test_waiting_list_peak_is_replayed_from_the_change_log(db):
    from registration.services import registration_cancel
    from tests.registration.conftest import register, workshop

    conference = ConferenceFactory(capacity=None, registration_closes=local(2027, 3, 7).date())
    room = workshop(conference, capacity=1, title="Verkstad")
    people = [
        register(conference, email=f"p{n}@example.org", session_ids=[room.pk])[0] for n in range(4)
    ]

    registration_cancel(registration=people[2])
    registration_cancel(registration=people[0])  # the seat goes to people[1]
    report = report_get(conference=conference)

    session = report.sessions[0]
    assert (session.title, session.capacity, session.taken, session.waiting_peak) == (
        "Verkstad",
        1,
        1,
        3,
    )


def test_report_states_the_evaluations_headline_figures(db):
    from impact.evaluation import evaluation_get
    from impact.models import EvaluationResponse

    known = build_known(sizes=[("public", 8, 7)], with_earlier=False, slug="utv")
    evaluation = evaluation_get(conference=known.conference)
    for person, (value, learned, cooperate) in zip(
        known.present, [(5, "yes", True), (4, "yes", False), (3, "no", True)] * 2, strict=False
    ):
        EvaluationResponse.objects.create(
            evaluation=evaluation,
            registration=person,
            value=value,
            learned=learned,
            contacts=2,
            cooperate=cooperate,
        )

    figures = report_get(conference=known.conference).evaluation

    assert (str(figures["respondents"]), figures["value_mean"], figures["contacts_total"]) == (
        "6",
        4.0,
        12,
    )
    assert (figures["learned_yes"], figures["cooperate_yes"]) == (66.7, 66.7)


def test_report_hides_the_evaluation_figures_of_fewer_than_five(db):
    from impact.evaluation import evaluation_get
    from impact.models import EvaluationResponse

    known = build_known(sizes=[("public", 8, 7)], with_earlier=False, slug="utv")
    evaluation = evaluation_get(conference=known.conference)
    for person in known.present[:3]:
        EvaluationResponse.objects.create(
            evaluation=evaluation,
            registration=person,
            value=5,
            learned="yes",
            contacts=1,
            cooperate=False,
        )

    figures = report_get(conference=known.conference).evaluation

    assert {key: str(value) for key, value in figures.items()} == {"respondents": "< 5"}


def test_returning_shows_none_and_few_alike(db):
    conference = ConferenceFactory(start=local(2027, 3, 16, 12), end=local(2027, 3, 16, 16))

    returning = report_get(conference=conference).returning

    assert (returning.value, str(returning), returning.public) == (0, "< 5", None)


def test_returning_counts_only_conferences_the_asking_organiser_organises(db):
    from impact.services import presence_mark

    anna, bertil = UserFactory(), UserFactory()
    hers = ConferenceFactory(start=local(2027, 3, 16, 12), end=local(2027, 3, 16, 16))
    his = ConferenceFactory(start=local(2026, 3, 16, 12), end=local(2026, 3, 16, 16))
    hers.organisers.add(anna, bertil)
    his.organisers.add(bertil)
    for n in range(6):
        email = f"person{n}@example.org"
        for conference in (his, hers):
            person = RegistrationFactory(conference=conference, email=email)
            presence_mark(registration=person, actor=bertil, day=conference.start.date())

    as_anna = report_get(conference=hers, viewer=anna).returning.value
    as_bertil = report_get(conference=hers, viewer=bertil).returning.value

    assert (as_anna, as_bertil) == (0, 6)
