"""Bar and line charts drawn on the server as SVG, for the report page and its PDF.

They read in grey-scale print: the two series differ by fill (solid dark, and white with dark
diagonal hatching and a dark outline), not by colour alone, and every bar carries its figure as
text. Each chart is an image with a title and points to the table that holds the same figures
(`table_id`), so a screen reader gets the table. Suppressed figures ("< 5") draw no bar.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 640
LABEL_WIDTH = 210
BAR_HEIGHT = 14
GAP = 10
DARK = "#1a1a1a"


def _patterns(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" '
        f'stroke="{DARK}" stroke-width="2"/></pattern>'
        "</defs>"
    )


def _fills(prefix: str) -> list[dict]:
    return [
        {"fill": DARK, "stroke": DARK},
        {"fill": f"url(#{prefix}-hatch)", "stroke": DARK},
    ]


def bar_chart(*, chart_id: str, title: str, rows, series: list[str], table_id: str) -> str:
    """Horizontal grouped bars. `rows`: [(label, [cell, ...])] with one cell per series; a cell
    is an int or a report Cell (suppressed cells draw no bar and read "< 5")."""
    values = [[getattr(c, "public", c) for c in cells] for _label, cells in rows]
    top = max([v for vs in values for v in vs if v is not None] or [0]) or 1
    group = len(series) * BAR_HEIGHT + GAP
    legend = 28
    height = legend + len(rows) * group + 6
    plot = WIDTH - LABEL_WIDTH - 60
    fills = _fills(chart_id)
    parts = [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title" aria-describedby="{table_id}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        _patterns(chart_id),
    ]
    x = LABEL_WIDTH
    for index, name in enumerate(series):
        style = fills[index % len(fills)]
        parts.append(
            f'<rect x="{x}" y="4" width="14" height="14" fill="{style["fill"]}" '
            f'stroke="{style["stroke"]}"/><text x="{x + 20}" y="15" fill="{DARK}">'
            f"{escape(name)}</text>"
        )
        x += 30 + 8 * len(name)
    for row_index, ((label, cells), row_values) in enumerate(zip(rows, values, strict=True)):
        y = legend + row_index * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + len(series) * BAR_HEIGHT / 2 + 4}" '
            f'text-anchor="end" fill="{DARK}">{escape(_short(label))}</text>'
        )
        for index, (cell, value) in enumerate(zip(cells, row_values, strict=True)):
            style = fills[index % len(fills)]
            bar_y = y + index * BAR_HEIGHT
            length = 0 if value is None else round(plot * value / top, 1)
            if length:
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{bar_y + 1}" width="{length}" '
                    f'height="{BAR_HEIGHT - 2}" fill="{style["fill"]}" '
                    f'stroke="{style["stroke"]}"/>'
                )
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 4}" y="{bar_y + BAR_HEIGHT - 3}" '
                f'fill="{DARK}">{escape(str(cell))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def line_chart(
    *, chart_id: str, title: str, points, series: list[str], table_id: str, date_format
) -> str:
    """Running totals over days: one line per series (solid, and dashed), with the first and
    last day and the largest figure written out. `points`: [(day, [value, ...])]."""
    height, left, bottom, right = 220, 48, 30, 20
    plot_w, plot_h = WIDTH - left - right, height - bottom - 40
    parts = [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title" aria-describedby="{table_id}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    dashes = ["", ' stroke-dasharray="6 4"']
    x = left
    for index, name in enumerate(series):
        parts.append(
            f'<line x1="{x}" y1="11" x2="{x + 24}" y2="11" stroke="{DARK}" stroke-width="2"'
            f"{dashes[index % 2]}/>"
            f'<text x="{x + 30}" y="15" fill="{DARK}">{escape(name)}</text>'
        )
        x += 40 + 8 * len(name)
    if not points:
        parts.append("</svg>")
        return mark_safe("".join(parts))  # noqa: S308
    top = max(max(values) for _day, values in points) or 1
    first, last = points[0][0].toordinal(), points[-1][0].toordinal()
    span = max(last - first, 1)
    base = height - bottom

    def position(day, value):
        return (
            round(left + plot_w * (day.toordinal() - first) / span, 1),
            round(base - plot_h * value / top, 1),
        )

    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="{DARK}"/>'
        f'<line x1="{left}" y1="{base}" x2="{left}" y2="{base - plot_h}" stroke="{DARK}"/>'
        f'<text x="{left - 6}" y="{base - plot_h + 4}" text-anchor="end" fill="{DARK}">{top}</text>'
        f'<text x="{left - 6}" y="{base + 4}" text-anchor="end" fill="{DARK}">0</text>'
        f'<text x="{left}" y="{base + 18}" fill="{DARK}">{escape(date_format(points[0][0]))}</text>'
        f'<text x="{left + plot_w}" y="{base + 18}" text-anchor="end" fill="{DARK}">'
        f"{escape(date_format(points[-1][0]))}</text>"
    )
    for index in range(len(series)):
        coords = " ".join("{},{}".format(*position(day, values[index])) for day, values in points)
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{DARK}" stroke-width="2"'
            f"{dashes[index % 2]}/>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
