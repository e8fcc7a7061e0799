"""Public pages: the registration form, the private self-service page and who's coming."""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from conference.embed import embeddable
from conference.ids import parse_id
from conference.materials import material_response, material_visible, materials_of
from conference.models import Session, SessionMaterial
from conference.selectors import conference_get_published

from . import selectors, services
from .errors import RegistrationError
from .forms import (
    ConfirmForm,
    DetailsForm,
    RegistrationForm,
    SessionsForm,
    question_field,
    question_initial,
)
from .models import Registration, Signup


def _form_error(form, error: RegistrationError):
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _preview(conference) -> dict:
    # An unpublished conference reaches these pages only for its organisers: a preview.
    return {"conference_preview": not conference.is_published}


def register(request, slug):
    conference = conference_get_published(slug=slug, user=request.user)
    preview = not conference.is_published
    state = services.registration_window_state(conference)
    sessions = selectors.signup_sessions(conference=conference)
    meals = list(selectors.meal_sessions(conference=conference))
    form = RegistrationForm(
        request.POST or None,
        sessions=sessions,
        meals=meals,
        questions=services.questions_of(conference),
    )
    # The preview takes test registrations whatever the window says, so that the organiser
    # can try the form before registration opens.
    if request.method == "POST" and (state == "open" or preview) and form.is_valid():
        data = form.cleaned_data
        try:
            if preview:
                message = services.registration_test_send(
                    conference=conference,
                    organiser=request.user,
                    **services.registration_arguments(data),
                )
            else:
                services.registration_create_answered(
                    conference=conference,
                    answers=form.answers(),
                    **services.registration_arguments(data),
                )
        except RegistrationError as error:
            _form_error(form, error)
        else:
            if preview:
                return _private(
                    render(
                        request,
                        "registration/test_sent.html",
                        {
                            "conference": conference,
                            "message": message,
                            **_preview(conference),
                        },
                    )
                )
            # The same page whether the address was new or known: it reveals nothing.
            return redirect("registration:check-email", slug=conference.slug)
    selected = (
        {str(v) for v in (form["sessions"].value() or [])} if "sessions" in form.fields else set()
    )
    response = render(
        request,
        "registration/register.html",
        {
            "conference": conference,
            "form": form,
            "state": "open" if preview else state,
            "window": state,
            "slots": selectors.sessions_by_slot(sessions),
            "selected": selected,
            "counts": selectors.conference_counts(conference=conference),
            "last_day": services.registration_last_day(conference),
            **_preview(conference),
        },
        status=400 if request.method == "POST" else 200,
    )
    return _private(response) if preview else response


def check_email(request, slug):
    conference = conference_get_published(slug=slug, user=request.user)
    return render(
        request,
        "registration/check_email.html",
        {"conference": conference, **_preview(conference)},
    )


def participants(request, slug):
    conference = conference_get_published(slug=slug, user=request.user)
    return render(
        request,
        "registration/participants.html",
        {
            "conference": conference,
            "participants": selectors.participants_public(conference=conference),
            **_preview(conference),
        },
    )


def embed_register(request, slug):
    """The registration button with the seats left, for another website's page (see
    conference.embed). Sets no cookie; the button opens the form on Samla in a new tab."""
    conference = conference_get_published(slug=slug, user=request.user)
    with timezone.override(conference.time_zone):
        response = render(
            request, "registration/embed_register.html", {"conference": conference, "embed": True}
        )
    return embeddable(response, conference)


def _manage_context(registration, *, sessions_form=None, details_form=None, confirm_form=None):
    conference = registration.conference
    sessions = selectors.signup_sessions(conference=conference)
    signups = selectors.registration_signups(registration=registration)
    chosen = {str(s.session_id) for s in signups}
    meals = list(selectors.meal_sessions(conference=conference))
    if details_form is None:
        initial = {key: getattr(registration, key) for key in services.DETAIL_FIELDS}
        initial["meals"] = list(registration.meals.values_list("pk", flat=True))
        questions = services.questions_of(conference)
        answers = services.answers_of(registration)
        for question in questions:
            initial[question_field(question)] = question_initial(question, answers.get(question.pk))
        details_form = DetailsForm(initial=initial, meals=meals, questions=questions)
    if sessions_form is None:
        sessions_form = SessionsForm(initial={"sessions": list(chosen)}, sessions=sessions)
        selected = chosen
    else:
        selected = {str(v) for v in (sessions_form["sessions"].value() or [])}
    return {
        "registration": registration,
        "conference": conference,
        "signups": signups,
        "offers": [s for s in signups if s.status == Signup.Status.OFFERED],
        "slots": selectors.sessions_by_slot(sessions),
        "selected": selected,
        "sessions_form": sessions_form,
        "details_form": details_form,
        "confirm_form": confirm_form or ConfirmForm(),
        "waiting_position": selectors.waiting_position(registration=registration),
        "window": services.registration_window_state(conference),
        "is_cancelled": registration.status == Registration.Status.CANCELLED,
        # The evaluation (impact app) is linked from the conference's start.
        "evaluation_open": conference.start <= timezone.now(),
        "materials": materials_of(
            conference=conference,
            registered=registration.status == Registration.Status.CONFIRMED,
        ),
        # Certificates of attendance (impact) are offered from the private page afterwards.
        "conference_over": conference.end <= timezone.now(),
    }


