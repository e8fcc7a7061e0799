"""Förtäring: what the caterer needs, meal by meal, on screen and on paper."""

from django.shortcuts import render
from django.utils import timezone

from registration import selectors

from ..access import organiser_required


@organiser_required
def catering(request, conference):
    with timezone.override(conference.time_zone):
        return render(
            request,
            "organiser/catering.html",
            {
                "conference": conference,
                "nav_active": "catering",
                "meals": selectors.catering_per_meal(conference=conference),
                "confirmed": selectors.conference_counts(conference=conference).confirmed,
                "now": timezone.now(),
            },
        )
