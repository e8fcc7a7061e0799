"""Organiser pages under /organiser/<slug>/registrations/: staff only, and only for conferences
the user organises (superusers: all)."""

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from conference.ids import parse_id
from conference.models import Session
from conference.selectors import conferences_for_user

from . import exports, selectors, services
from .errors import RegistrationError
from .forms import RegistrationForm
from .models import AuditEntry, Registration, Sector


def _conference(request, slug):
    conference = conferences_for_user(request.user).filter(slug=slug).first()
    if conference is None:
        raise Http404("conference")
    return conference


@staff_member_required
def overview(request, slug):
    conference = _conference(request, slug)
    sessions = selectors.signup_sessions(conference=conference)
    waiting = selectors.session_waiting_lists(conference=conference)
    for session in sessions:
        session.waiting_list = waiting.get(session.pk, [])
    return render(
        request,
        "registration/organiser/overview.html",
        {
            "conference": conference,
            "counts": selectors.conference_counts(conference=conference),
            "sessions": sessions,
            "waiting": list(selectors.conference_waiting_list(conference=conference)),
            "failures": selectors.email_failures(conference=conference).count(),
        },
    )


@staff_member_required
def registration_list(request, slug):
    conference = _conference(request, slug)
    search = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    sector = request.GET.get("sector", "")
    session = request.GET.get("session", "")
    registrations = selectors.registration_list(
        conference=conference,
        search=search,
        status=status if status in Registration.Status.values else "",
        sector=sector if sector in Sector.values else "",
        session=parse_id(session),
    )
    return render(
        request,
        "registration/organiser/list.html",
        {
            "conference": conference,
            "registrations": registrations,
            "q": search,
            "status": status,
            "sector": sector,
            "session": session,
            "statuses": Registration.Status.choices,
            "sectors": Sector.choices,
            "sessions": selectors.signup_sessions(conference=conference),
        },
    )


@staff_member_required
def export_csv(request, slug):
    conference = _conference(request, slug)
    response = HttpResponse(
        exports.registrations_csv(conference=conference), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{conference.slug}-registrations.csv"'
    return response


@staff_member_required
def catering(request, slug):
    conference = _conference(request, slug)
    return render(
        request,
        "registration/organiser/catering.html",
        {"conference": conference, "sheet": selectors.catering_sheet(conference=conference)},
    )


@staff_member_required
@require_http_methods(["GET", "POST"])
def add(request, slug):
    conference = _conference(request, slug)
    sessions = selectors.signup_sessions(conference=conference)
    meals = list(selectors.meal_sessions(conference=conference))
    form = RegistrationForm(request.POST or None, sessions=sessions, meals=meals)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration, _created = services.registration_create(
                conference=conference,
                actor=request.user,
                by_organiser=True,
                **services.registration_arguments(data),
            )
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Registration added."))
            return redirect("registration:organiser-detail", slug=slug, pk=registration.pk)
    return render(
        request,
        "registration/organiser/add.html",
        {
            "conference": conference,
            "form": form,
            "slots": selectors.sessions_by_slot(sessions),
            "selected": set(),
        },
        status=400 if request.method == "POST" else 200,
    )


class MoveForm(forms.Form):
    from_session = forms.TypedChoiceField(label=gettext_lazy("From"), coerce=int)
    to_session = forms.TypedChoiceField(label=gettext_lazy("To"), coerce=int)


@staff_member_required
@require_http_methods(["GET", "POST"])
def detail(request, slug, pk):
    conference = _conference(request, slug)
    registration = Registration.objects.filter(conference=conference, pk=pk).first()
    if registration is None:
        raise Http404("registration")
    sessions = selectors.signup_sessions(conference=conference)
    choices = [(s.pk, s.title) for s in sessions]
    move = MoveForm(request.POST if request.POST.get("action") == "move" else None)
    move.fields["from_session"].choices = move.fields["to_session"].choices = choices
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.registration_cancel(
                    registration=registration, actor=request.user, by_organiser=True
                )
                messages.success(request, _("Registration cancelled."))
                return redirect(request.path)
            if action == "move" and move.is_valid():
                services.signup_swap(
                    registration=registration,
                    from_session=Session.objects.get(pk=move.cleaned_data["from_session"]),
                    to_session=Session.objects.get(pk=move.cleaned_data["to_session"]),
                    actor=request.user,
                    by_organiser=True,
                )
                messages.success(request, _("Moved."))
                return redirect(request.path)
        except RegistrationError as error:
            messages.error(request, error.message)
    return render(
        request,
        "registration/organiser/detail.html",
        {
            "conference": conference,
            "registration": registration,
            "signups": selectors.registration_signups(registration=registration),
            "move": move,
            "audit": registration.audit_entries.select_related("actor"),
            "emails": registration.email_logs.all(),
        },
        status=400 if request.method == "POST" else 200,
    )


class MessageForm(forms.Form):
    session = forms.TypedChoiceField(
        label=gettext_lazy("To"), coerce=int, required=False, empty_value=None
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Message"), max_length=10_000, widget=forms.Textarea)


@staff_member_required
@require_http_methods(["GET", "POST"])
def message(request, slug):
    conference = _conference(request, slug)
    sessions = list(conference.sessions.filter(requires_signup=True).order_by("start"))
    form = MessageForm(request.POST or None)
    form.fields["session"].choices = [("", _("All confirmed attendees"))] + [
        (s.pk, s.title) for s in sessions
    ]
    if request.method == "POST" and form.is_valid():
        session = next((s for s in sessions if s.pk == form.cleaned_data["session"]), None)
        try:
            services.organiser_message_send(
                conference=conference,
                session=session,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                actor=request.user,
            )
        except RegistrationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The message is being sent in the background."))
            return redirect("registration:organiser-overview", slug=slug)
    return render(
        request, "registration/organiser/message.html", {"conference": conference, "form": form}
    )


@staff_member_required
def audit_trail(request, slug):
    conference = _conference(request, slug)
    entries = (
        AuditEntry.objects.filter(conference=conference)
        .select_related("registration", "actor")
        .order_by("-at", "-id")[:500]
    )
    return render(
        request, "registration/organiser/audit.html", {"conference": conference, "entries": entries}
    )


@staff_member_required
def email_failures(request, slug):
    conference = _conference(request, slug)
    return render(
        request,
        "registration/organiser/emails.html",
        {
            "conference": conference,
            "logs": selectors.email_failures(conference=conference).select_related("registration"),
        },
    )
