"""Incheckning: live counts per door, who has not arrived, duplicate scans."""

from django.shortcuts import render
from django.utils import timezone

from checkin.selectors import duplicates_for, live_counts
from checkin.services import checkpoints_ensure_current
from conference.ids import parse_id

from ..access import organiser_required


def _chart(count) -> None:
    """Bars of arrivals per quarter hour, as SVG geometry (no inline styles on the page)."""
    highest = max((n for _start, n in count.buckets), default=0) or 1
    count.chart_width = max(len(count.buckets), 1) * 10
    count.bars = []
    for index, (_start, n) in enumerate(count.buckets):
        height = round(100 * n / highest)
        count.bars.append((index * 10, 100 - height, height))


@organiser_required
def live(request, conference):
    checkpoints_ensure_current(conference=conference)
    selected = parse_id(request.GET.get("missing"))
    with timezone.override(conference.time_zone):
        counts = live_counts(conference, missing_for=selected)
        for count in counts:
            _chart(count)
        duplicates = list(duplicates_for(conference)[:50])
        return render(
            request,
            "organiser/checkin.html",
            {
                "conference": conference,
                "nav_active": "checkin",
                "counts": counts,
                "selected": selected,
                "duplicates": duplicates,
                "now": timezone.now(),
            },
        )
