"""The workspace's navigation: one entry per area, in the order organisers work through them."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name in the `organiser` namespace, label). An area whose page is not routed is left out.
AREAS = [
    ("dashboard", _("Overview")),
    ("programme", _("Programme")),
    ("speakers", _("Speakers")),
    ("rooms", _("Rooms and themes")),
    ("registrations", _("Registrations")),
    ("questions", _("Questions")),
    ("catering", _("Catering")),
    ("badges", _("Badges")),
    ("checkin", _("Check-in")),
    ("attendance", _("Attendance")),
    ("report", _("Report")),
    ("team", _("Team")),
    ("messages", _("Messages")),
    ("emails", _("Scheduled e-mails")),
    ("evaluation", _("Evaluation")),
    ("settings", _("Settings")),
]


def workspace_navigation(conference, active: str) -> list[dict]:
    items = []
    for name, label in AREAS:
        try:
            url = reverse(f"organiser:{name}", kwargs={"slug": conference.slug})
        except NoReverseMatch:
            continue
        items.append({"name": name, "label": label, "url": url, "active": name == active})
    return items


def area_url(conference, name: str) -> str:
    """The url of the workspace area `name` for `conference`, or the dashboard's while that
    area is not routed (areas are built one by one)."""
    try:
        return reverse(f"organiser:{name}", kwargs={"slug": conference.slug})
    except NoReverseMatch:
        return reverse("organiser:dashboard", kwargs={"slug": conference.slug})
