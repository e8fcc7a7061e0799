"""Närvaro: head counts of sessions nobody scanned at, and marking people present by hand
(rules and audit entries in impact.services)."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from conference.ids import parse_id
from impact import selectors, services
from impact.attendance import attendance_get
from impact.errors import ImpactError
from registration.models import Registration

from ..access import organiser_required
from ..impact_forms import HeadCountForm, MarkForm

AREA = "attendance"


def _places(conference, attendance, sessions):
    places = [
        (f"day:{day.isoformat()}", _("The whole day, %(day)s") % {"day": _day(day)})
        for day in attendance.days
    ]
    with timezone.override(conference.time_zone):
        places += [
            (f"session:{s.pk}", f"{s.localized('title')}, {_when(s.start)}") for s in sessions
        ]
    return places


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _day(day):
    return formats.date_format(day, "l j F")


@organiser_required
@require_http_methods(["GET", "POST"])
def attendance(request, conference):
    sessions = selectors.attendance_sessions(conference=conference)
    by_pk = {s.pk: s for s in sessions}
    figures = attendance_get(conference=conference)
    people = selectors.markable_people(conference=conference)
    action = request.POST.get("action") if request.method == "POST" else None
    mark_form = MarkForm(
        request.POST if action == "mark" else None,
        people=people,
        places=_places(conference, figures, sessions),
    )
    count_form = HeadCountForm(request.POST if action == "count" else None)
    try:
        if action == "count" and count_form.is_valid():
            session = by_pk.get(count_form.cleaned_data["session"])
            if session is not None:
                services.head_count_set(
                    session=session, count=count_form.cleaned_data["count"], actor=request.user
                )
                messages.success(request, _("The head count is saved."))
                return redirect(request.path)
            count_form.add_error(None, _("Choose a session of this conference."))
        if action == "mark" and mark_form.is_valid():
            registration = Registration.objects.get(
                conference=conference, pk=mark_form.cleaned_data["registration"]
            )
            services.presence_mark(
                registration=registration, actor=request.user, **_where(mark_form, by_pk)
            )
            messages.success(
                request, _("%(name)s is marked present.") % {"name": registration.name}
            )
            return redirect(request.path)
        if action == "unmark":
            mark = next(
                (
                    m
                    for m in selectors.presence_marks(conference=conference)
                    if m.pk == parse_id(request.POST.get("mark"))
                ),
                None,
            )
            if mark is not None:
                services.presence_unmark(
                    registration=mark.registration,
                    actor=request.user,
                    session=mark.session,
                    day=mark.day,
                )
                messages.success(request, _("The mark is removed."))
            return redirect(request.path)
    except ImpactError as error:
        mark_form.add_error(None, error.message)
    for session in sessions:
        session.scanned = len(figures.present_at(session.pk))
        session.head_count_value = figures.head_counts.get(session.pk)
    with timezone.override(conference.time_zone):
        return render(
            request,
            "organiser/attendance.html",
            {
                "conference": conference,
                "nav_active": AREA,
                "sessions": sessions,
                "days": [(day, len(figures.present_on(day))) for day in figures.days],
                "present": len(figures.present()),
                "marks": selectors.presence_marks(conference=conference),
                "mark_form": mark_form,
                "count_form": count_form,
            },
            status=400 if action in ("mark", "count") else 200,
        )


def _where(form, sessions) -> dict:
    kind, _sep, value = form.cleaned_data["where"].partition(":")
    if kind == "day":
        return {"day": date.fromisoformat(value)}
    session = sessions.get(parse_id(value))
    if session is None:
        raise ImpactError("not_a_day", _("Choose a session or a day."))
    return {"session": session}
