"""Badge PDFs (WeasyPrint): sheets of badges in two layouts with crop marks, one person's badge,
and the welcome desk's list.

The QR matrix comes from `qrcode` with a fixed mask and version: the automatic mask search costs
about 3 ms per code and the version search a further 0.3 ms; a badge code (32 base32 characters,
alphanumeric mode) always fits version 2 at level M. WeasyPrint lays out the text; the QR codes
and crop marks are then written as vector rectangles straight into the PDF (see `_finisher`), which
bench/checkin.py measured as much faster than either a 1-px-per-module PNG or an SVG path.
"""

import base64
import struct
import zlib
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from conference.qr import QUIET_ZONE, pdf_page_streams_append, qr_pdf_ops
from conference.qr import qr_modules as shared_qr_modules
from conference.templatetags.samla import daterange

from .models import short_code_display


@dataclass(frozen=True)
class Layout:
    key: str
    columns: int
    rows: int
    width_mm: float
    height_mm: float
    qr_mm: float
    name_pt: float
    padding_mm: float
    qr_inset: float
    # The line under the QR that prints the short code (K7QM-3XPD).
    short_pt: float = 7
    short_mm: float = 3.6

    @property
    def per_page(self):
        return self.columns * self.rows

    @property
    def short_bottom(self):
        return round(max(self.qr_inset - 0.6, 0.5), 2)

    @property
    def margin_left(self):
        return (210 - self.columns * self.width_mm) / 2

    @property
    def margin_top(self):
        return (297 - self.rows * self.height_mm) / 2


LAYOUTS = {
    # The short code line keeps 5 mm from the QR: closer, zbar misread about one sheet in 20.
    "card": Layout("card", 2, 4, 90, 55, 27, 19, 4, 3, 8, 5),
    "a6": Layout("a6", 2, 2, 105, 148, 50, 30, 8, 7, 13, 6),
}


def qr_modules(text: str) -> list[list[bool]]:
    # A badge code (32 base32 characters, alphanumeric mode) always fits version 2 at level M;
    # fixing it saves the version search too.
    return shared_qr_modules(text, version=2 if len(text) <= 38 else None)


def qr_png(text: str, *, modules=None) -> bytes:
    """A 1-bit greyscale PNG with one pixel per module and the quiet zone (of `text`'s badge
    code matrix, or of the `modules` given)."""
    modules = modules if modules is not None else qr_modules(text)
    size = len(modules) + 2 * QUIET_ZONE
    row_bytes = (size + 7) // 8
    blank = b"\x00" + b"\xff" * row_bytes
    raw = [blank] * QUIET_ZONE
    for row in modules:
        bits = 0
        for x in range(size):
            dark = QUIET_ZONE <= x < size - QUIET_ZONE and row[x - QUIET_ZONE]
            bits = (bits << 1) | (0 if dark else 1)
        bits <<= row_bytes * 8 - size
        raw.append(b"\x00" + bits.to_bytes(row_bytes, "big"))
    raw += [blank] * QUIET_ZONE

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(raw), 6))
        + chunk(b"IEND", b"")
    )


def qr_data_uri(text: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode("ascii")


def qr_svg(text: str) -> str:
    """The same matrix as one SVG path (kept for the benchmark's comparison)."""
    modules = qr_modules(text)
    size = len(modules) + 2 * QUIET_ZONE
    parts = []
    for y, row in enumerate(modules):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{"".join(parts)}" fill="#000"/></svg>'
    )


def name_size(name: str, layout: Layout) -> float:
    """Long names get a smaller font; whatever is still too long wraps (CSS), never overflows."""
    length = len(name)
    if length <= 18:
        return layout.name_pt
    if length <= 26:
        return layout.name_pt * 0.8
    if length <= 40:
        return layout.name_pt * 0.65
    return layout.name_pt * 0.5


@dataclass
class Badge:
    name: str
    organisation: str
    code: str
    name_pt: float
    qr: str = ""
    short: str = ""


def _qr_image(code, qr_format):
    if qr_format == "png":
        return qr_data_uri(code)
    if qr_format == "svg":
        return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(code).encode()).decode()
    return ""


def _pages(items, per_page):
    return [items[i : i + per_page] for i in range(0, len(items), per_page)]


def _cuts(layout):
    xs = [layout.margin_left + c * layout.width_mm for c in range(layout.columns + 1)]
    ys = [layout.margin_top + r * layout.height_mm for r in range(layout.rows + 1)]
    return xs, ys


