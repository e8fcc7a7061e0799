"""Översikt: the state of one conference at a glance."""

from django.shortcuts import render

from registration import selectors as registration_selectors

from ..access import organiser_required


@organiser_required
def dashboard(request, conference):
    return render(
        request,
        "organiser/dashboard.html",
        {
            "conference": conference,
            "nav_active": "dashboard",
            "counts": registration_selectors.conference_counts(conference=conference),
        },
    )