def _render_manage(request, registration, status=200, **forms):
    response = render(
        request, "registration/manage.html", _manage_context(registration, **forms), status=status
    )
    return _private(response)


@never_cache
def manage(request, token):
    registration = selectors.registration_get_by_token(token=token)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _render_manage(request, registration)


@require_POST
def manage_sessions(request, token):
    registration = selectors.registration_get_by_token(token=token)
    sessions = selectors.signup_sessions(conference=registration.conference)
    form = SessionsForm(request.POST, sessions=sessions)
    if form.is_valid():
        try:
            services.signups_change(
                registration=registration,
                session_ids=form.cleaned_data["sessions"],
                waitlist_ok=form.cleaned_data["waitlist_ok"],
            )
        except RegistrationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your workshop choices are saved."))
            return redirect("registration:manage", token=token)
    return _render_manage(request, registration, status=400, sessions_form=form)


@require_POST
def manage_details(request, token):
    registration = selectors.registration_get_by_token(token=token)
    meals = list(selectors.meal_sessions(conference=registration.conference))
    questions = services.questions_of(registration.conference)
    form = DetailsForm(request.POST, meals=meals, questions=questions)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.registration_update_answered(
                registration=registration,
                answers=form.answers(),
                meal_ids=data.get("meals", []),
                **{key: data[key] for key in services.DETAIL_FIELDS},
            )
        except RegistrationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("registration:manage", token=token)
    return _render_manage(request, registration, status=400, details_form=form)


@require_POST
def manage_accept(request, token):
    registration = selectors.registration_get_by_token(token=token)
    session = None
    if request.POST.get("session"):
        session = Session.objects.filter(
            conference=registration.conference, pk=parse_id(request.POST["session"])
        ).first()
        if session is None:
            messages.error(request, _("There is no seat offer to accept."))
            return redirect("registration:manage", token=token)
    try:
        services.offer_accept(registration=registration, session=session)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The seat is yours. Welcome!"))
    return redirect("registration:manage", token=token)


@require_POST
def manage_cancel(request, token):
    registration = selectors.registration_get_by_token(token=token)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, registration, status=400, confirm_form=form)
    services.registration_cancel(registration=registration)
    messages.success(request, _("Your registration is cancelled."))
    return redirect("registration:manage", token=token)


@require_POST
def manage_delete(request, token):
    registration = selectors.registration_get_by_token(token=token)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, registration, status=400, confirm_form=form)
    conference = registration.conference
    services.registration_delete(registration=registration)
    messages.success(request, _("Your registration and your personal data are deleted."))
    return redirect(conference_url(conference))


def conference_url(conference):
    try:
        return conference.get_absolute_url()
    except NoReverseMatch:
        return "/"


@never_cache
def manage_export(request, token):
    registration = selectors.registration_get_by_token(token=token)
    response = JsonResponse(
        services.registration_export(registration=registration),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = 'attachment; filename="my-registration.json"'
    return _private(response)


def manage_material(request, token, pk):
    """A session material's file through the person's own page: also the registered-only
    ones, for a person with a seat."""
    registration = selectors.registration_get_by_token(token=token)
    material = (
        SessionMaterial.objects.select_related("session")
        .filter(session__conference_id=registration.conference_id, pk=pk)
        .first()
    )
    registered = registration.status == Registration.Status.CONFIRMED
    if material is None or not material.file:
        raise Http404("material")
    if not material_visible(material, registered=registered):
        raise Http404("material")
    return _private(material_response(material))