MM = 72 / 25.4


def _qr_ops(modules, x_mm, top_mm, size_mm, page_height_pt):
    return qr_pdf_ops(modules, x_mm * MM, top_mm * MM, size_mm * MM, page_height_pt)


def _crop_mark_ops(layout, page_height_pt):
    """Short lines on the cut lines, outside the badges: crop marks for the guillotine."""
    xs, ys = _cuts(layout)
    gap, length = 2, 5
    ops = ["0.4 w", "0 G"]

    def line(x1, y1, x2, y2):
        ops.append(
            f"{x1 * MM:.2f} {page_height_pt - y1 * MM:.2f} m "
            f"{x2 * MM:.2f} {page_height_pt - y2 * MM:.2f} l S"
        )

    top, bottom, left, right = ys[0], ys[-1], xs[0], xs[-1]
    for x in xs:
        if top >= gap + length:
            line(x, top - gap - length, x, top - gap)
            line(x, bottom + gap, x, bottom + gap + length)
        else:  # the badges fill the sheet: marks at the very edge
            line(x, 0, x, length)
            line(x, 297 - length, x, 297)
    for y in ys:
        if left >= gap + length:
            line(left - gap - length, y, left - gap, y)
            line(right + gap, y, right + gap + length, y)
        else:
            line(0, y, length, y)
            line(210 - length, y, 210, y)
    return ops


def _finisher(layout, placements):
    """Draws QR codes and crop marks straight into each page's content stream (see
    conference.qr for why vectors)."""

    def finish(document, pdf):
        ops_by_page = {}
        for index, number in enumerate(pdf.pages["Kids"][::3]):
            height = float(pdf.objects[number]["MediaBox"][3])
            ops = []
            for modules, x_mm, top_mm, size_mm in (
                placements[index] if index < len(placements) else ()
            ):
                ops += _qr_ops(modules, x_mm, top_mm, size_mm, height)
            ops_by_page[index] = ops + _crop_mark_ops(layout, height)
        pdf_page_streams_append(pdf, ops_by_page)

    return finish


def render_sheet(conference, people, *, layout="card", language=None, qr_format="vector") -> bytes:
    """A4 sheets of badges. `people` is a list of (registration, badge code, short code)
    triples; the short code is printed under the QR (pairs without one print none).

    `qr_format` "png" or "svg" embeds the QR as an image instead (kept for the benchmark)."""
    from weasyprint import HTML

    chosen = LAYOUTS[layout]
    language = language or translation.get_language() or "sv"
    xs, ys = _cuts(chosen)
    inset = chosen.qr_inset
    pages, placements = [], []
    for page in _pages(list(people), chosen.per_page):
        cells, qrs = [], []
        for index, (registration, code, *rest) in enumerate(page):
            column, row = index % chosen.columns, index // chosen.columns
            short = short_code_display(rest[0]) if rest and rest[0] else ""
            lift = chosen.short_mm if short else 0
            cells.append(
                Badge(
                    name=registration.name,
                    organisation=registration.organisation,
                    code=code,
                    name_pt=round(name_size(registration.name, chosen), 1),
                    qr=_qr_image(code, qr_format),
                    short=short,
                )
            )
            if qr_format == "vector":
                qrs.append(
                    (
                        qr_modules(code),
                        xs[column + 1] - inset - chosen.qr_mm,
                        ys[row + 1] - inset - chosen.qr_mm - lift,
                        chosen.qr_mm,
                    )
                )
        pages.append(cells)
        placements.append(qrs)
    with translation.override(language), timezone.override(conference.time_zone):
        html = render_to_string(
            "checkin/badges.html",
            {
                "conference_name": conference.localized("name"),
                "dates": daterange(conference.start, conference.end),
                "layout": chosen,
                "pages": pages,
                "images": qr_format != "vector",
            },
        )
    return HTML(string=html).write_pdf(finisher=_finisher(chosen, placements))


def render_desk_list(conference, people, *, language=None) -> bytes:
    """The welcome desk's printed list: name, organisation, a box to tick. No e-mail, no diets."""
    from weasyprint import HTML

    language = language or translation.get_language() or "sv"
    with translation.override(language), timezone.override(conference.time_zone):
        html = render_to_string(
            "checkin/desk_list.html",
            {
                "conference": conference,
                "conference_name": conference.localized("name"),
                "dates": daterange(conference.start, conference.end),
                "people": people,
                "printed": timezone.now(),
            },
        )
    return HTML(string=html).write_pdf()
