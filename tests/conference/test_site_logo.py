"""The organisation's logo in every page's header (uploaded by site operators in the admin)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conference.models import SiteProfile, validate_logo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(kind="PNG", size=(200, 80), name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 80, 40)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_header_links_the_logo_address_on_every_page(client):
    page = client.get("/integritet/").content.decode()

    assert '<img src="/site-logo/" alt="" height="32"> Samla</a>' in page


def test_without_a_logo_the_address_shows_samlas_mark(client):
    response = client.get("/site-logo/")

    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"


def test_the_uploaded_logo_is_served(client):
    profile = SiteProfile(pk=1, organisation="Coompanion Skåne")
    profile.logo.save("logo.png", upload(), save=True)

    response = client.get("/site-logo/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (upload("GIF", name="logo.gif"), "not_image"),
        (SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "not_image"),
        (upload(size=(8, 8)), "size"),
    ],
)
def test_logo_validation_refuses_other_types_and_odd_sizes(file, code):
    with pytest.raises(ValidationError) as refused:
        validate_logo(file)

    assert refused.value.code == code


def test_logo_validation_accepts_jpeg():
    validate_logo(upload("JPEG", name="logo.jpg"))


def admin_data(**extra):
    return {
        "organisation": "Coompanion Skåne",
        "contact_email": "info@example.org",
        "compliance": "partial",
        **extra,
    }


def test_operator_uploads_the_logo_in_the_admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("op", "op@example.org", "x"))

    response = client.post("/admin/conference/siteprofile/add/", admin_data(logo=upload()))

    profile = SiteProfile.objects.get()
    assert response.status_code == 302
    assert profile.logo.name.startswith("site/logo")
    assert client.get("/site-logo/")["Content-Type"] == "image/png"


def test_admin_refuses_a_gif_logo_and_saves_nothing(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("op", "op@example.org", "x"))

    response = client.post(
        "/admin/conference/siteprofile/add/", admin_data(logo=upload("GIF", name="logo.gif"))
    )

    assert response.status_code == 200
    assert "Ladda upp en bild i PNG- eller JPEG-format." in response.content.decode()
    assert SiteProfile.objects.count() == 0
