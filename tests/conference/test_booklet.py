import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from conference.exporters import booklet as booklet_export
from conference.models import Session
from conference.services import session_save
from tests.factories import RoomFactory, SessionFactory, SpeakerFactory, local

pytestmark = pytest.mark.django_db

# "Tuesday 16 March ..... 4" or "Practical information ..... 2"
CONTENTS_LINE = r"([A-Z][a-z]+(?: [a-z]+| \d+ [A-Z][a-z]+)?) ?\.{3,} ?(\d+)"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "booklet"


@pytest.fixture(autouse=True)
def booklet_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield tmp_path
    cache.clear()


def pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
        )
        text = result.stdout.decode()
    else:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


@pytest.fixture
def festival(conference, programme_of):
    """Eight parallel seminars, a shared lunch, speakers with organisations and bios."""
    sessions = programme_of(conference, 8)
    speaker = SpeakerFactory(
        conference=conference,
        name="Åsa Öberg",
        organisation="Mötesplats Social Innovation",
        bio="Forskar om sociala innovationer i Skåne.",
    )
    sessions[0].speakers.add(speaker)
    SessionFactory(
        conference=conference,
        title="Lunch i Ågrenska salen",
        kind=Session.Kind.MEAL,
        start=local(2027, 3, 17, 12, 0),
        end=local(2027, 3, 17, 13, 0),
    )
    return sessions


def test_booklet_has_every_title_room_and_speaker(client, conference, festival):
    response = client.get("/malmo/programme.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for session in conference.sessions.all():
        assert session.title in text
    for room in conference.rooms.all():
        assert room.name in text
    for speaker in conference.speakers.all():
        assert speaker.name in text
    assert "Mötesplats Social Innovation" in text
    assert "Forskar om sociala innovationer i Skåne." in text
    assert "Praktisk information" in text  # Swedish unless asked otherwise
    assert "Practical information" not in text


def test_booklet_embeds_its_fonts_and_is_a5_by_default(client, conference, festival):
    content = client.get("/malmo/programme.pdf").content

    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert "DejaVu-Sans" in fonts


def test_booklet_in_a4_and_english(client, conference, festival):
    session = festival[0]
    session.title_en = "Partnerships across sectors"
    session.save()

    response = client.get("/malmo/programme.pdf?lang=en&size=a4")

    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = pdf_text(response.content)
    assert "Partnerships across sectors" in text
    assert "Practical information" in text
    assert "Contents" in text


def test_booklet_contents_lists_the_pages_the_sections_are_on(client, conference, festival):
    content = client.get("/malmo/programme.pdf?lang=en").content
    pages = [
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(content)).pages
    ]

    contents = next(text for text in pages if text.startswith("Contents"))
    listed = {title: int(number) for title, number in re.findall(CONTENTS_LINE, contents)}
    where = {
        "Practical information": next(
            i for i, t in enumerate(pages, 1) if t.startswith("Practical information")
        ),
        "Tuesday 16 March": next(
            i for i, t in enumerate(pages, 1) if t.startswith("Tuesday 16 March 2027")
        ),
        "Wednesday 17 March": next(
            i for i, t in enumerate(pages, 1) if t.startswith("Wednesday 17 March 2027")
        ),
        "Speakers": next(i for i, t in enumerate(pages, 1) if t.startswith("Speakers")),
    }
    assert listed == where


def test_booklet_with_bad_size_or_language_is_refused(client, conference):
    assert client.get("/malmo/programme.pdf?size=b5").status_code == 400
    assert client.get("/malmo/programme.pdf?lang=fi").status_code == 400


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) not installed")
@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (zbar-tools) not installed")
def test_booklet_qr_codes_decode_to_the_session_pages(client, conference, festival, tmp_path):
    content = client.get("/malmo/programme.pdf").content
    pdf = tmp_path / "booklet.pdf"
    pdf.write_bytes(content)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    decoded = set()
    for png in sorted(tmp_path.glob("page-*.png")):
        result = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True
        )
        decoded |= {line for line in result.stdout.splitlines() if line}

    expected = {
        f"http://127.0.0.1:8000/malmo/sessions/{s.code}/" for s in conference.sessions.all()
    }
    assert pages > 4
    assert decoded == expected
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "6", str(pdf), str(ARTIFACTS / "a5")],
        check=True,
    )


