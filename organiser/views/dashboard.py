"""Översikt: the state of one conference at a glance, and what needs the organiser's action."""

from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conference.selectors import programme_warnings
from conference.services import conference_may_create
from registration import selectors as registration_selectors
from registration.services import registration_window_state

from ..access import organiser_required
from ..navigation import area_url

# A workshop this full (taken / seats) is shown as nearly full.
NEARLY_FULL = 0.9


def _first_url(conference, *names, fragment=""):
    """The first of the url names that is routed, for `conference`; None when none is."""
    for name in names:
        try:
            return reverse(name, kwargs={"slug": conference.slug}) + fragment
        except NoReverseMatch:
            continue
    return None


def _fix_url(request, conference, warning):
    """Where a warning can be fixed: the programme editor once it is routed, else the admin's
    page of the session for users who may use the admin."""
    url = _first_url(conference, "organiser:programme")
    if url is not None:
        return f"{url}#session-{warning.session.code}" if warning.session else url
    if warning.session is not None and request.user.is_staff:
        return reverse("admin:conference_session_change", args=[warning.session.pk])
    return None


@organiser_required
def dashboard(request, conference):
    zone = ZoneInfo(conference.time_zone)
    with timezone.override(zone):
        warnings = programme_warnings(conference=conference)
    for warning in warnings:
        warning.url = _fix_url(request, conference, warning)
    workshops = registration_selectors.signup_sessions(conference=conference)
    for workshop in workshops:
        seats = workshop.seats
        workshop.nearly_full = bool(seats) and workshop.taken >= NEARLY_FULL * seats
    counts = registration_selectors.conference_counts(conference=conference)
    last_day = conference.registration_closes or timezone.localtime(conference.end, zone).date()
    return render(
        request,
        "organiser/dashboard.html",
        {
            "conference": conference,
            "nav_active": "dashboard",
            "counts": counts,
            "seats_taken": counts.confirmed + counts.offered,
            "window": registration_window_state(conference),
            "last_day": last_day,
            "opens": conference.registration_opens,
            "workshops": workshops,
            "nearly_full": [w for w in workshops if w.nearly_full],
            "workshop_waiting": sum(w.waiting for w in workshops),
            "failures": registration_selectors.email_failures(conference=conference).count(),
            "failures_url": _first_url(
                conference, "organiser:messages", "registration:organiser-emails"
            ),
            "registrations_url": _first_url(
                conference, "organiser:registrations", "registration:organiser-overview"
            ),
            "warnings": warnings,
            "settings_url": area_url(conference, "settings"),
            "may_copy": conference_may_create(request.user),
            "public_url": conference.get_absolute_url(),
            "zone": zone,
        },
    )
