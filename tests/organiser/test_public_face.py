"""Inställningar → Funders, On your website, Personal data."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from conference.models import Conference, FunderLogo
from registration.models import Registration
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory, local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def swedish(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("sv"):
        yield


@pytest.fixture
def conference():
    return ConferenceFactory(
        slug="lk",
        name="Lärkonferens 2027",
        start=local(2027, 3, 16, 12),
        end=local(2027, 3, 17, 13),
    )


@pytest.fixture
def logged_in(client, conference):
    user = UserFactory(username="organiser")
    conference.organisers.add(user)
    client.force_login(user)
    return client


def url(name, **kwargs):
    return reverse(f"organiser:{name}", kwargs={"slug": "lk", **kwargs})


def image_file(kind="PNG", size=(120, 60), name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 51, 153)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{kind.lower()}")


def test_funders_statement_and_emblem_saved_and_shown_on_the_conference_page(
    logged_in, client, conference
):
    response = logged_in.post(
        url("funders"),
        {
            "part": "statement",
            "funder_statement": "Medfinansieras av Europeiska unionen",
            "funder_statement_en": "Co-funded by the European Union",
            "show_eu_emblem": "on",
        },
    )

    conference.refresh_from_db()
    page = client.get("/lk/").content.decode()
    english = client.get("/en/lk/").content.decode()
    assert response.status_code == 302
    assert (conference.funder_statement, conference.show_eu_emblem) == (
        "Medfinansieras av Europeiska unionen",
        True,
    )
    assert '<p class="funder-statement">Medfinansieras av Europeiska unionen</p>' in page
    assert 'alt="Europeiska unionens flagga"' in page
    assert '<p class="funder-statement">Co-funded by the European Union</p>' in english
    assert 'alt="Flag of the European Union"' in english


def test_conference_page_shows_no_funders_section_when_none_set(client, conference):
    page = client.get("/lk/").content.decode()

    assert 'class="funders"' not in page


def test_funder_logo_added_and_removed(logged_in, client, conference):
    response = logged_in.post(
        url("funders"),
        {"part": "logo", "image": image_file(), "alt_text": "Region Skåne", "alt_text_en": ""},
    )

    logo = FunderLogo.objects.get(conference=conference)
    page = client.get("/lk/").content.decode()
    assert response.status_code == 302
    assert (logo.alt_text, logo.position) == ("Region Skåne", 0)
    assert f'<img src="{logo.image.url}" alt="Region Skåne" height="48">' in page

    removed = logged_in.post(url("funder-logo-delete", logo_id=logo.pk))

    assert removed.status_code == 302
    assert FunderLogo.objects.count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (image_file("GIF", name="logo.gif"), "Ladda upp en bild i PNG- eller JPEG-format."),
        (
            SimpleUploadedFile("logo.png", b"<svg onload='x'>", content_type="image/png"),
            "Ladda upp en giltig bild.",
        ),
        (image_file(size=(4001, 20)), "Bilden måste vara mellan 16 och 4000 pixlar bred och hög."),
    ],
)
def test_funder_logo_refused_with_a_clear_error_and_nothing_saved(
    logged_in, conference, upload, message
):
    response = logged_in.post(
        url("funders"), {"part": "logo", "image": upload, "alt_text": "Region Skåne"}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert FunderLogo.objects.count() == 0


def test_funder_logo_over_2_mb_refused(logged_in, conference, monkeypatch):
    monkeypatch.setattr("conference.models.base.LOGO_MAX_BYTES", 100)

    response = logged_in.post(
        url("funders"), {"part": "logo", "image": image_file(), "alt_text": "Region Skåne"}
    )

    assert response.status_code == 400
    assert "Bilden är större än 2 MB" in response.content.decode()
    assert FunderLogo.objects.count() == 0


def test_funder_logo_without_alt_text_refused(logged_in, conference):
    response = logged_in.post(url("funders"), {"part": "logo", "image": image_file()})

    assert response.status_code == 400
    assert FunderLogo.objects.count() == 0


def test_other_organisers_get_404_on_the_public_face_pages(client, conference):
    other = ConferenceFactory(slug="annan")
    user = UserFactory(username="other")
    other.organisers.add(user)
    client.force_login(user)
    logo = FunderLogo.objects.create(conference=conference, image="funders/x.png", alt_text="X")

    pages = [url("funders"), url("embed"), url("retention"), url("retention-run")]
    answers = [client.get(page).status_code for page in pages]
    deleted = client.post(url("funder-logo-delete", logo_id=logo.pk))

    assert answers == [404, 404, 404, 404]
    assert deleted.status_code == 404
    assert FunderLogo.objects.count() == 1


def test_embed_page_shows_snippets_and_saves_origins(logged_in, conference):
    saved = logged_in.post(url("embed"), {"embed_origins": "https://www.example.org"})
    page = logged_in.get(url("embed")).content.decode()

    conference.refresh_from_db()
    assert saved.status_code == 302
    assert conference.embed_origins == "https://www.example.org"
    english_name = conference.name_en
    assert (
        "&lt;div data-samla-embed=&quot;http://127.0.0.1:8000/lk/embed/programme/&quot; "
        "data-samla-title=&quot;Lärkonferens 2027: Program&quot;&gt;"
    ) in page
    assert (
        "&lt;iframe src=&quot;http://127.0.0.1:8000/en/lk/embed/register/&quot; "
        f"title=&quot;{english_name}: Registration&quot;"
    ) in page
    assert (
        "&lt;script src=&quot;http://127.0.0.1:8000/static/conference/embed.js&quot; "
        "defer&gt;&lt;/script&gt;"
    ) in page
    assert '<iframe src="/lk/embed/programme/"' in page


def test_embed_page_refuses_a_bad_origin_and_saves_nothing(logged_in, conference):
    response = logged_in.post(url("embed"), {"embed_origins": "https://www.example.org/sida"})

    conference.refresh_from_db()
    assert response.status_code == 400
    assert "”https://www.example.org/sida” är inte en webbadress" in response.content.decode()
    assert conference.embed_origins == ""


def test_retention_page_shows_the_date_and_saves_a_longer_period(logged_in, conference):
    page = logged_in.get(url("retention")).content.decode()
    saved = logged_in.post(url("retention"), {"retention_days": "1825"})

    conference.refresh_from_db()
    assert "anonymiseras den 16 mars 2028 (365 dagar efter konferensen)" in page
    assert saved.status_code == 302
    assert conference.retention_days == 1825
    assert conference.anonymise_after == local(2032, 3, 15, 13)


def test_retention_period_shorter_than_30_days_refused(logged_in, conference):
    response = logged_in.post(url("retention"), {"retention_days": "5"})

    conference.refresh_from_db()
    assert response.status_code == 400
    assert conference.retention_days is None


def test_anonymise_now_asks_first_then_runs(logged_in, conference):
    RegistrationFactory(conference=conference, name="Greta Exempel")

    asked = logged_in.get(url("retention-run"))
    still = Registration.objects.get().name
    done = logged_in.post(url("retention-run"), {"confirm": "yes"})

    conference.refresh_from_db()
    assert asked.status_code == 200
    assert still == "Greta Exempel"
    assert done.status_code == 302
    assert Registration.objects.get().name == "Anonymiserad"
    assert conference.anonymised_at is not None


def test_email_footer_carries_the_funding_statement(settings, conference):
    from registration.emails import email_build
    from registration.models import EmailLog

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    Conference.objects.filter(pk=conference.pk).update(
        funder_statement="Medfinansieras av Europeiska unionen", show_eu_emblem=True
    )
    registration = RegistrationFactory(conference=Conference.objects.get(pk=conference.pk))
    log = EmailLog.objects.create(
        conference=conference, registration=registration, kind="confirmation"
    )

    message = email_build(log)

    html = message.alternatives[0][0]
    assert message.body.rstrip().endswith(
        "Medfinansieras av Europeiska unionen\nEuropeiska unionens flagga"
    )
    assert "Medfinansieras av Europeiska unionen" in html
    assert 'src="http://127.0.0.1:8000/static/conference/eu-emblem.svg"' in html
    assert mail.outbox == []
    assert timezone.now() - timedelta(minutes=1) < log.created_at


@pytest.mark.parametrize("logos", [1, 3])
def test_funders_page_query_count_does_not_grow_with_logos(
    logged_in, conference, logos, django_assert_num_queries
):
    for i in range(logos):
        FunderLogo.objects.create(
            conference=conference, image=f"funders/{i}.png", alt_text=f"Finansiär {i}", position=i
        )

    # session, user, conference, logos (the list), logos (the preview)
    with django_assert_num_queries(5):
        response = logged_in.get(url("funders"))

    assert response.content.decode().count('class="funder-list"') == 1
    assert response.content.decode().count("<li><img src=") == 2 * logos
