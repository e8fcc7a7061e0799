"""Bar charts as SVG drawn on the server: the same figure serves the page, print and a screen
reader (the SVG has a title and a description, and the page puts a table beside it). Grey-scale
safe: one dark fill, the figures written at the bars."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 150
BAR_WIDTH = 220
WIDTH = LABEL_WIDTH + BAR_WIDTH + 50


def bar_chart(*, title: str, counts: list[tuple[str, int]], chart_id: str) -> SafeString:
    """Horizontal bars, one per (label, count). Scales to its container (viewBox)."""
    top = max((count for _label, count in counts), default=0) or 1
    height = len(counts) * (BAR_HEIGHT + GAP) + GAP
    description = ", ".join(f"{label}: {count}" for label, count in counts)
    bars = []
    for index, (label, count) in enumerate(counts):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(BAR_WIDTH * count / top) if count else 0
        middle = y + BAR_HEIGHT * 0.7
        bars.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="#1a202c">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#22543d"></rect>'
                '<text x="{}" y="{}" font-size="13" fill="#1a202c">{}</text>',
                LABEL_WIDTH - 6,
                middle,
                label[:24],
                LABEL_WIDTH,
                y,
                width,
                BAR_HEIGHT,
                LABEL_WIDTH + width + 6,
                middle,
                count,
            )
        )
    return format_html(
        '<svg class="chart" id="{id}" role="img" viewBox="0 0 {w} {h}" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{bars}</svg>',
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=description,
        bars=format_html_join("", "{}", ((bar,) for bar in bars)),
    )
