"""Views that serve the programme's exports. Each picks an exporter, answers conditional requests
(ETag and Last-Modified from when the programme last changed, 304 without rendering) and keeps
the rendered bytes in the cache until the programme changes."""

from datetime import date

from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _

from .exporters import booklet as booklet_export
from .exporters import export_etag
from .exporters.frab import ScheduleJson, ScheduleXml
from .exporters.ical import AgendaCalendar, ProgrammeCalendar, SessionCalendar
from .exporters.spreadsheet import ProgrammeCsv
from .exporters.today import RoomTodaySheet
from .models import Conference, Room, Session, Track
from .selectors import (
    Programme,
    conference_get_published,
    conferences_for_user,
    programme_get,
    session_queryset,
)

CACHE_SECONDS = 60 * 60 * 24
LANGUAGES = ("sv", "en")


class BadParameter(Exception):
    pass


def _language(request) -> str:
    """`?lang=sv|en`, else the language of the URL (the /en/ prefix)."""
    lang = request.GET.get("lang")
    if lang is None:
        return "en" if (translation.get_language() or "").startswith("en") else "sv"
    if lang not in LANGUAGES:
        raise BadParameter(_("Unknown language “%(lang)s”: use sv or en.") % {"lang": lang[:10]})
    return lang


def _conference(request, slug) -> Conference:
    """The published conference, or an unpublished one for its organisers (to check a preview)."""
    return conference_get_published(slug=slug, user=request.user)


def _serve(
    request,
    *,
    conference,
    exporter,
    etag,
    last_modified,
    language,
    fetch=None,
    private=False,
    attachment=False,
):
    """Answer 304 when the client's copy is current, else the (cached) rendered bytes."""
    quoted = f'"{etag}"'
    stamp = int(last_modified.timestamp())
    response = get_conditional_response(request, etag=quoted, last_modified=stamp)
    if response is None:
        cache_key = f"export:{etag}"
        body = cache.get(cache_key)
        if body is None:
            with translation.override(language), timezone.override(conference.time_zone):
                programme = fetch() if fetch else programme_get(conference=conference)
                body = exporter.render(programme)
            cache.set(cache_key, body, CACHE_SECONDS)
        response = HttpResponse(body, content_type=exporter.content_type)
        kind = "attachment" if attachment else "inline"
        response["Content-Disposition"] = f'{kind}; filename="{exporter.filename(conference)}"'
    response["ETag"] = quoted
    response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = (
        "private" if private else "public"
    ) + ", max-age=0, must-revalidate"
    response["Content-Language"] = language
    return response


def _bad_request(error):
    return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")


def _programme_feed(request, slug, exporter_factory, name, *extra):
    try:
        language = _language(request)
    except BadParameter as error:
        return _bad_request(error)
    conference = _conference(request, slug)
    exporter, extra_key = exporter_factory(conference)
    return _serve(
        request,
        conference=conference,
        exporter=exporter,
        etag=export_etag(
            name, conference.pk, conference.programme_changed_at, language, *extra_key
        ),
        last_modified=conference.programme_changed_at,
        language=language,
        attachment=name == "csv",
        private=name == "csv",
    )


def programme_ics(request, slug):
    return _programme_feed(request, slug, lambda c: (ProgrammeCalendar(), ()), "ics")


def track_ics(request, slug, track_id):
    def factory(conference):
        track = get_object_or_404(Track, conference=conference, pk=track_id)
        return ProgrammeCalendar(track=track), (track.pk, track.name, track.name_en)

    return _programme_feed(request, slug, factory, "track-ics")


def session_ics(request, slug, code):
    try:
        language = _language(request)
    except BadParameter as error:
        return _bad_request(error)
    conference = _conference(request, slug)
    session = session_queryset(conference).filter(code=code).first()
    if session is None:
        raise Http404("session")

    def fetch():
        return Programme(
            conference=conference, rooms=[], tracks=[], sessions=[session], speakers=[], days=[]
        )

    return _serve(
        request,
        conference=conference,
        exporter=SessionCalendar(session),
        etag=export_etag("session-ics", session.pk, conference.programme_changed_at, language),
        last_modified=conference.programme_changed_at,
        language=language,
        fetch=fetch,
    )


