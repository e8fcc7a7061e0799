"""Registrations as CSV for Swedish spreadsheets and as XLSX, from one row builder."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from registration.models import Registration
from tests.factories import local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


@pytest.fixture
def people(conference, workshops, lunch):
    from tests.registration.conftest import register

    anna, _ = register(
        conference,
        name="Anna Åkesson",
        email="anna@example.org",
        organisation="=HYPERLINK(1)",
        session_ids=[workshops[0].pk],
        meal_ids=[lunch.pk],
        diets=["vegan", "halal"],
    )
    # 10:15:30.123456 UTC is 11:15:30 in Stockholm in March.
    Registration.objects.filter(pk=anna.pk).update(
        created_at=datetime.fromisoformat("2027-03-01T10:15:30.123456+00:00")
    )
    return [anna]


def test_csv_is_swedish_excel_ready(client, organiser, conference, people):
    response = client.get(f"/organiser/{conference.slug}/registrations/export.csv")

    raw = response.content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{conference.slug}-registrations.csv"'
    )
    assert raw.startswith(b"\xef\xbb\xbf")
    assert rows[0] == [
        "Id",
        "Status",
        "Namn",
        "E-post",
        "Organisation",
        "Sektor",
        "Språk",
        "Specialkost",
        "Annan specialkost",
        "Tillgänglighetsbehov",
        "Måltider",
        "Workshoppar",
        "Väntar sedan",
        "Anmäld",
        "Närvarande",
    ]
    assert rows[1] == [
        str(people[0].pk),
        "Bekräftad",
        "Anna Åkesson",
        "anna@example.org",
        "'=HYPERLINK(1)",
        "Offentlig sektor",
        "Svenska",
        "Halal, Vegansk",
        "",
        "",
        "Lunch",
        "Partnerskap (Bekräftad)",
        "",
        "2027-03-01 11:15:30",
        "Nej",
    ]
    assert len(rows) == 2


def test_csv_in_english_on_the_english_page(client, organiser, conference, people):
    response = client.get(f"/en/organiser/{conference.slug}/registrations/export.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Id", "Status", "Name", "E-mail"]
    assert rows[1][1] == "Confirmed"
    assert rows[0][-1] == "Present"
    assert rows[1][-2:] == ["2027-03-01 11:15:30", "No"]


def test_xlsx_reads_back_with_exact_cells(client, organiser, conference, people):
    response = client.get(f"/organiser/{conference.slug}/registrations/export.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert sheet.title == "Anmälningar"
    assert rows[0][:3] == ["Id", "Status", "Namn"]
    assert rows[1] == [
        people[0].pk,
        "Bekräftad",
        "Anna Åkesson",
        "anna@example.org",
        "'=HYPERLINK(1)",
        "Offentlig sektor",
        "Svenska",
        "Halal, Vegansk",
        None,
        None,
        "Lunch",
        "Partnerskap (Bekräftad)",
        None,
        datetime(2027, 3, 1, 11, 15, 30),
        "Nej",
    ]
    assert len(rows) == 2


def test_exports_run_the_same_queries_at_1_and_20_registrations(
    client, organiser, conference, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.registration.conftest import register

    conference.capacity = 100
    conference.save(update_fields=["capacity"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/organiser/{conference.slug}/registrations/export.xlsx")
        return len(ctx)

    register(conference, email="a@example.org")
    one = count()
    for i in range(19):
        register(conference, email=f"x{i}@example.org")

    assert count() == one


def test_local_time_is_the_conferences_zone(conference):
    from registration.exports import registrations_table
    from tests.registration.conftest import register

    person, _ = register(conference)
    Registration.objects.filter(pk=person.pk).update(created_at=local(2027, 3, 1, 9, 5, 7, 999))

    table = registrations_table(conference=conference)

    assert table.rows[0][-1] == datetime(2027, 3, 1, 9, 5, 7)