def test_booklet_is_rendered_once_per_programme_version(
    client, conference, festival, django_assert_num_queries
):
    first = client.get("/malmo/programme.pdf")

    with django_assert_num_queries(1):
        again = client.get("/malmo/programme.pdf")
    with django_assert_num_queries(1):
        unchanged = client.get("/malmo/programme.pdf", HTTP_IF_NONE_MATCH=first["ETag"])
    session = festival[0]
    session.title = "Ny titel"
    session_save(session=session)
    changed = client.get("/malmo/programme.pdf", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.content == first.content
    assert unchanged.status_code == 304
    assert changed.status_code == 200
    assert "Ny titel" in pdf_text(changed.content)
    assert len(list((Path(booklet_export.settings.MEDIA_ROOT) / "booklets").glob("*.pdf"))) == 1


def test_booklet_of_a_large_programme_is_prepared_in_the_background(
    client, conference, festival, monkeypatch
):
    from conference.exporters import tasks

    queued = []
    monkeypatch.setattr(booklet_export, "SYNC_LIMIT", 3)
    monkeypatch.setattr(tasks.booklet_render, "delay", lambda *args: queued.append(args))

    waiting = client.get("/malmo/programme.pdf")
    again = client.get("/malmo/programme.pdf")
    tasks.booklet_render(*queued[0])
    ready = client.get("/malmo/programme.pdf")

    assert waiting.status_code == 202
    assert waiting["Retry-After"] == "10"
    assert '<meta http-equiv="refresh" content="10">' in waiting.content.decode()
    assert again.status_code == 202
    assert len(queued) == 1
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"


def test_booklet_of_a_large_programme_without_a_broker_renders_at_once(
    client, conference, festival, monkeypatch
):
    monkeypatch.setattr(booklet_export, "SYNC_LIMIT", 3)

    response = client.get("/malmo/programme.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


@pytest.fixture
def broker(monkeypatch):
    """As with a Celery broker: refreshes are scheduled (captured here), renders run at once."""
    from celery import current_app

    from conference.exporters import tasks

    scheduled = []
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    monkeypatch.setattr(
        tasks.booklets_refresh,
        "apply_async",
        lambda args, countdown: scheduled.append((args, countdown)),
    )
    monkeypatch.setattr(tasks.booklet_render, "delay", lambda *args: tasks.booklet_render(*args))
    yield scheduled
    current_app.conf.task_always_eager = previous


def booklet_files():
    return sorted((Path(booklet_export.settings.MEDIA_ROOT) / "booklets").glob("*.pdf"))


def test_a_programme_edit_renders_the_fetched_booklet_again_once_edits_pause(
    client, conference, festival, broker, django_capture_on_commit_callbacks,
    django_assert_num_queries,
):  # fmt: skip
    from conference.exporters import tasks

    client.get("/malmo/programme.pdf")
    first, second = festival[0], festival[1]
    with django_capture_on_commit_callbacks(execute=True):
        first.title = "Ny titel"
        session_save(session=first)
    with django_capture_on_commit_callbacks(execute=True):
        second.title = "Andra nya titeln"
        session_save(session=second)
    conference.refresh_from_db()

    # Each edit schedules a refresh a minute later; only the one after the last edit renders.
    assert [countdown for _args, countdown in broker] == [60, 60]
    assert broker[1][0] == (conference.pk, conference.programme_changed_at.isoformat())
    assert tasks.booklets_refresh(*broker[0][0]) == 0
    assert tasks.booklets_refresh(*broker[1][0]) == 1
    assert len(booklet_files()) == 1  # the old version is gone
    assert booklet_files()[0].stat().st_mode & 0o777 == 0o644  # web workers of any user read it
    with django_assert_num_queries(1):
        fresh = client.get("/malmo/programme.pdf")
    assert fresh.status_code == 200
    assert "Andra nya titeln" in pdf_text(fresh.content)
    # Only versions someone fetched: nobody asked for English on A4.
    assert booklet_export.booklet_versions_kept(conference.pk) == [("sv", "a5")]


def test_without_a_broker_a_programme_edit_renders_nothing_in_the_save(
    client, conference, festival, django_capture_on_commit_callbacks
):
    client.get("/malmo/programme.pdf")
    before = booklet_files()
    with django_capture_on_commit_callbacks(execute=True):
        festival[0].title = "Ny titel"
        session_save(session=festival[0])

    assert booklet_files() == before  # the next reader renders it, as before


def test_booklet_room_grid_shows_parallel_rooms_four_to_a_table_on_a5(client, conference):
    rooms = [
        RoomFactory(conference=conference, name=name, position=i) for i, name in enumerate("ABCDEF")
    ]
    for room in rooms:
        SessionFactory(
            conference=conference,
            title=f"Parallellt i {room.name}",
            room=room,
            start=local(2027, 3, 16, 13, 0),
            end=local(2027, 3, 16, 14, 0),
        )

    a5 = pdf_text(client.get("/malmo/programme.pdf").content)
    a4 = pdf_text(client.get("/malmo/programme.pdf?size=a4").content)

    assert "Tid A B C D" in a5
    assert "Tid E F" in a5
    assert "Tid A B C D E F" in a4


def test_booklet_kept_through_the_storage_api_not_the_local_disk(
    client, conference, festival, settings, tmp_path
):
    from django.core.files.storage import default_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    first = client.get("/malmo/programme.pdf")
    session = festival[0]
    session.title = "Ny titel"
    session_save(session=session)

    changed = client.get("/malmo/programme.pdf")

    etag = changed["ETag"].strip('"')
    assert sorted(default_storage.listdir("booklets")[1]) == sorted(
        [f"{etag}.pdf", f"{etag}.ready", f"conference-{conference.pk}-sv-a5.txt"]
    )
    assert booklet_export.booklet_cached(etag) == changed.content
    assert first.content != changed.content
    assert list(tmp_path.iterdir()) == []


def _close(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) not installed")
def test_booklet_shows_funder_logos_emblem_and_statement_when_set(client, conference, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from conference.services import conference_update, funder_logo_add

    SessionFactory(conference=conference, title="Öppning")
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 0, 0)).save(buffer, "PNG")
    funder_logo_add(
        conference=conference,
        image=SimpleUploadedFile("region.png", buffer.getvalue(), content_type="image/png"),
        alt_text="Region Skåne",
    )
    conference_update(
        conference=conference,
        funder_statement="Medfinansieras av Europeiska unionen",
        show_eu_emblem=True,
    )

    response = client.get("/malmo/programme.pdf")

    # NFKC: the PDF's text has the "fi" ligature.
    text = unicodedata.normalize("NFKC", pdf_text(response.content))
    assert "Medfinansieras av Europeiska unionen" in text
    pdf = tmp_path / "booklet.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "cover")],
        check=True,
    )
    cover = Image.open(next(tmp_path.glob("cover*.png"))).convert("RGB")
    pixels = list(cover.getdata())
    assert sum(_close(p, (0, 51, 153)) for p in pixels) > 50  # the emblem's blue
    assert sum(_close(p, (255, 204, 0)) for p in pixels) > 3  # its gold stars
    assert sum(_close(p, (200, 0, 0)) for p in pixels) > 50  # the funder's logo


def test_booklet_without_funders_has_no_acknowledgement(client, conference):
    SessionFactory(conference=conference, title="Öppning")

    response = client.get("/malmo/programme.pdf")

    text = unicodedata.normalize("NFKC", pdf_text(response.content))
    assert "Medfinansieras" not in text
    assert "Öppning" in text
