"""Exports of the programme: one module per format.

Every exporter is a small class with a `content_type`, a `filename(conference)` and a
`render(programme) -> bytes`; all of them read from `conference.selectors.programme_get`, so each
runs a fixed number of queries whatever the size of the programme. Views pick an exporter, answer
conditional requests and wrap the bytes (see `conference.export_views`).
"""

import hashlib
import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conference.models import Conference

PLACEHOLDER = "QQQQQQQQ"
# Bump when an exporter's output changes shape, so caches and clients' ETags let go of old bytes.
EXPORT_VERSION = "1"


def export_etag(*parts) -> str:
    """The ETag (and cache key) of an export made from `parts`: what its bytes depend on."""
    key = "|".join(str(p) for p in (EXPORT_VERSION, *parts))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def session_url_maker(conference: Conference):
    """A function code -> absolute URL of the session page, in the active language.

    Reverses once and fills in codes, because a programme of 500 sessions would otherwise spend
    more time in the URL resolver than in the export.
    """
    try:
        pattern = reverse(
            "conference:session", kwargs={"slug": conference.slug, "code": PLACEHOLDER}
        )
    except NoReverseMatch:
        prefix = "" if _language().startswith("sv") else "/en"
        pattern = f"{prefix}/{conference.slug}/sessions/{PLACEHOLDER}/"
    head, _, tail = absolute(pattern).partition(PLACEHOLDER)
    return lambda code: f"{head}{code}{tail}"


def conference_url(conference: Conference) -> str:
    try:
        return absolute(reverse("conference:detail", kwargs={"slug": conference.slug}))
    except NoReverseMatch:
        prefix = "" if _language().startswith("sv") else "/en"
        return absolute(f"{prefix}/{conference.slug}/")


def _language() -> str:
    from django.utils import translation

    return translation.get_language() or settings.LANGUAGE_CODE


def stable_uuid(*parts) -> uuid.UUID:
    """A UUID that stays the same for the same thing on this site (rooms, speakers)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "/".join([settings.SITE_URL, *map(str, parts)]))


def conference_dates(conference: Conference) -> list:
    """Every local date the conference runs, first to last."""
    first = timezone.localdate(conference.start)
    last = timezone.localdate(conference.end)
    if timezone.localtime(conference.end).time() == time(0, 0) and last > first:
        last -= timedelta(days=1)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))
