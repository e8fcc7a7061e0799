from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .materials import material_response, material_visible, materials_of
from .models import Session, SessionMaterial
from .presenters import timetable_prepare
from .selectors import (
    conference_get_published,
    conference_list_published,
    conference_user_organises,
    conferences_for_user,
    programme_get,
    speakers_for,
)

TIMETABLE_CACHE_SECONDS = 60 * 60 * 24


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


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
    """The rendered timetable, kept in the cache until the programme changes.

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
    materials = [
        m
        for m in SessionMaterial.objects.filter(session=session).order_by("id")
        if material_visible(_with_session(m, session), now=now)
    ]
    return _render_in_zone(
        request,
        conference,
        "conference/session.html",
        {
            "session": session,
            "materials": materials,
            "materials_for_registered": SessionMaterial.objects.filter(
                session=session, visibility=SessionMaterial.Visibility.REGISTERED
            ).exists(),
        },
    )


def _with_session(material, session):
    material.session = session
    return material


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
