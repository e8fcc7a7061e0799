import io
from datetime import datetime, time

import pytest
from openpyxl import Workbook

from conference.errors import ProgrammeError
from conference.importing import programme_import, rows_read, template_csv
from conference.models import Session
from tests.factories import RoomFactory, SessionFactory, local

HEADER = "date;start;end;title;title_en;kind;room;theme;speakers;seats;signup\n"


def csv_rows(text):
    return rows_read(name="programme.csv", content=(HEADER + text).encode("utf-8"))


def test_import_preview_lists_rows_and_new_things_and_saves_nothing(conference):
    rows = csv_rows(
        "2027-03-16;13:00;14:00;Öppning;Opening;plenary;Aulan;Samverkan;"
        "Anna Exempel (Coompanion Skåne);;\n"
        '2;09:00;10:30;Workshop;;workshop;Sal B;;"Anna Exempel; Bo Prov";15;ja\n'
    )

    result = programme_import(conference=conference, rows=rows, commit=False)

    assert [row.problems for row in result.rows] == [[], []]
    assert (result.new_rooms, result.new_tracks) == (["Aulan", "Sal B"], ["Samverkan"])
    assert result.new_speakers == ["Anna Exempel (Coompanion Skåne)", "Bo Prov"]
    assert result.saved is False
    assert (conference.sessions.count(), conference.rooms.count(), conference.speakers.count()) == (
        0,
        0,
        0,
    )


def test_import_commit_saves_every_row(conference):
    rows = csv_rows(
        "2027-03-16;13:00;14:00;Öppning;Opening;plenary;Aulan;;Anna Exempel;;\n"
        '2;09:00;10:30;Workshop;;workshop;Sal B;;"Anna Exempel; Bo Prov";15;ja\n'
    )

    result = programme_import(conference=conference, rows=rows, commit=True)

    assert result.saved is True
    sessions = list(conference.sessions.order_by("start"))
    assert [(s.title, s.kind, s.room.name, s.capacity, s.requires_signup) for s in sessions] == [
        ("Öppning", "plenary", "Aulan", None, False),
        ("Workshop", "workshop", "Sal B", 15, True),
    ]
    assert sessions[1].start == local(2027, 3, 17, 9)
    assert sorted(conference.speakers.values_list("name", flat=True)) == ["Anna Exempel", "Bo Prov"]


def test_import_shows_each_rows_problems_and_saves_none(conference):
    room = RoomFactory(conference=conference, name="Aulan")
    SessionFactory(
        conference=conference,
        title="Redan här",
        room=room,
        start=local(2027, 3, 16, 13),
        end=local(2027, 3, 16, 14),
    )
    rows = csv_rows(
        "2027-03-16;13:30;14:30;Krock;;seminar;Aulan;;;;\n"
        "16 mars;13:00;14:00;Dåligt datum;;seminar;;;;;\n"
        "2027-03-16;15:00;16:00;Okänd sort;;dans;;;;;\n"
        "2027-03-16;16:00;17:00;Bra rad;;seminar;Ny sal;;;;\n"
    )

    result = programme_import(conference=conference, rows=rows, commit=True)

    assert [row.number for row in result.rows if row.problems] == [2, 3, 4]
    assert result.rows[0].problems[0].startswith("Aulan")
    assert result.rows[1].problems == ["Oläsligt datum ”16 mars”."]
    assert result.rows[2].problems == ["Okänd sorts programpunkt ”dans”."]
    assert result.saved is False
    assert list(conference.sessions.values_list("title", flat=True)) == ["Redan här"]
    assert list(conference.rooms.values_list("name", flat=True)) == ["Aulan"]


def test_import_finds_a_clash_between_two_rows_of_the_file(conference):
    rows = csv_rows(
        "2027-03-16;13:00;14:00;Ett;;seminar;Aulan;;;;\n2027-03-16;13:30;14:00;Två;;seminar;Aulan;;;;\n"
    )

    result = programme_import(conference=conference, rows=rows, commit=False)

    assert [bool(row.problems) for row in result.rows] == [False, True]


def test_rows_read_reads_an_xlsx_with_date_and_time_cells(conference):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Start", "End", "Title", "Kind"])
    sheet.append([datetime(2027, 3, 16), time(13, 0), time(14, 0), "Öppning", "Plenum"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = rows_read(name="program.xlsx", content=buffer.getvalue())
    result = programme_import(conference=conference, rows=rows, commit=True)

    assert result.saved is True
    assert rows == [
        {
            "date": "2027-03-16",
            "start": "13:00",
            "end": "14:00",
            "title": "Öppning",
            "kind": "Plenum",
        }
    ]
    assert list(conference.sessions.values_list("title", "kind")) == [
        ("Öppning", Session.Kind.PLENARY)
    ]


def test_rows_read_refuses_a_file_without_a_title_column():
    with pytest.raises(ProgrammeError) as error:
        rows_read(name="x.csv", content=b"a;b\n1;2\n")

    assert error.value.code == "import_no_header"


def test_rows_read_refuses_a_broken_xlsx():
    with pytest.raises(ProgrammeError) as error:
        rows_read(name="x.xlsx", content=b"not a workbook")

    assert error.value.code == "import_unreadable"


def test_template_csv_imports_cleanly(conference):
    rows = rows_read(name="template.csv", content=template_csv())

    result = programme_import(conference=conference, rows=rows, commit=False)

    assert [row.problems for row in result.rows] == [[], [], []]
