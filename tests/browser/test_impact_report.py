"""After the conference, in a real browser: the organiser reads the report with its charts in
Swedish and downloads the PDF; an attendee downloads their certificate from the private link.
The report, attendance, questions and certificates pages fit a phone in both languages and pass
axe-core."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from registration.services import answers_set, question_create
from tests.browser.conftest import PHONE
from tests.browser.test_pages_fit_a_phone import AXE_OPTIONS, assert_fit
from tests.impact.conftest import build_known

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def known(db):
    # Held in 2025, so it is over and certificates can be downloaded.
    known = build_known(sizes=[("public", 8, 6), ("private", 6, 5)], slug="lk", year=2025)
    yes_no = question_create(
        conference=known.conference, kind="yes_no", text="Första gången hos oss?"
    )
    for person in known.confirmed:
        answers_set(registration=person, answers={yes_no.pk: person.pk % 3 == 0})
    return known


def test_organiser_reads_the_report_in_swedish_and_downloads_the_pdf(
    live_server, page_as, screenshot, known
):
    phone = page_as(known.organiser, PHONE)

    phone.goto(f"{live_server.url}/organiser/lk/report/")
    screenshot(phone, "impact-report-sv-phone")
    charts = phone.locator("svg.chart[role='img']")
    violations = Axe().run(phone, options=AXE_OPTIONS).response["violations"]
    with phone.expect_download() as download:
        link = phone.get_by_role("link", name="Ladda ner rapporten (PDF)")
        link.focus()
        phone.keyboard.press("Enter")

    assert phone.locator("h1").inner_text() == f"Rapport: {known.conference.name}"
    assert charts.count() == 5
    assert phone.locator("#chart-sector title").text_content() == (
        "Sektor: bekräftade och närvarande"
    )
    assert phone.locator("#summary [data-figure='present']").inner_text() == "11"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert violations == []
    assert download.value.suggested_filename == "lk-report.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_attendee_downloads_the_certificate_from_the_private_link(
    live_server, page_at, screenshot, known
):
    anna = known.present[0]
    phone = page_at(PHONE)

    phone.goto(f"{live_server.url}/r/{anna.manage_token}/")
    screenshot(phone, "impact-certificate-link-sv-phone")
    violations = Axe().run(phone, options=AXE_OPTIONS).response["violations"]
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Ladda ner mitt intyg om deltagande (PDF)").click()

    assert violations == []
    assert download.value.suggested_filename == "intyg-lk.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_impact_pages_fit_a_phone_in_both_languages(live_server, page_as, screenshot, known):
    phone = page_as(known.organiser, PHONE)
    code = known.present[0]
    from impact.certificates import certificates_issue

    certificate = certificates_issue(conference=known.conference)[code.pk]
    pages = [
        "organiser/lk/report/",
        "organiser/lk/attendance/",
        "organiser/lk/questions/",
        f"organiser/lk/questions/{known.question.pk}/",
        "organiser/lk/report/certificates/",
        f"intyg/{certificate.code}/",
    ]

    assert_fit(phone, live_server.url, pages, screenshot)


def test_registration_form_with_own_questions_fits_a_phone(live_server, page_at, screenshot):
    from tests.factories import ConferenceFactory

    conference = ConferenceFactory(slug="kq", name="Lärkonferens 2027")
    from registration.services import question_add_municipalities

    question_add_municipalities(conference=conference, required=True)
    question_create(
        conference=conference,
        kind="multiple",
        text="Vad vill du lära dig?",
        text_en="What do you want to learn?",
        choices=["Finansiering", "Partnerskap"],
        choices_en=["Funding", "Partnerships"],
    )
    question_create(conference=conference, kind="number", text="Antal anställda")
    question_create(conference=conference, kind="yes_no", text="Första gången hos oss?")
    question_create(conference=conference, kind="text", text="Din roll")
    phone = page_at(PHONE)

    assert_fit(phone, live_server.url, ["kq/register/"], screenshot)
