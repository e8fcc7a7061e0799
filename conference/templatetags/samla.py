from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def loc(obj, field):
    """{{ session|loc:"title" }}: the text in the active language, Swedish when no English;
    "" for no object."""
    return obj.localized(field) if obj is not None else ""


@register.filter
def span(start, end):
    """A time span in the active language's format: "12.00–13.30"."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{formats.time_format(start)}–{formats.time_format(end)}"


@register.filter
def daterange(start, end):
    """ "16–17 mars 2017", "9 mars 2018" or "30 mars – 2 april 2027"."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() == end.date():
        return formats.date_format(start, "DATE_FORMAT")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{formats.date_format(end, 'DATE_FORMAT')}"
    first = formats.date_format(start, "MONTH_DAY_FORMAT")
    return f"{first} – {formats.date_format(end, 'DATE_FORMAT')}"


@register.simple_tag
def funders(conference, src="page"):
    """{% funders conference "data" as f %}: the conference's funding acknowledgement, or None
    when it has none. `src` says how images are addressed: "page" (site-relative, for pages),
    "absolute" (e-mails) or "data" (inline data: URIs, for PDFs rendered without a web server)."""
    from conference.funders import funders_for

    return funders_for(conference, src=src)
