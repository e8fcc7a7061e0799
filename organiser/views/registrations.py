"""Anmälningar: the list, one person's page, adding someone, exports, waiting lists, the change
log and failed e-mails. The rules are in registration.services; these views only call them."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from checkin.selectors import registration_entries
from conference.ids import parse_id
from impact.attendance import attendance_get
from registration import exports, selectors, services
from registration.errors import RegistrationError
from registration.forms import RegistrationForm
from registration.models import Diet, Registration, Sector
from registration.presenters import audit_sentence

from ..access import organiser_required
from ..forms import CorrectForm, MoveForm

AREA = "registrations"


def _context(conference, **extra):
    return {"conference": conference, "nav_active": AREA, **extra}


@organiser_required
def registration_list(request, conference):
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
        "organiser/registrations/list.html",
        _context(
            conference,
            registrations=registrations,
            counts=selectors.conference_counts(conference=conference),
            q=search,
            status=status,
            sector=sector,
            session=session,
            statuses=Registration.Status.choices,
            sectors=Sector.choices,
            sessions=selectors.signup_sessions(conference=conference),
            failures=selectors.email_failures(conference=conference).count(),
            sub_active="list",
        ),
    )


@organiser_required
def waiting_lists(request, conference):
    sessions = selectors.signup_sessions(conference=conference)
    waiting = selectors.session_waiting_lists(conference=conference)
    for session in sessions:
        session.waiting_list = waiting.get(session.pk, [])
    return render(
        request,
        "organiser/registrations/waiting.html",
        _context(
            conference,
            counts=selectors.conference_counts(conference=conference),
            sessions=sessions,
            waiting=list(selectors.conference_waiting_list(conference=conference)),
            sub_active="waiting",
        ),
    )


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _present(conference) -> set[int]:
    return attendance_get(conference=conference).present()


@organiser_required
def export_csv(request, conference):
    data = exports.registrations_csv(conference=conference, present=_present(conference))
    return _download(data, exports.CSV_TYPE, f"{conference.slug}-registrations.csv")


@organiser_required
def export_xlsx(request, conference):
    data = exports.registrations_xlsx(conference=conference, present=_present(conference))
    return _download(data, exports.XLSX_TYPE, f"{conference.slug}-registrations.xlsx")


@organiser_required
@require_http_methods(["GET", "POST"])
def registration_add(request, conference):
    sessions = selectors.signup_sessions(conference=conference)
    meals = list(selectors.meal_sessions(conference=conference))
    form = RegistrationForm(
        request.POST or None,
        sessions=sessions,
        meals=meals,
        questions=services.questions_of(conference),
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration, _created = services.registration_create_answered(
                conference=conference,
                answers=form.answers(),
                actor=request.user,
                by_organiser=True,
                **services.registration_arguments(form.cleaned_data),
            )
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Registration added."))
            return redirect("organiser:registration", slug=conference.slug, pk=registration.pk)
    return render(
        request,
        "organiser/registrations/add.html",
        _context(
            conference,
            form=form,
            slots=selectors.sessions_by_slot(sessions),
            selected=set(),
            sub_active="add",
        ),
        status=400 if request.method == "POST" else 200,
    )


def _correct(request, registration, form) -> bool:
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    meal_ids = data.pop("meals", None)
    try:
        services.registration_correct(
            registration=registration, actor=request.user, meal_ids=meal_ids, **data
        )
    except RegistrationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    return True


@organiser_required
@require_http_methods(["GET", "POST"])
def registration_detail(request, conference, pk):
    registration = selectors.registration_for_organiser(conference=conference, pk=pk)
    if registration is None:
        raise Http404("registration")
    sessions = selectors.signup_sessions(conference=conference)
    meals = list(selectors.meal_sessions(conference=conference))
    action = request.POST.get("action") if request.method == "POST" else None
    move = MoveForm(request.POST if action == "move" else None, sessions=sessions)
    correct = CorrectForm(
        request.POST if action == "correct" else None, registration=registration, meals=meals
    )
    if action is not None:
        try:
            if action == "cancel":
                services.registration_cancel(
                    registration=registration, actor=request.user, by_organiser=True
                )
                messages.success(request, _("Registration cancelled."))
                return redirect(request.path)
            if action == "move" and move.is_valid():
                by_pk = {s.pk: s for s in sessions}
                services.signup_swap(
                    registration=registration,
                    from_session=by_pk[move.cleaned_data["from_session"]],
                    to_session=by_pk[move.cleaned_data["to_session"]],
                    actor=request.user,
                    by_organiser=True,
                )
                messages.success(request, _("Moved."))
                return redirect(request.path)
            if action == "correct" and _correct(request, registration, correct):
                messages.success(request, _("The details were saved."))
                return redirect(request.path)
        except RegistrationError as error:
            messages.error(request, error.message)
    audit = list(registration.audit_entries.all())
    named = selectors.audit_sessions(conference=conference, entries=audit)
    signups = list(registration.signups.all())
    return render(
        request,
        "organiser/registrations/detail.html",
        _context(
            conference,
            registration=registration,
            waiting_position=selectors.waiting_position(registration=registration),
            signups=signups,
            meals=list(registration.meals.all()),
            answers=selectors.registration_answers(registration=registration),
            diet_labels=[Diet(d).label for d in registration.diets or [] if d in Diet.values],
            entries=registration_entries(registration),
            emails=list(registration.email_logs.all()),
            changes=[
                (entry, audit_sentence(entry, sessions=named, registration=registration))
                for entry in audit
            ],
            move=move,
            correct=correct,
            correct_open=action == "correct",
            sub_active="list",
        ),
        status=400 if action is not None else 200,
    )


@organiser_required
def audit_trail(request, conference):
    entries = selectors.conference_audit(conference=conference)
    named = selectors.audit_sessions(conference=conference, entries=entries)
    return render(
        request,
        "organiser/registrations/audit.html",
        _context(
            conference,
            changes=[(entry, audit_sentence(entry, sessions=named)) for entry in entries],
            sub_active="audit",
        ),
    )


@organiser_required
def email_failures(request, conference):
    return render(
        request,
        "organiser/registrations/emails.html",
        _context(
            conference,
            logs=selectors.email_failures(conference=conference).select_related("registration"),
            sub_active="emails",
        ),
    )
