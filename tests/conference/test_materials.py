"""Session materials: visibility before and after the moment, registered only through the
private page, uploads refused by type, content and size (nothing saved), served safely, and
listed in the "we missed you" e-mail."""

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conference.errors import ProgrammeError
from conference.materials import material_add, material_visible, materials_of
from conference.models import SessionMaterial
from impact.models import EmailRule
from impact.rules import rule_render, rules_create_defaults
from registration.models import Registration
from tests.factories import ConferenceFactory, RegistrationFactory, SessionFactory, local

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def session():
    conference = ConferenceFactory(start=local(2027, 3, 16, 12), end=local(2027, 3, 17, 13, 30))
    return SessionFactory(
        conference=conference,
        title="Samverkan",
        start=local(2027, 3, 16, 13),
        end=local(2027, 3, 16, 14),
    )


def pdf(name="bilder.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_after_the_session_hidden_before_its_end_and_shown_from_it(session):
    material = material_add(
        session=session, title="Bilder", upload=pdf(), visibility=SessionMaterial.Visibility.AFTER
    )

    assert material_visible(material, now=local(2027, 3, 16, 13, 59)) is False
    assert material_visible(material, now=local(2027, 3, 16, 14)) is True


def test_registered_only_is_not_public_but_on_the_private_page(client, session):
    material = material_add(
        session=session,
        title="Deltagarlista",
        upload=pdf(),
        visibility=SessionMaterial.Visibility.REGISTERED,
    )
    anna = RegistrationFactory(conference=session.conference)
    waiting = RegistrationFactory(
        conference=session.conference,
        status=Registration.Status.WAITING,
        waiting_since=timezone.now(),
    )

    public = client.get(f"/{session.conference.slug}/materials/{material.pk}/")
    private = client.get(f"/r/{anna.manage_token}/materials/{material.pk}/")
    not_seated = client.get(f"/r/{waiting.manage_token}/materials/{material.pk}/")
    page = client.get(f"/r/{anna.manage_token}/").content.decode()

    assert (public.status_code, private.status_code, not_seated.status_code) == (404, 200, 404)
    assert materials_of(conference=session.conference) == []
    assert f'href="/r/{anna.manage_token}/materials/{material.pk}/"' in page


def test_file_served_with_its_checked_type_as_a_sandboxed_attachment(client, session):
    material = material_add(session=session, title="Bilder", upload=pdf("Mina bilder!.pdf"))

    response = client.get(f"/{session.conference.slug}/materials/{material.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Mina_bilder.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    "upload, code",
    [
        (SimpleUploadedFile("sida.html", b"<script>alert(1)</script>"), "material_type"),
        (SimpleUploadedFile("bilder.pdf", b"<html><script></script>"), "material_content"),
        (SimpleUploadedFile("bilder.pptx", b"%PDF-1.4"), "material_content"),
    ],
)
def test_upload_of_wrong_type_or_content_refused_nothing_saved(session, tmp_path, upload, code):
    with pytest.raises(ProgrammeError) as refused:
        material_add(session=session, title="X", upload=upload)

    assert (refused.value.code, refused.value.field) == (code, "file")
    assert SessionMaterial.objects.count() == 0
    assert list(tmp_path.rglob("*.*")) == []


def test_upload_too_large_refused_with_a_clear_error(session, settings):
    settings.MATERIAL_MAX_BYTES = 1024 * 1024

    with pytest.raises(ProgrammeError) as refused:
        material_add(session=session, title="X", upload=pdf(content=PDF + b"0" * 1024 * 1024))

    assert refused.value.code == "material_too_large"
    assert str(refused.value.message) == "Filen är för stor: högst 1 MB."
    assert SessionMaterial.objects.count() == 0


def test_link_must_be_http_and_file_or_link_not_both(session):
    with pytest.raises(ProgrammeError) as scheme:
        material_add(session=session, title="X", url="javascript:alert(1)")
    with pytest.raises(ProgrammeError) as both:
        material_add(session=session, title="X", url="https://example.org/film", upload=pdf())

    assert (scheme.value.code, both.value.code) == ("material_link", "material_file_or_link")
    assert SessionMaterial.objects.count() == 0


def test_session_page_and_materials_page_list_public_materials(client, session):
    material_add(session=session, title="Inspelning", url="https://example.org/film")
    material_add(
        session=session,
        title="Senare",
        url="https://example.org/senare",
        visibility=SessionMaterial.Visibility.AFTER,
    )

    page = client.get(session.get_absolute_url()).content.decode()
    listing = client.get(f"/{session.conference.slug}/materials/").content.decode()

    assert 'href="https://example.org/film" rel="noopener noreferrer">Inspelning</a>' in page
    assert "example.org/senare" not in page
    assert 'href="https://example.org/film" rel="noopener noreferrer">Inspelning</a>' in listing


def test_we_missed_you_email_lists_the_materials(session):
    conference = session.conference
    material_add(session=session, title="Inspelning", url="https://example.org/film")
    slides = material_add(
        session=session,
        title="Bilder",
        upload=pdf(),
        visibility=SessionMaterial.Visibility.REGISTERED,
    )
    rules_create_defaults(conference=conference)
    rule = EmailRule.objects.get(conference=conference, preset="missed")
    bo = RegistrationFactory(conference=conference, name="Bo")

    body = rule_render(rule, bo).body

    assert body == (
        f"Hej Bo!\n\nVi saknade dig på {conference.name}. Presentationer och material från "
        f"dagarna finns här: {django_settings.SITE_URL}/{conference.slug}/materials/\n\n"
        "Samverkan – Inspelning: https://example.org/film\n"
        f"Samverkan – Bilder: {django_settings.SITE_URL}/r/{bo.manage_token}/materials/{slides.pk}/"
    )


def test_public_materials_page_queries_do_not_grow(client, session):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n):
        while SessionMaterial.objects.count() < n:
            i = SessionMaterial.objects.count()
            other = SessionFactory(conference=session.conference, title=f"Pass {i}")
            material_add(session=other, title=f"M {i}", url=f"https://example.org/{i}")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/{session.conference.slug}/materials/").status_code == 200
        return len(captured)

    grow(3)
    small = queries()
    grow(30)

    assert queries() == small
