"""The funder acknowledgement of a conference, as pages, PDFs and e-mails show it."""

import base64
import mimetypes

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.translation import gettext as _

EU_EMBLEM = "conference/eu-emblem.svg"


def _data_uri(content: bytes, name: str) -> str:
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def funders_for(conference, *, src: str = "page") -> dict | None:
    """{"statement", "images": [{"src", "alt", "emblem"}]} in the active language, or None when
    the conference shows no acknowledgement (no statement, no emblem, no logos)."""
    logos = list(conference.funder_logos.all())
    statement = conference.localized("funder_statement")
    if not (statement or conference.show_eu_emblem or logos):
        return None
    images = []
    if conference.show_eu_emblem:
        if src == "data":
            with open(finders.find(EU_EMBLEM), "rb") as handle:
                url = _data_uri(handle.read(), EU_EMBLEM)
        else:
            url = static(EU_EMBLEM)
        images.append({"src": url, "alt": _("Flag of the European Union"), "emblem": True})
    for logo in logos:
        if src == "data":
            with logo.image.open("rb") as handle:
                url = _data_uri(handle.read(), logo.image.name)
        else:
            url = logo.image.url
        images.append({"src": url, "alt": logo.localized("alt_text"), "emblem": False})
    if src == "absolute":
        for image in images:
            if image["src"].startswith("/"):
                image["src"] = settings.SITE_URL + image["src"]
    return {"statement": statement, "images": images}
