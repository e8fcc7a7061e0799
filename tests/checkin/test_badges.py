import shutil
import subprocess

import pytest

from checkin.badges import render_sheet
from checkin.models import BadgeCode, BadgeJob
from checkin.services import badge_code_for
from registration.models import Registration
from tests.checkin.conftest import set_status
from tests.factories import RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

needs_tools = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs poppler-utils and zbar-tools",
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def decode_qr_codes(pdf: bytes, tmp_path, dpi=150) -> list[str]:
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(tmp_path / "sheet.pdf"), str(tmp_path / "page")],
        check=True,
    )
    found = []
    for image in sorted(tmp_path.glob("page*.png")):
        result = subprocess.run(
            ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
            capture_output=True,
            text=True,
        )
        found += [line for line in result.stdout.splitlines() if line]
    return found


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "text.pdf").write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "text.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def people(conference, names):
    rows = []
    for name in names:
        registration = RegistrationFactory(conference=conference, name=name)
        badge = badge_code_for(registration)
        rows.append((registration, badge.code, badge.short_code))
    return rows


@needs_tools
@pytest.mark.parametrize(("layout", "count", "pages"), [("card", 10, 2), ("a6", 5, 2)])
def test_render_sheet_every_qr_decodes_to_its_badge_code(
    conference, tmp_path, layout, count, pages
):
    rows = people(conference, [f"Deltagare {n}" for n in range(count)])

    pdf = render_sheet(conference, rows, layout=layout)

    assert sorted(decode_qr_codes(pdf, tmp_path)) == sorted(code for _r, code, _s in rows)
    assert len(list(tmp_path.glob("page*.png"))) == pages


@needs_tools
def test_render_sheet_long_and_non_latin_names_fit_and_are_escaped(conference, tmp_path):
    names = [
        "Maria Josefina Eleonora Åkesson-Lindqvist von Hallwyl-Gyllenstierna",
        "Σωκράτης Παπαδόπουλος",
        "Алексей Достоевский",
        "<b>Fet</b> & Co",
        "Oneverylongwordwithoutanyspacesatallthatmustwrapsomewhere",
    ]
    rows = people(conference, names)

    pdf = render_sheet(conference, rows, layout="card")

    text = pdf_text(pdf, tmp_path)
    assert "<b>Fet</b> & Co" in text
    assert "Σωκράτης" in text
    assert "Алексей" in text
    assert sorted(decode_qr_codes(pdf, tmp_path)) == sorted(code for _r, code, _s in rows)


def _font_families() -> str:
    if not shutil.which("fc-list"):
        return ""
    return subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout


@pytest.mark.skipif(
    not all(f in _font_families() for f in ("Noto Sans Ethiopic", "Noto Sans CJK")),
    reason="needs the fonts-noto-core and fonts-noto-cjk Debian packages (.ci/run installs them)",
)
def test_render_sheet_prints_names_in_every_script_without_missing_glyphs(conference, caplog):
    names = [
        "ሰላም ገብረመድህን",  # Tigrinya
        "አበበ ቢቂላ",  # Amharic
        "محمد الأحمد",  # Arabic
        "زهرا احمدی",  # Persian
        "王小明",  # Chinese
        "김민준",  # Korean
        "山田花子",  # Japanese
        "Nguyễn Thị Minh Khai",
        "Ásta Þórsdóttir",
    ]

    with caplog.at_level("WARNING", logger="weasyprint"):
        pdf = render_sheet(conference, people(conference, names), layout="card")

    assert pdf.startswith(b"%PDF")
    # WeasyPrint warns for every character no installed font has (printed as an empty box).
    assert [r.getMessage() for r in caplog.records if ".notdef" in r.getMessage()] == []


def test_my_badge_by_private_link_pdf(client, attendee):
    response = client.get(f"/r/{attendee.manage_token}/badge.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert BadgeCode.objects.filter(registration=attendee).count() == 1


def test_my_badge_url_name_reverses(attendee):
    from django.urls import reverse

    assert reverse("checkin:my-badge", kwargs={"token": "abc"}) == "/r/abc/badge.pdf"


def test_my_badge_waiting_registration_409_no_code(client, attendee):
    set_status(attendee, Registration.Status.WAITING)

    response = client.get(f"/r/{attendee.manage_token}/badge.pdf")

    assert response.status_code == 409
    assert BadgeCode.objects.count() == 0


def test_my_badge_wrong_token_404(client):
    response = client.get("/r/not-a-token/badge.pdf")

    assert response.status_code == 404


def test_badge_job_for_organiser_rendered_and_downloadable(
    client, organiser, conference, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(3, conference=conference, sector="public")
    RegistrationFactory(conference=conference, sector="academia")
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organiser/{conference.slug}/badges/", {"kind": "card", "sector": "public"}
        )

    job = BadgeJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.count) == ("done", 3)
    download = client.get(f"/organiser/{conference.slug}/badges/{job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_badge_job_desk_list_has_no_email(
    client, organiser, conference, attendee, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/organiser/{conference.slug}/badges/", {"kind": "desk"})

    job = BadgeJob.objects.get()
    text = pdf_text(job.file.read(), tmp_path)
    assert "Alva Ek" in text
    assert attendee.email not in text


def test_badge_page_door_staff_404(client, door_user, conference):
    client.force_login(door_user)

    response = client.post(f"/organiser/{conference.slug}/badges/", {"kind": "card"})

    assert response.status_code == 404
    assert BadgeJob.objects.count() == 0


def test_badge_job_bad_layout_form_error_nothing_queued(client, organiser, conference):
    client.force_login(organiser)

    response = client.post(f"/organiser/{conference.slug}/badges/", {"kind": "poster"})

    assert response.status_code == 400
    assert BadgeJob.objects.count() == 0


def test_badge_job_other_organiser_404(client, conference):
    other = UserFactory(username="other-organiser")

    client.force_login(other)
    response = client.get(f"/organiser/{conference.slug}/badges/")

    assert response.status_code == 404


@needs_tools
def test_my_badge_qr_decodes_and_short_code_is_printed_under_it(client, conference, tmp_path):
    registration = RegistrationFactory(conference=conference, name="Karin Ödegaard")
    badge = badge_code_for(registration)

    response = client.get(f"/r/{registration.manage_token}/badge.pdf")

    assert response.status_code == 200
    assert decode_qr_codes(response.content, tmp_path) == [badge.code]
    printed = f"{badge.short_code[:4]}-{badge.short_code[4:]}"
    assert pdf_text(response.content, tmp_path).count(printed) == 1


@needs_tools
def test_render_sheet_prints_each_short_code_once(conference, tmp_path):
    rows = people(conference, [f"Deltagare {n}" for n in range(3)])

    text = pdf_text(render_sheet(conference, rows, layout="card"), tmp_path)

    assert [text.count(f"{short[:4]}-{short[4:]}") for _r, _c, short in rows] == [1, 1, 1]
