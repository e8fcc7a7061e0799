import re
import sys
from datetime import date

from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .embed import embeddable
from .materials import material_response, material_visible, materials_of
from .models import Session, SessionMaterial, Track
from .presenters import timetable_prepare
from .selectors import (
    conference_get_published,
    conference_list_published,
    conference_user_organises,
    conferences_for_user,
    programme_get,
    programme_narrow,
    speakers_for,
)

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

TIMETABLE_CACHE_SECONDS = 60 * 60 * 24
RETRY_SECONDS = 5


def page_not_found(request, exception=None):
    if request.path_info.startswith("/api/"):
        # An address the API does not have answers like every other API error.
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    """A 500, unless the database was unreachable (restarting, failing over) or asked for a
    retry (a serialization failure, SQLite's lock timeout): then a 503 that says to try again.
    A transaction that met such an error was rolled back whole, so nothing was half saved.

    Rendered without the database: no session, no messages, no user."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, OperationalError | InterfaceError)
    status = 503 if unavailable else 500
    if request.path_info.startswith("/api/"):
        body = (
            {"code": "unavailable", "detail": _("Samla is briefly unavailable. Try again.")}
            if unavailable
            else {"code": "server_error", "detail": _("Something went wrong on our side.")}
        )
        response = JsonResponse(body, status=status)
    else:
        content = loader.render_to_string(
            "503.html" if unavailable else "500.html", {"retry": RETRY_SECONDS}
        )
        response = HttpResponse(content, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_SECONDS)
    return response


def conference_list(request):
    return render(
        request, "conference/list.html", {"conferences": list(conference_list_published())}
    )


def _render_in_zone(request, conference, template, context):
    # Times show in the conference's own zone, whatever the server's. An unpublished conference
    # reaches here only for its organisers: a preview, with a banner that says so.
    with timezone.override(conference.time_zone):
        return render(
            request,
            template,
            {
                "conference": conference,
                "conference_preview": not conference.is_published,
                **context,
            },
        )


def _timetable_html(request, conference):
    """The rendered timetable and funder acknowledgement, kept in the cache until the programme
    changes.

    Every programme write goes through conference.services, which moves
    `programme_changed_at`, so the key changes with the content."""
    stamp = conference.programme_changed_at.timestamp()
    key = f"timetable:{conference.pk}:{stamp}:{translation.get_language()}"
    html = cache.get(key)
    if html is None:
        with timezone.override(conference.time_zone):
            programme = programme_get(conference=conference)
            timetable_prepare(programme)
            html = render_to_string(
                "conference/_timetable.html",
                {"conference": conference, "programme": programme},
                request,
            )
            # The funder acknowledgement below the programme: its changes move the stamp too.
            html += render_to_string(
                "conference/_funders.html", {"conference": conference}, request
            )
        cache.set(key, html, TIMETABLE_CACHE_SECONDS)
    return html


def conference_detail(request, slug):
    conference = conference_get_published(slug=slug, user=request.user)
    return _render_in_zone(
        request,
        conference,
        "conference/detail.html",
        {
            "timetable": _timetable_html(request, conference),
            "organises": conference_user_organises(request.user, conference),
        },
    )


def session_detail(request, slug, code):
    conference = conference_get_published(slug=slug, user=request.user)
    session = get_object_or_404(
        Session.objects.select_related("room", "track").prefetch_related("speakers"),
        conference=conference,
        code=code,
    )
    now = timezone.now()
    every = list(SessionMaterial.objects.filter(session=session).order_by("id"))
    for material in every:
        material.session = session
    materials = [m for m in every if material_visible(m, now=now)]
    return _render_in_zone(
        request,
        conference,
        "conference/session.html",
        {
            "session": session,
            "materials": materials,
            "materials_for_registered": any(
                m.visibility == SessionMaterial.Visibility.REGISTERED for m in every
            ),
        },
    )


def materials(request, slug):
    """Every material visible to everyone now, in programme order: the link that the "we
    missed you" e-mail gives."""
    conference = conference_get_published(slug=slug, user=request.user)
    return _render_in_zone(
        request,
        conference,
        "conference/materials.html",
        {"materials": materials_of(conference=conference)},
    )


def material_file(request, slug, pk):
    """A material's file, when visible to everyone; registered-only files go through the
    person's own page (registration.views.manage_material)."""
    conference = conference_get_published(slug=slug, user=request.user)
    material = get_object_or_404(
        SessionMaterial.objects.select_related("session"),
        session__conference=conference,
        pk=pk,
    )
    if not material.file or not material_visible(material):
        raise Http404("material")
    return material_response(material)


def speaker_list(request, slug):
    conference = conference_get_published(slug=slug, user=request.user)
    return _render_in_zone(
        request,
        conference,
        "conference/speakers.html",
        {"speakers": speakers_for(conference=conference)},
    )


@staff_member_required
def organiser_grid(request, slug):
    conference = get_object_or_404(conferences_for_user(request.user), slug=slug)
    with timezone.override(conference.time_zone):
        programme = programme_get(conference=conference)
        timetable_prepare(programme)
    return _render_in_zone(
        request, conference, "conference/organiser_grid.html", {"programme": programme}
    )


def themes_css(request, slug):
    """The conference's theme colours as classes (`track-<id>`): the timetable may not carry
    style attributes under the content security policy."""
    conference = conference_get_published(slug=slug, user=request.user)
    rules = [
        f".track-{track.pk} {{ --track: {track.colour}; }}"
        for track in Track.objects.filter(conference=conference).only("pk", "colour")
        if COLOUR.match(track.colour)
    ]
    response = HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "max-age=300"
    return response


def _day_param(value, days):
    try:
        chosen = date.fromisoformat(value or "")
    except ValueError:
        return None
    return chosen if chosen in days else None


def _int_param(value, allowed):
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number in allowed else None


def embed_programme(request, slug):
    """The programme for another website's page: filters by day and theme (a plain GET form),
    links to the session pages opening in a new tab. Sets no cookie."""
    conference = conference_get_published(slug=slug, user=request.user)
    with timezone.override(conference.time_zone):
        programme = programme_get(conference=conference)
        days = [day.date for day in programme.days]
        tracks = {track.pk: track for track in programme.tracks}
        day = _day_param(request.GET.get("day"), days)
        track_id = _int_param(request.GET.get("theme"), tracks)
        shown = programme_narrow(programme, day=day, track_id=track_id)
        timetable_prepare(shown)
        response = render(
            request,
            "conference/embed_programme.html",
            {
                "conference": conference,
                "programme": shown,
                "days": days,
                "tracks": programme.tracks,
                "day": day,
                "track_id": track_id,
                "filtered": day is not None or track_id is not None,
                "embed": True,
            },
        )
    return embeddable(response, conference)