def agenda_feed(request, token):
    """A registration's personal agenda at its private calendar address.

    The registration model is looked up by its label: this route is served with the programme's
    other feeds, and `conference` does not import `registration`.
    """
    try:
        language = _language(request)
    except BadParameter as error:
        return _bad_request(error)
    registration_model = apps.get_model("registration", "Registration")
    registration = (
        registration_model.objects.select_related("conference").filter(calendar_token=token).first()
    )
    if registration is None:
        raise Http404("agenda")
    conference = registration.conference
    if "lang" not in request.GET and not request.path.startswith("/en/"):
        language = registration.language or language
    signups = list(registration.signups.values_list("session_id", "status", "updated_at"))
    confirmed = sorted(pk for pk, status, _at in signups if status == "confirmed")
    active = registration.status != "cancelled"
    changed = max(
        [conference.programme_changed_at, registration.updated_at, *(at for *_x, at in signups)]
    )
    exporter = AgendaCalendar(
        session_ids=confirmed if active else (), include_open=active, stamp=changed
    )
    return _serve(
        request,
        conference=conference,
        exporter=exporter,
        etag=export_etag(
            "agenda", registration.pk, changed, len(signups), confirmed, active, language
        ),
        last_modified=changed,
        language=language,
        private=True,
    )


def schedule_xml(request, slug):
    return _programme_feed(request, slug, lambda c: (ScheduleXml(), ()), "schedule-xml")


def schedule_json(request, slug):
    return _programme_feed(request, slug, lambda c: (ScheduleJson(), ()), "schedule-json")


def _organiser_conference(request, slug) -> Conference:
    user = request.user
    if not user.is_authenticated:
        raise _LoginRequired
    if not user.is_staff:
        raise PermissionDenied
    conference = conferences_for_user(user).filter(slug=slug).first()
    if conference is None:
        if Conference.objects.filter(slug=slug).exists():
            raise PermissionDenied
        raise Http404("conference")
    return conference


class _LoginRequired(Exception):
    pass


def programme_csv(request, slug):
    try:
        _organiser_conference(request, slug)
    except _LoginRequired:
        return redirect_to_login(request.get_full_path())
    return _programme_feed(request, slug, lambda c: (ProgrammeCsv(), ()), "csv")


def room_today(request, slug, room_id):
    """The one-page sheet for the door of a room: `?date=YYYY-MM-DD`, else today or day one."""
    try:
        conference = _organiser_conference(request, slug)
    except _LoginRequired:
        return redirect_to_login(request.get_full_path())
    room = get_object_or_404(Room, conference=conference, pk=room_id)
    try:
        language = _language(request)
        with timezone.override(conference.time_zone):
            first = timezone.localdate(conference.start)
            last = timezone.localdate(conference.end)
            if "date" in request.GET:
                try:
                    day = date.fromisoformat(request.GET["date"])
                except ValueError:
                    raise BadParameter(_("Give the date as YYYY-MM-DD.")) from None
            else:
                today = timezone.localdate()
                day = today if first <= today <= last else first
    except BadParameter as error:
        return _bad_request(error)
    response = _serve(
        request,
        conference=conference,
        exporter=RoomTodaySheet(room=room, day=day),
        etag=export_etag("today", room.pk, day, conference.programme_changed_at, language),
        last_modified=conference.programme_changed_at,
        language=language,
        private=True,
    )
    return response


def programme_pdf(request, slug):
    """The programme booklet: `?lang=sv|en&size=a5|a4`.

    Rendered once per programme version and kept in the default storage. Large programmes render in
    the background: the request gets 202 with Retry-After and a page that reloads itself.
    """
    try:
        language = _language(request)
        size = request.GET.get("size", "a5")
        if size not in booklet_export.SIZES:
            raise BadParameter(
                _("Unknown paper size “%(size)s”: use a5 or a4.") % {"size": size[:10]}
            )
    except BadParameter as error:
        return _bad_request(error)
    conference = _conference(request, slug)
    etag = booklet_export.booklet_etag(conference=conference, language=language, size=size)
    quoted = f'"{etag}"'
    stamp = int(conference.programme_changed_at.timestamp())
    exporter = booklet_export.Booklet(size=size)
    response = get_conditional_response(request, etag=quoted, last_modified=stamp)
    if response is None:
        body = booklet_export.booklet_cached(etag)
        if body is None:
            count = Session.objects.filter(conference=conference).aggregate(n=Count("pk"))["n"]
            if count > booklet_export.SYNC_LIMIT:
                body = booklet_export.booklet_queue(
                    conference=conference, language=language, size=size, etag=etag
                )
                if body is None:
                    return _being_prepared(request, conference)
            else:
                body = booklet_export.booklet_build(
                    conference=conference, language=language, size=size, etag=etag
                )
        response = HttpResponse(body, content_type=exporter.content_type)
        response["Content-Disposition"] = f'inline; filename="{exporter.filename(conference)}"'
    response["ETag"] = quoted
    response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def _being_prepared(request, conference):
    response = render(
        request,
        "conference/booklet/preparing.html",
        {"conference": conference, "retry": booklet_export.RETRY_SECONDS},
        status=202,
    )
    response["Retry-After"] = str(booklet_export.RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
