import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

CSV = (
    "date;start;end;title;kind;room;speakers\n"
    "2027-03-16;13:00;14:00;Öppning;plenary;Aulan;Anna Exempel (Coompanion Skåne)\n"
    "2027-03-16;14:15;15:00;Seminarium;seminar;Sal B;\n"
).encode()


def url(name, conference):
    return reverse(f"organiser:{name}", args=[conference.slug])


def upload(client, conference, content=CSV, name="program.csv"):
    return client.post(
        url("programme-import", conference), {"file": SimpleUploadedFile(name, content)}
    )


def test_upload_shows_a_preview_and_saves_nothing(organiser_client, conference):
    response = upload(organiser_client, conference)

    result = response.context["result"]
    assert response.status_code == 200
    assert [(row.title, row.problems) for row in result.rows] == [
        ("Öppning", []),
        ("Seminarium", []),
    ]
    assert result.new_rooms == ["Aulan", "Sal B"]
    assert conference.sessions.count() == 0
    assert conference.rooms.count() == 0


def test_confirm_saves_every_row(organiser_client, conference):
    signed = upload(organiser_client, conference).context["signed"]

    response = organiser_client.post(url("programme-import", conference), {"rows": signed})

    assert response.status_code == 302
    assert list(conference.sessions.order_by("start").values_list("title", flat=True)) == [
        "Öppning",
        "Seminarium",
    ]


def test_confirm_with_changed_rows_is_refused(organiser_client, conference):
    signed = upload(organiser_client, conference).context["signed"]

    response = organiser_client.post(url("programme-import", conference), {"rows": signed + "x"})

    assert response.status_code == 400
    assert conference.sessions.count() == 0


def test_a_file_with_problems_offers_no_confirm(organiser_client, conference):
    response = upload(
        organiser_client, conference, b"date;start;end;title\n2027-03-16;25:00;14:00;X\n"
    )

    assert response.context["result"].rows[0].problems == ["Oläslig starttid ”25:00”."]
    assert b'name="rows"' not in response.content


def test_an_unreadable_file_is_a_form_error(organiser_client, conference):
    response = upload(organiser_client, conference, b"hello", name="program.pdf")

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Ladda upp en CSV- eller XLSX-fil."]


def test_template_downloads_as_csv(organiser_client, conference):
    response = organiser_client.get(url("programme-import-template", conference))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert io.BytesIO(response.content).read(3) == b"\xef\xbb\xbf"


def hostile_xlsx() -> bytes:
    """A real workbook of a few cells whose sheet declares the dimension A1:XFD4000."""
    import re
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["date", "start", "end", "title"])
    sheet.append(["2027-03-16", "13:00", "14:00", "Öppning"])
    plain = io.BytesIO()
    workbook.save(plain)
    patched = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD4000"/>', data
                )
                assert count == 1
            out.writestr(info, data)
    return patched.getvalue()


def test_a_hostile_xlsx_is_a_form_error_in_little_memory(organiser_client, conference):
    import tracemalloc

    content = hostile_xlsx()
    assert len(content) < 10_000
    tracemalloc.start()
    try:
        response = upload(organiser_client, conference, content, name="program.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error.startswith("Bladet säger att det omfattar 4000 rader och 16384 kolumner")
    assert "result" not in response.context
    print(f"hostile xlsx {len(content)} B: peak {peak / 1e6:.1f} MB")
    assert peak < 100 * 1024 * 1024


def test_an_upload_over_the_byte_cap_is_refused_unread(organiser_client, conference):
    response = upload(organiser_client, conference, b"x" * (2 * 1024 * 1024 + 1))

    assert response.context["form"].errors["file"] == ["Filen är större än 2 MB."]


def test_not_a_zip_named_xlsx_is_a_form_error(organiser_client, conference):
    response = upload(organiser_client, conference, b"PK\x03\x04 broken", name="program.xlsx")

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Ladda upp en CSV- eller XLSX-fil."]


def test_csv_reading_stops_after_the_row_cap(organiser_client, conference):
    rows = "".join(f"2027-03-16;13:00;14:00;Rad {i}\n" for i in range(5000))
    response = upload(organiser_client, conference, f"date;start;end;title\n{rows}".encode())

    assert response.context["form"].errors["file"] == ["Högst 500 rader åt gången."]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(organiser_client, conference):
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(bomb.getvalue()) < 2 * 1024 * 1024

    response = upload(organiser_client, conference, bomb.getvalue(), name="program.xlsx")

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Kalkylarket packas upp till för mycket data för att kunna importeras."
    ]
