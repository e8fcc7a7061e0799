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
