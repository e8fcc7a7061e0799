"""The printed programme booklet (PDF, WeasyPrint): cover, practical information, contents with
page numbers, the programme day by day with a grid of parallel rooms, every session with a QR code
to its page, and a speaker index.

Rendered bytes are kept in the default storage under booklets/ (MEDIA_ROOT, or an S3 bucket),
one file per programme version, language and paper size, so every web node and the Celery
worker share them. When the programme changes
and a Celery broker is set, the versions people have fetched before are rendered again in the
background once the edits have paused (`booklets_refresh_later`), so the next reader does not
wait for WeasyPrint.
"""

from urllib.parse import quote_plus

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from ..qr import PX, pdf_page_streams_append, qr_modules, qr_pdf_ops
from . import conference_url, export_etag, session_url_maker

SIZES = {"a5": "A5", "a4": "A4"}
# Above this many sessions the booklet renders in the background (Celery) and the request is
# told to come back; below it, rendering in the request is quicker than a round trip.
SYNC_LIMIT = getattr(settings, "BOOKLET_SYNC_LIMIT", 200)
RETRY_SECONDS = 10
# Rooms side by side in one timetable table, by paper size.
GRID_COLUMNS = {"a5": 4, "a4": 6}
PENDING_SECONDS = 300
# After a programme edit, wait this long for more edits before rendering the booklets again.
REFRESH_DELAY_SECONDS = 60


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _qr_finisher(document):
    """Draw each session's QR code, as vector rectangles, into the empty box the layout kept
    for it (`<div class="qr" data-qr="URL">`): far faster than images (see conference.qr)."""
    ops_by_page = {}
    for index, page in enumerate(document.pages):
        ops = []
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            url = element.get("data-qr") if element is not None else None
            if url and box.element_tag == "div":
                ops += qr_pdf_ops(
                    qr_modules(url),
                    box.border_box_x() * PX,
                    box.border_box_y() * PX,
                    box.border_width() * PX,
                    page.height * PX,
                )
        ops_by_page[index] = ops

    def finish(document, pdf):
        pdf_page_streams_append(pdf, ops_by_page)

    return finish


def _time(moment) -> str:
    return formats.time_format(timezone.localtime(moment), "H.i" if _sv() else "H:i")


def _sv() -> bool:
    return not (translation.get_language() or "sv").startswith("en")


class Booklet:
    content_type = "application/pdf"

    def __init__(self, *, size="a5"):
        self.size = size

    def filename(self, conference) -> str:
        language = "en" if not _sv() else "sv"
        return f"{conference.slug}-programme-{language}-{self.size}.pdf"

    def html(self, programme) -> str:
        conference = programme.conference
        url_for = session_url_maker(conference)
        anchors = {}
        days = []
        for day in programme.days:
            entries = []
            for s in day.sessions:
                anchors[s.pk] = f"s-{s.code}"
                url = url_for(s.code)
                entries.append(
                    {
                        "anchor": anchors[s.pk],
                        "title": s.localized("title"),
                        "start": _time(s.start),
                        "end": _time(s.end),
                        "start_at": s.start,
                        "room": s.room.localized("name") if s.room_id else "",
                        "room_id": s.room_id,
                        "kind": s.get_kind_display(),
                        "track": s.track.localized("name") if s.track_id else "",
                        "colour": s.track.colour if s.track_id else "",
                        "speakers": [
                            {"name": p.name, "organisation": p.organisation, "anchor": f"p-{p.pk}"}
                            for p in s.speakers.all()
                        ],
                        "abstract": s.localized("abstract"),
                        "cancelled": s.is_cancelled,
                        "signup": s.requires_signup,
                        "url": url,
                    }
                )
            days.append(
                {
                    "anchor": f"d-{day.date.isoformat()}",
                    "date": day.date,
                    "rooms": [r.localized("name") for r in day.rooms],
                    "grids": _grids(day, entries, GRID_COLUMNS[self.size])
                    if day.is_parallel
                    else [],
                    "sessions": entries,
                }
            )
        speakers = [
            {
                "anchor": f"p-{p.pk}",
                "name": p.name,
                "title": p.localized("title"),
                "organisation": p.organisation,
                "bio": p.localized("bio"),
                "sessions": [
                    {
                        "title": s.localized("title"),
                        "anchor": anchors[s.pk],
                        # Day and time rather than a page number: target-counter()s here make
                        # WeasyPrint lay the whole index out twice.
                        "when": f"{formats.date_format(timezone.localtime(s.start), 'D j/n')} "
                        f"{_time(s.start)}",
                    }
                    for s in p.programme_sessions
                    if s.pk in anchors
                ],
            }
            for p in programme.speakers
        ]
        address = conference.full_address
        return render_to_string(
            "conference/booklet/booklet.html",
            {
                "conference": conference,
                "name": conference.localized("name"),
                "tagline": conference.localized("tagline"),
                "description": conference.localized("description"),
                "start": timezone.localtime(conference.start),
                "end": timezone.localtime(conference.end),
                "start_time": _time(conference.start),
                "end_time": _time(conference.end),
                "address": address,
                "map_url": "https://www.openstreetmap.org/search?query=" + quote_plus(address)
                if address
                else "",
                "website": conference_url(conference),
                "days": days,
                "speakers": speakers,
                "page_size": SIZES[self.size],
                "a4": self.size == "a4",
                "rooms": programme.rooms,
            },
        )

    def render(self, programme) -> bytes:
        from weasyprint import HTML

        # full_fonts skips WeasyPrint's own font subsetting pass (a second or so at 120
        # sessions); the DejaVu fonts are still embedded.
        document = HTML(string=self.html(programme), base_url=settings.SITE_URL).render(
            full_fonts=True
        )
        return document.write_pdf(finisher=_qr_finisher(document), full_fonts=True)


