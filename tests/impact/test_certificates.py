"""Certificates of attendance: who gets one, what it says (pdftotext), its QR code (zbarimg)
and the verification page, the attendee's download, the organiser's one PDF and e-mails."""

import re
import shutil
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from checkin.models import Checkpoint
from checkin.services import checkpoints_ensure, scan_submit
from impact.certificates import (
    certificate_render,
    certificate_verify,
    certificates_render,
    total_hours,
)
from impact.errors import ImpactError
from impact.models import Certificate
from impact.report import report_get
from impact.report_formats import report_pdf
from impact.services import certificates_email_queue
from registration.models import EmailLog
from registration.services import registration_delete
from tests.factories import RegistrationFactory, SessionFactory, local

from .conftest import build_known

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)
needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbarimg (zbar-tools) and pdftoppm are not installed",
)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return out.stdout


@pytest.fixture
def small(db):
    """The known conference with a few people, over: its end moved into the past."""
    known = build_known(sizes=[("public", 6, 5), ("private", 2, 1)], with_earlier=False)
    return known


@needs_poppler
def test_report_pdf_has_the_figures(known, tmp_path):
    text = pdf_text(report_pdf(report_get(conference=known.conference)), tmp_path)

    flat = " ".join(text.split())
    assert "Närvarorapport: Lärkonferens" in flat
    assert "Anmälda 137" in flat
    assert "Närvarande 104" in flat
    assert "Bekräftade 130" in flat
    assert "Uteblivna 26" in flat
    assert "Andel uteblivna 20,0 %" in flat
    # pdftotext closes up the right-aligned "< 5".
    assert "Akademi 10 <5" in flat.replace("< ", "<")
    # Seats, places taken, waiting-list peak and present, after the title and time.
    assert "Partnerskap 17 mars 09.00–10.30 30 30 0 25 (Sal B)" in flat
    assert "Välkommen 16 mars 12.30–14.00 200 – – 110 (huvudräkning) (Aulan)" in flat
    assert "Definitioner" in flat


@needs_poppler
def test_certificate_lists_the_sessions_attended_and_the_hours(small, tmp_path):
    anna = small.present[0]  # both days, the plenary's day and Partnerskap (scanned)

    text = pdf_text(certificate_render(registration=anna), tmp_path)

    flat = " ".join(text.split())
    code = Certificate.objects.get(registration=anna).code
    assert "Intyg om deltagande" in flat
    assert f"{anna.name} har deltagit i {small.conference.name}" in flat
    assert "16 mars 12.30–14.00 Välkommen" in flat
    assert "17 mars 09.00–10.30 Partnerskap" in flat
    assert "Finansiering" not in flat
    assert "Totalt: 3 timmar" in flat
    assert f"Kod: {code}" in flat


@needs_poppler
def test_certificate_is_in_english_for_an_english_attendee(small, tmp_path):
    anna = small.present[0]
    anna.language = "en"
    anna.save(update_fields=["language"])

    flat = " ".join(pdf_text(certificate_render(registration=anna), tmp_path).split())

    assert "Certificate of attendance" in flat
    assert f"took part in {small.conference.name_en}" in flat
    assert "Total: 3 hours" in flat
    assert "/en/intyg/" in flat


