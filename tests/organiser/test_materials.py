"""The workspace's materials page: add a file or a link, refused uploads as form errors with
nothing saved, removal, scoping, constant queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conference.materials import material_add
from conference.models import SessionMaterial
from tests.factories import ConferenceFactory, SessionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(conference, rest=""):
    return f"/organiser/{conference.slug}/programme/materials/{rest}"


def test_add_a_file_then_remove_it(client, organiser, conference, tmp_path):
    session = SessionFactory(conference=conference, title="Samverkan")

    response = client.post(
        url(conference),
        {
            "session": session.pk,
            "title": "Bilder",
            "visibility": "after",
            "file": SimpleUploadedFile("bilder.pdf", PDF),
        },
    )
    material = SessionMaterial.objects.get()
    page = client.get(url(conference)).content.decode()
    removed = client.post(url(conference, f"{material.pk}/delete/"))

    assert response.status_code == 302
    assert (material.title, material.content_type, material.size) == (
        "Bilder",
        "application/pdf",
        len(PDF),
    )
    assert "Bilder (PDF, 15\xa0byte)" in page
    assert removed.status_code == 302
    assert SessionMaterial.objects.count() == 0
    assert list(tmp_path.rglob("*.pdf")) == []


def test_refused_upload_is_a_form_error_and_nothing_saved(client, organiser, conference):
    session = SessionFactory(conference=conference)

    response = client.post(
        url(conference),
        {
            "session": session.pk,
            "title": "Sida",
            "visibility": "at_once",
            "file": SimpleUploadedFile("sida.html", b"<script></script>"),
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Filer av den här typen kan inte läggas till. Tillåtna: PDF, PowerPoint, Word, Excel, "
        "OpenDocument, PNG och JPEG."
    ]
    assert SessionMaterial.objects.count() == 0


def test_other_conferences_materials_are_404(client, organiser):
    other = ConferenceFactory()
    material = material_add(
        session=SessionFactory(conference=other), title="X", url="https://example.org/x"
    )

    assert client.get(url(other)).status_code == 404
    assert client.post(url(other, f"{material.pk}/delete/")).status_code == 404


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_materials_page_queries_do_not_grow(client, organiser, conference):
    def grow(n):
        while SessionMaterial.objects.count() < n:
            i = SessionMaterial.objects.count()
            material_add(
                session=SessionFactory(conference=conference),
                title=f"M {i}",
                url=f"https://example.org/{i}",
            )

    grow(3)
    small = _queries(client, url(conference))
    grow(30)
    large = _queries(client, url(conference))

    assert small == large
