"""Pages other websites may frame: the programme and the registration button (see embed.js)."""

from django.conf import settings
from django.urls import reverse


def embeddable(response, conference):
    """Let the websites `conference` lists (and Samla itself, for the workspace's preview) frame
    `response`: CSP frame-ancestors names exactly them; X-Frame-Options is left off, since it
    cannot name origins. Every other page keeps DENY and frame-ancestors 'none'."""
    response.frame_ancestors = ["'self'", *conference.embed_origin_list]
    response.xframe_options_exempt = True
    return response


def embed_urls(conference, language: str) -> dict:
    """The absolute addresses of a conference's embeds and of the script, for the snippets."""
    from django.utils import translation

    with translation.override(language):
        programme = reverse("conference:embed-programme", kwargs={"slug": conference.slug})
        register = reverse("registration:embed-register", kwargs={"slug": conference.slug})
    return {
        "programme": settings.SITE_URL + programme,
        "register": settings.SITE_URL + register,
        "script": f"{settings.SITE_URL}{settings.STATIC_URL}conference/embed.js",
    }
