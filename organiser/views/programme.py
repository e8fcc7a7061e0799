"""Program: the programme editor on the timetable. Every action is a plain form; the page's
script (static/organiser/programme.js) opens the forms in a dialog, asks the check endpoint
before saving, and moves sessions by drag and drop through the same move form.

A change to a published programme that e-mails attendees (a move, a new time, a cancel) first
shows who will be told and asks for confirmation."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conference import catalogue, services
from conference.errors import ProgrammeError
from conference.ids import parse_id
from conference.models import Room, Session
from conference.presenters import timetable_prepare
from conference.selectors import programme_get
from registration.programme_changes import session_cancelled_tell_everyone
from registration.selectors import session_change_audience

from ..access import organiser_required
from ..programme_forms import MoveForm, SessionForm
from ..timetable import LOCAL_INPUT, editor_days
from .owned import owned_or_404

NOTIFY_FIELDS = ("start", "end", "room_id")


def _session(conference, pk) -> Session:
    return owned_or_404(
        Session.objects.select_related("room", "track", "conference"), conference=conference, pk=pk
    )


def _editor_url(conference, session=None) -> str:
    url = reverse("organiser:programme", kwargs={"slug": conference.slug})
    return f"{url}#session-{session.pk}" if session is not None else url


def _confirmation_needed(request, conference, before: dict | None, session: Session):
    """The audience to show before saving, or None when nobody is told or it was confirmed."""
    if request.POST.get("confirmed") == "1" or before is None or not conference.is_published:
        return None
    if not any(before[f] != getattr(session, f) for f in NOTIFY_FIELDS):
        return None
    audience = session_change_audience(session=session)
    return audience if audience.holders else None


def _confirm_page(request, conference, session, audience, action_url):
    hidden = [
        (key, value)
        for key in request.POST
        if key not in ("csrfmiddlewaretoken", "confirmed")
        for value in request.POST.getlist(key)
    ]
    return render(
        request,
        "organiser/programme_confirm.html",
        {
            "conference": conference,
            "nav_active": "programme",
            "session": session,
            "audience": audience,
            "hidden": hidden,
            "action_url": action_url,
        },
    )


@organiser_required
def programme(request, conference):
    with timezone.override(conference.time_zone):
        data = programme_get(conference=conference)
        timetable_prepare(data)
        days = editor_days(data)
        return render(
            request,
            "organiser/programme.html",
            {
                "conference": conference,
                "nav_active": "programme",
                "programme": data,
                "days": days,
                "rooms": data.rooms,
                "clashes": services.conference_clashes(conference=conference)
                if len(data.sessions) < 400
                else [],
            },
        )


@organiser_required
def session_add(request, conference):
    return _session_form(request, conference, Session(conference=conference))


@organiser_required
def session_edit(request, conference, pk):
    return _session_form(request, conference, _session(conference, pk))


def _session_form(request, conference, session):
    with timezone.override(conference.time_zone):
        before = None
        if session.pk:
            before = {f: getattr(session, f) for f in NOTIFY_FIELDS}
        if request.method == "POST":
            form = SessionForm(request.POST, instance=session, conference=conference)
            checked = form.is_valid()
            if checked and request.POST.get("action") != "check":
                candidate = form.candidate()
                audience = _confirmation_needed(request, conference, before, candidate)
                if audience is not None:
                    return _confirm_page(request, conference, candidate, audience, request.path)
                try:
                    saved = catalogue.session_save_with_new(
                        session=candidate,
                        speakers=list(form.cleaned_data["speakers"]),
                        new_room=form.new_room,
                        new_speakers=form.new_speaker_list,
                    )
                except ProgrammeError as error:
                    field = {"end": "duration", "name": "new_room_name"}.get(
                        error.field, error.field
                    )
                    form.add_error(field if field in form.fields else None, error.message)
                else:
                    messages.success(request, _("“%(title)s” is saved.") % {"title": saved.title})
                    return redirect(_editor_url(conference, saved))
            elif checked:
                messages.info(request, _("No clashes: the session can be saved."))
        else:
            initial = {}
            start = _parse_local(request.GET.get("start"))
            if start is not None:
                initial["start"] = start
            room_id = parse_id(request.GET.get("room"))
            if room_id is not None:
                initial["room"] = Room.objects.filter(conference=conference, pk=room_id).first()
            form = SessionForm(instance=session, conference=conference, initial=initial)
        partial = request.method == "GET" and request.GET.get("partial") == "1"
        return render(
            request,
            "organiser/_session_form.html" if partial else "organiser/programme_session.html",
            {
                "conference": conference,
                "nav_active": "programme",
                "form": form,
                "session": session if session.pk else None,
            },
        )


def _parse_local(value):
    if not value:
        return None
    from datetime import datetime

    try:
        return timezone.make_aware(datetime.strptime(value, LOCAL_INPUT))
    except ValueError:
        return None


@organiser_required
def session_move(request, conference, pk):
    session = _session(conference, pk)
    with timezone.override(conference.time_zone):
        before = {f: getattr(session, f) for f in NOTIFY_FIELDS}
        if request.method == "POST":
            form = MoveForm(request.POST, session=session)
            if form.is_valid():
                candidate = form.candidate()
                audience = _confirmation_needed(request, conference, before, candidate)
                if audience is not None:
                    return _confirm_page(request, conference, candidate, audience, request.path)
                try:
                    services.session_save(session=candidate)
                except ProgrammeError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request, _("“%(title)s” is moved.") % {"title": candidate.title}
                    )
                    return redirect(_editor_url(conference, candidate))
        else:
            form = MoveForm(
                session=session,
                initial={"start": timezone.localtime(session.start), "room": session.room},
            )
        return render(
            request,
            "organiser/programme_move.html",
            {"conference": conference, "nav_active": "programme", "form": form, "session": session},
        )


@organiser_required
def session_cancel(request, conference, pk):
    """Cancelling always asks first; for a session nobody signs up for, the organiser may also
    tell everyone registered (e-mailed once the cancel commits)."""
    session = _session(conference, pk)
    audience = session_change_audience(session=session)
    can_tell_everyone = (
        conference.is_published and not session.requires_signup and audience.everyone > 0
    )
    if request.method == "POST" and not session.is_cancelled:
        with transaction.atomic():
            services.session_cancel(session=session)
            if can_tell_everyone and request.POST.get("tell_everyone") == "1":
                session_cancelled_tell_everyone(session=session)
        messages.success(request, _("“%(title)s” is cancelled.") % {"title": session.title})
        return redirect(_editor_url(conference, session))
    with timezone.override(conference.time_zone):
        return render(
            request,
            "organiser/programme_cancel.html",
            {
                "conference": conference,
                "nav_active": "programme",
                "session": session,
                "audience": audience,
                "can_tell_everyone": can_tell_everyone,
            },
        )


@organiser_required
def session_reinstate(request, conference, pk):
    """Undo a cancel: the session is scheduled again if its room and speakers are still free.
    People with a place in it are told, as for any change of status."""
    session = _session(conference, pk)
    error = None
    if request.method == "POST" and session.is_cancelled:
        session.status = Session.Status.SCHEDULED
        try:
            services.session_save(session=session)
        except ProgrammeError as refused:
            session.status = Session.Status.CANCELLED
            error = refused.message
        else:
            messages.success(
                request, _("“%(title)s” is scheduled again.") % {"title": session.title}
            )
            return redirect(_editor_url(conference, session))
    with timezone.override(conference.time_zone):
        return render(
            request,
            "organiser/programme_reinstate.html",
            {
                "conference": conference,
                "nav_active": "programme",
                "session": session,
                "error": error,
                "audience": session_change_audience(session=session),
            },
            status=400 if error else 200,
        )


@organiser_required
@require_POST
def session_check(request, conference):
    """The dry run: validates a session form (add or edit) or a move without saving anything,
    and answers with the translated problems and who would be told."""
    with timezone.override(conference.time_zone):
        move_id = request.POST.get("move")
        session_id = request.POST.get("session")
        if move_id is not None:
            session = _session_or_400(conference, move_id)
            if session is None:
                return _bad_id()
            before = {f: getattr(session, f) for f in NOTIFY_FIELDS}
            form = MoveForm(request.POST, session=session)
        else:
            session = Session(conference=conference)
            before = None
            if session_id:
                session = _session_or_400(conference, session_id)
                if session is None:
                    return _bad_id()
                before = {f: getattr(session, f) for f in NOTIFY_FIELDS}
            form = SessionForm(request.POST, instance=session, conference=conference)
        if not form.is_valid():
            problems = [
                {
                    "field": None if name == "__all__" else name,
                    "code": error.code or "invalid",
                    "message": " ".join(error.messages),
                }
                for name, errors in form.errors.as_data().items()
                for error in errors
            ]
            return JsonResponse({"ok": False, "problems": problems, "confirm": None})
        confirm = None
        candidate = form.candidate()
        changed = before is not None and any(
            before[f] != getattr(candidate, f) for f in NOTIFY_FIELDS
        )
        if changed and conference.is_published:
            audience = session_change_audience(session=candidate)
            if audience.holders:
                confirm = {"holders": audience.holders}
        return JsonResponse(
            {
                "ok": True,
                "problems": [],
                "message": _("No clashes: the session can be saved."),
                "confirm": confirm,
            }
        )


def _session_or_400(conference, value):
    pk = parse_id(value)
    if pk is None:
        return None
    session = Session.objects.filter(conference=conference, pk=pk).first()
    if session is None:
        raise Http404("session")
    return session


def _bad_id():
    return JsonResponse(
        {"ok": False, "code": "invalid_id", "message": _("That is not a session id.")}, status=400
    )
