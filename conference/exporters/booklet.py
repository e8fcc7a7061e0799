"""The printed programme booklet (PDF, WeasyPrint): cover, practical information, contents with
page numbers, the programme day by day with a grid of parallel rooms, every session with a QR code
to its page, and a speaker index.

Rendered bytes are kept under MEDIA_ROOT/booklets/, one file per programme version, language
and paper size, so every web worker and the Celery worker share them.
"""

import functools
import io
import os
import tempfile
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote_plus

import qrcode
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from PIL import Image

from . import conference_url, session_url_maker

SIZES = {"a5": "A5", "a4": "A4"}
# Above this many sessions the booklet renders in the background (Celery) and the request is
# told to come back; below it, rendering in the request is quicker than a round trip.
SYNC_LIMIT = getattr(settings, "BOOKLET_SYNC_LIMIT", 200)
RETRY_SECONDS = 10
QUIET_ZONE = 2
MODULE_PIXELS = 4
# Rooms side by side in one timetable table, by paper size.
GRID_COLUMNS = {"a5": 4, "a4": 6}
PENDING_SECONDS = 300


QR_SCHEME = "samla-qr:"


@functools.lru_cache(maxsize=4096)
def qr_png(url: str) -> bytes:
    """The QR code of `url` as a small 1-bit PNG.

    A bitmap is embedded and drawn far faster than an SVG path of hundreds of squares. The mask
    is fixed: trying all eight for the best one triples the time and makes no difference to a
    phone camera.
    """
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=0
    )
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    # PDF viewers smooth small images when they scale them up, which blurs the modules; a few
    # pixels per module keeps the edges sharp at any zoom and costs a few hundred bytes.
    image = image.resize((size * MODULE_PIXELS, size * MODULE_PIXELS), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _png_headers():
    headers = EmailMessage()
    headers["Content-Type"] = "image/png"
    return headers


def _url_fetcher():
    """WeasyPrint's fetcher, with the QR images served from memory under a scheme of our own:
    as data: URLs each one went through the e-mail package's MIME parser, 1.5 ms apiece."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    png_headers = _png_headers()

    class BookletFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(QR_SCHEME):
                return URLFetcherResponse(url, qr_png(url[len(QR_SCHEME) :]), png_headers)
            return super().fetch(url, headers)

    return BookletFetcher()


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
                        "qr": QR_SCHEME + url,
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
        parts = [conference.venue_name, conference.venue_address]
        if conference.city and conference.city not in conference.venue_address:
            parts.append(conference.city)
        address = ", ".join(x for x in parts if x)
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
        return HTML(
            string=self.html(programme), base_url=settings.SITE_URL, url_fetcher=_url_fetcher()
        ).write_pdf(full_fonts=True)


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


def _directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "booklets"


def _path(etag) -> Path:
    return _directory() / f"{etag}.pdf"


def booklet_cached(etag) -> bytes | None:
    try:
        return _path(etag).read_bytes()
    except FileNotFoundError:
        return None


def booklet_build(*, conference, language, size, etag) -> bytes:
    """Render the booklet now and keep it; removes this conference's older versions."""
    from conference.selectors import programme_get

    with translation.override(language), timezone.override(conference.time_zone):
        programme = programme_get(conference=conference)
        body = Booklet(size=size).render(programme)
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader in another worker never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        out.write(body)
    os.replace(tmp, _path(etag))
    marker = directory / f"conference-{conference.pk}-{language}-{size}.txt"
    try:
        previous = marker.read_text().strip()
    except FileNotFoundError:
        previous = ""
    marker.write_text(etag)
    if previous and previous != etag:
        _path(previous).unlink(missing_ok=True)
    return body


def booklet_queue(*, conference, language, size, etag) -> bytes | None:
    """Queue a background render once per version; the bytes if it is already there (eager)."""
    if cache.add(f"booklet-pending:{etag}", 1, PENDING_SECONDS):
        from .tasks import booklet_render

        # Called from a read-only view, outside any transaction: queue at once.
        booklet_render.delay(conference.pk, language, size, etag)
    return booklet_cached(etag)