def _grids(day, entries, columns_per_table):
    """The parallel-rooms timetable of a day, as tables of at most `columns_per_table` rooms.

    Ten rooms side by side on A5 leave columns a few letters wide: unreadable, and every title
    broken into many lines costs WeasyPrint time. Each table lists the shared sessions (lunch,
    breaks) too, so it reads on its own.
    """
    rooms = list(day.rooms)
    tables = []
    for first in range(0, len(rooms), columns_per_table):
        group = rooms[first : first + columns_per_table]
        columns = {room.pk: i for i, room in enumerate(group)}
        rows: dict = {}
        for entry in entries:
            if entry["room_id"] is not None and entry["room_id"] not in columns:
                continue
            row = rows.setdefault(
                entry["start_at"], {"time": entry["start"], "cells": None, "all": []}
            )
            if entry["room_id"] in columns:
                if row["cells"] is None:
                    row["cells"] = [[] for _ in columns]
                row["cells"][columns[entry["room_id"]]].append(entry)
            else:
                row["all"].append(entry)
        tables.append(
            {
                "rooms": [room.localized("name") for room in group],
                "rows": [rows[key] for key in sorted(rows)],
            }
        )
    return tables


# Everything goes through Django's storage API (a shared volume or an S3 bucket, see README), so
# that every web node and the Celery worker see the same files.
DIRECTORY = "booklets"


def _pdf_name(etag) -> str:
    return f"{DIRECTORY}/{etag}.pdf"


def _ready_name(etag) -> str:
    return f"{DIRECTORY}/{etag}.ready"


def booklet_etag(*, conference, language, size) -> str:
    """The version of the booklet: it changes with the programme, the language and the size."""
    return export_etag("booklet", conference.pk, conference.programme_changed_at, language, size)


def _marker_name(conference_id, language, size) -> str:
    return f"{DIRECTORY}/conference-{conference_id}-{language}-{size}.txt"


def _read(name) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except (FileNotFoundError, OSError):
        return None


def _write(name, content: bytes) -> str:
    """Store `content` under `name`, replacing what was there; the name it got."""
    default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


def booklet_versions_kept(conference_id) -> list[tuple[str, str]]:
    """The (language, size) booklets of the conference that were rendered before."""
    try:
        _dirs, files = default_storage.listdir(DIRECTORY)
    except (FileNotFoundError, OSError):
        return []
    prefix = f"conference-{conference_id}-"
    kept = []
    for name in files:
        if name.startswith(prefix) and name.endswith(".txt"):
            language, size = name.removesuffix(".txt").rsplit("-", 2)[1:]
            if size in SIZES:
                kept.append((language, size))
    return sorted(kept)


def _stored_name(etag) -> str | None:
    """The stored PDF of this version. A small pointer file is written only once the PDF is
    whole, so a reader on another node never reads half a file (storages have no rename)."""
    pointer = _read(_ready_name(etag))
    return pointer.decode() if pointer else None


def booklet_ready(etag) -> bool:
    """Whether this version is rendered, without reading its megabytes."""
    return _stored_name(etag) is not None


def booklet_cached(etag) -> bytes | None:
    name = _stored_name(etag)
    return _read(name) if name else None


def booklet_build(*, conference, language, size, etag) -> bytes:
    """Render the booklet now and keep it; removes this conference's older versions."""
    from conference.selectors import programme_get

    with translation.override(language), timezone.override(conference.time_zone):
        programme = programme_get(conference=conference)
        body = Booklet(size=size).render(programme)
    if not booklet_ready(etag):
        # Two renders of one version at once: the storage gives the second file another name,
        # and the pointer names one whole file either way.
        stored = default_storage.save(_pdf_name(etag), ContentFile(body))
        _write(_ready_name(etag), stored.encode())
    marker = _marker_name(conference.pk, language, size)
    previous = (_read(marker) or b"").decode().strip()
    _write(marker, etag.encode())
    if previous and previous != etag:
        old = _stored_name(previous)
        if old:
            default_storage.delete(old)
        default_storage.delete(_ready_name(previous))
    return body


def booklet_queue(*, conference, language, size, etag) -> bytes | None:
    """Queue a background render once per version; the bytes if it is already there (eager)."""
    if cache.add(f"booklet-pending:{etag}", 1, PENDING_SECONDS):
        from .tasks import booklet_render

        # Called from a read-only view, outside any transaction: queue at once.
        booklet_render.delay(conference.pk, language, size, etag)
    return booklet_cached(etag)


def booklets_refresh_later(conference) -> None:
    """The programme changed: once edits have paused for REFRESH_DELAY_SECONDS, render again
    the booklets people have fetched before. Only with a Celery broker: without one a render
    would run inside the organiser's save, and the next reader renders it anyway."""
    from celery import current_app

    if current_app.conf.task_always_eager:
        return
    from .tasks import booklets_refresh

    booklets_refresh.apply_async(
        (conference.pk, conference.programme_changed_at.isoformat()),
        countdown=REFRESH_DELAY_SECONDS,
    )


def booklets_refresh(conference, changed_at: str) -> int:
    """Queue a render of every booklet version kept for the conference, unless the programme
    changed again after `changed_at` (that change has its own refresh coming). Returns how many
    were queued."""
    if conference.programme_changed_at.isoformat() != changed_at:
        return 0
    queued = 0
    for language, size in booklet_versions_kept(conference.pk):
        etag = booklet_etag(conference=conference, language=language, size=size)
        if not booklet_ready(etag):
            booklet_queue(conference=conference, language=language, size=size, etag=etag)
            queued += 1
    return queued
