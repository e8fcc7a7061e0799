"""The attendee's side of the evaluation: a personal link, no account. Thin: parse, call
impact.evaluation, render."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from registration.selectors import registration_get_by_token

from . import evaluation as service
from .certificates import PDF_TYPE, certificate_render, certificate_verify
from .errors import ImpactError
from .forms import EvaluationForm, SessionFeedbackForm
from .models import Answered

NO_INDEX = "noindex, nofollow"


def _add_error(form, error: ImpactError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_http_methods(["GET", "POST"])
def evaluation(request, token):
    registration = registration_get_by_token(token=token)
    conference = registration.conference
    current = service.evaluation_get(conference=conference)
    state = service.evaluation_state(current)
    answered = service.has_answered(registration=registration)
    answer = service.evaluation_answer_get(evaluation=current, registration=registration)
    questions = list(current.questions.all())
    seated = registration.status == registration.Status.CONFIRMED
    locked = not seated or state != "open" or (current.is_anonymous and answered)
    form = EvaluationForm(
        request.POST if request.method == "POST" else None, questions=questions, answer=answer
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.evaluation_submit(
                    evaluation=current,
                    registration=registration,
                    value=data["value"],
                    learned=data["learned"],
                    contacts=data["contacts"],
                    cooperate=data["cooperate"],
                    different=data["different"],
                    answers=form.own_answers(),
                )
            except ImpactError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("Thank you! Your answer is saved."))
                return redirect("impact:evaluation", token=token)
    sessions = service.feedback_sessions(conference=conference) if state == "open" else []
    given = set(
        Answered.objects.filter(registration=registration, session__isnull=False).values_list(
            "session_id", flat=True
        )
    )
    with timezone.override(conference.time_zone):
        response = render(
            request,
            "impact/evaluation.html",
            {
                "conference": conference,
                "registration": registration,
                "evaluation": current,
                "state": state,
                "answered": answered,
                "locked": locked,
                "seated": seated,
                "form": form,
                "sessions": sessions if seated else [],
                "given": given,
            },
            status=status,
        )
    response["X-Robots-Tag"] = NO_INDEX
    return response


@require_http_methods(["GET", "POST"])
def session_feedback(request, token, pk):
    registration = registration_get_by_token(token=token)
    conference = registration.conference
    current = service.evaluation_get(conference=conference)
    session = next(
        (s for s in service.feedback_sessions(conference=conference) if s.pk == pk), None
    )
    if session is None:
        raise Http404("session")
    answered = service.has_answered(registration=registration, session=session)
    previous = None
    if answered and not current.is_anonymous:
        previous = session.feedback.filter(registration=registration).first()
    initial = {"rating": previous.rating, "comment": previous.comment} if previous else None
    form = SessionFeedbackForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                service.session_feedback_submit(
                    evaluation=current,
                    registration=registration,
                    session=session,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ImpactError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("Thank you! Your feedback is saved."))
                return redirect("impact:evaluation", token=token)
    with timezone.override(conference.time_zone):
        response = render(
            request,
            "impact/session_feedback.html",
            {
                "conference": conference,
                "registration": registration,
                "evaluation": current,
                "session": session,
                "form": form,
                "locked": current.is_anonymous and answered,
                "state": service.evaluation_state(current),
            },
            status=status,
        )
    response["X-Robots-Tag"] = NO_INDEX
    return response


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def certificate_download(request, token):
    registration = registration_get_by_token(token=token)
    conference = registration.conference
    if conference.end > timezone.now():
        message = _("Certificates of attendance can be downloaded once the conference is over.")
        return _refused(request, registration, message)
    try:
        pdf = certificate_render(registration=registration)
    except ImpactError as error:
        return _refused(request, registration, error.message)
    response = HttpResponse(pdf, content_type=PDF_TYPE)
    name = "intyg" if registration.language == "sv" else "certificate"
    response["Content-Disposition"] = f'attachment; filename="{name}-{conference.slug}.pdf"'
    return _private(response)


def _refused(request, registration, message):
    response = render(
        request,
        "impact/no_certificate.html",
        {"message": message, "registration": registration, "conference": registration.conference},
        status=409,
    )
    return _private(response)


def verify(request, code):
    certificate = certificate_verify(code=code)
    response = render(
        request,
        "impact/verify.html",
        {"certificate": certificate, "code": code[:16]},
        status=200 if certificate else 404,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