@needs_zbar
def test_certificate_qr_code_opens_the_verification_page(client, small, tmp_path):
    anna = small.present[0]
    path = tmp_path / "intyg.pdf"
    path.write_bytes(certificate_render(registration=anna))
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)

    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page-1.png")],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.strip()
    code = Certificate.objects.get(registration=anna).code
    assert decoded == f"http://127.0.0.1:8000/intyg/{code}/"
    response = client.get(decoded.removeprefix("http://127.0.0.1:8000"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Giltigt." in page
    assert anna.name in page
    assert small.conference.name in page
    assert anna.email not in page
    assert anna.organisation not in page


def test_verification_of_an_unknown_code_says_not_valid(client, db):
    response = client.get("/intyg/NOSUCHCODE12/")

    assert response.status_code == 404
    assert "Inte giltigt." in response.content.decode()


def test_certificate_stops_verifying_when_the_person_is_deleted(small):
    anna = small.present[0]
    certificate_render(registration=anna)
    code = Certificate.objects.get(registration=anna).code

    registration_delete(registration=anna)

    assert certificate_verify(code=code) is None


def test_certificate_refused_for_a_no_show_nothing_issued(small):
    no_show = small.confirmed[5]  # public, not present

    with pytest.raises(ImpactError) as refused:
        certificate_render(registration=no_show)

    assert refused.value.code == "not_present"
    assert Certificate.objects.filter(registration=no_show).count() == 0


def test_attendee_downloads_the_certificate_after_the_conference_only(client, small):
    anna = small.present[0]
    url = f"/r/{anna.manage_token}/certificate.pdf"

    before = client.get(url)
    small.conference.end = timezone.now() - timedelta(days=1)
    small.conference.start = small.conference.end - timedelta(days=1)
    small.conference.save(update_fields=["start", "end"])
    after = client.get(url)
    no_show = client.get(f"/r/{small.confirmed[5].manage_token}/certificate.pdf")

    assert before.status_code == 409
    assert after.status_code == 200
    assert after["Content-Type"] == "application/pdf"
    assert after.content.startswith(b"%PDF")
    assert after["Content-Disposition"] == (
        f'attachment; filename="intyg-{small.conference.slug}.pdf"'
    )
    assert no_show.status_code == 409


def test_private_page_links_the_certificate_once_the_conference_is_over(client, small):
    anna = small.present[0]
    small.conference.end = timezone.now() - timedelta(hours=1)
    small.conference.start = small.conference.end - timedelta(days=1)
    small.conference.save(update_fields=["start", "end"])

    page = client.get(f"/r/{anna.manage_token}/").content.decode()

    assert f'href="/r/{anna.manage_token}/certificate.pdf"' in page


def test_organiser_downloads_all_certificates_as_one_pdf(client, small):
    import io

    from pypdf import PdfReader

    client.force_login(small.organiser)

    response = client.get(f"/organiser/{small.conference.slug}/report/certificates/all.pdf")

    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 6
    assert Certificate.objects.filter(registration__conference=small.conference).count() == 6


def test_sending_certificates_emails_each_person_once(
    client, small, django_capture_on_commit_callbacks
):
    client.force_login(small.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/organiser/{small.conference.slug}/report/certificates/send/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/organiser/{small.conference.slug}/report/certificates/send/")

    logs = EmailLog.objects.filter(kind=EmailLog.Kind.CERTIFICATE)
    assert logs.count() == 6
    assert sorted(logs.values_list("registration_id", flat=True)) == sorted(
        p.pk for p in small.present
    )
    assert len(mail.outbox) == 6
    message = mail.outbox[0]
    assert message.subject.startswith("Ditt intyg om deltagande från Lärkonferens")
    assert message.attachments[0][0].endswith("-intyg.pdf")
    assert message.attachments[0][1].startswith(b"%PDF")
    assert certificates_email_queue(conference=small.conference) == 0


def test_total_hours_counts_overlaps_once(small):
    first = SessionFactory(
        conference=small.conference, start=local(2027, 3, 16, 9), end=local(2027, 3, 16, 10)
    )
    overlapping = SessionFactory(
        conference=small.conference, start=local(2027, 3, 16, 9, 30), end=local(2027, 3, 16, 11)
    )
    later = SessionFactory(
        conference=small.conference, start=local(2027, 3, 16, 13), end=local(2027, 3, 16, 13, 45)
    )

    assert total_hours([first, overlapping, later]) == 2.75


def test_present_people_get_distinct_codes(small):
    certificates_render(conference=small.conference)

    codes = list(Certificate.objects.values_list("code", flat=True))
    assert len(set(codes)) == 6
    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{12}", code) for code in codes)


def test_a_scan_on_the_day_makes_a_walk_in_eligible(small):
    extra = RegistrationFactory(conference=small.conference, email="walkin@example.org")
    checkpoints_ensure(conference=small.conference)
    entrance = Checkpoint.objects.get(
        conference=small.conference, kind="entrance", day=local(2027, 3, 16).date()
    )
    scan_submit(checkpoint=entrance, scan_id=uuid.uuid4(), registration_id=extra.pk)

    assert certificate_render(registration=extra).startswith(b"%PDF")


@needs_zbar
def test_certificate_and_report_show_the_funders_when_set(small, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from conference.services import conference_update, funder_logo_add

    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 0, 0)).save(buffer, "PNG")
    funder_logo_add(
        conference=small.conference,
        image=SimpleUploadedFile("region.png", buffer.getvalue(), content_type="image/png"),
        alt_text="Region Skåne",
    )
    conference_update(
        conference=small.conference,
        funder_statement="Medfinansieras av Europeiska unionen",
        show_eu_emblem=True,
    )
    anna = small.present[0]

    certificate = certificate_render(registration=anna)
    report = report_pdf(report_get(conference=small.conference))

    for name, pdf in (("certificate", certificate), ("report", report)):
        flat = " ".join(pdf_text(pdf, tmp_path).split())
        assert "Medfinansieras av Europeiska unionen" in flat, name
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / name)],
            check=True,
        )
        page = Image.open(next(tmp_path.glob(f"{name}*.png"))).convert("RGB")
        reds = sum(1 for r, g, b in page.getdata() if r > 160 and g < 40 and b < 40)
        blues = sum(1 for r, g, b in page.getdata() if r < 40 and 20 < g < 80 and b > 120)
        assert reds > 50, name  # the funder's logo
        assert blues > 50, name  # the EU emblem
