"""Frågor: the organiser's own questions on the registration form (rules in
registration.services.questions)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from registration import services
from registration.errors import RegistrationError
from registration.models import Question

from ..access import organiser_required
from ..impact_forms import QuestionForm
from .owned import owned_or_404

AREA = "questions"


def _list(conference):
    return redirect("organiser:questions", slug=conference.slug)


@organiser_required
@require_http_methods(["GET", "POST"])
def question_list(request, conference):
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_create(
                conference=conference, kind=form.cleaned_data["kind"], **form.arguments()
            )
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The question is added to the registration form."))
            return _list(conference)
    return render(
        request,
        "organiser/questions.html",
        {
            "conference": conference,
            "nav_active": AREA,
            "questions": services.questions_of(conference),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@organiser_required
@require_POST
def question_municipalities(request, conference):
    services.question_add_municipalities(conference=conference)
    messages.success(request, _("The question about Skåne's 33 municipalities is added."))
    return _list(conference)


@organiser_required
@require_http_methods(["GET", "POST"])
def question_edit(request, conference, pk):
    question = owned_or_404(Question.objects, conference=conference, pk=pk)
    initial = {
        "text": question.text,
        "text_en": question.text_en,
        "choices": "\n".join(question.choices or []),
        "choices_en": "\n".join(question.choices_en or []),
        "required": question.required,
    }
    form = QuestionForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, **form.arguments())
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The question is saved."))
            return _list(conference)
    return render(
        request,
        "organiser/question_form.html",
        {"conference": conference, "nav_active": AREA, "question": question, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@organiser_required
@require_POST
def question_move(request, conference, pk):
    question = owned_or_404(Question.objects, conference=conference, pk=pk)
    services.question_move(question=question, up=request.POST.get("direction") != "down")
    return _list(conference)


@organiser_required
@require_http_methods(["GET", "POST"])
def question_delete(request, conference, pk):
    question = owned_or_404(Question.objects, conference=conference, pk=pk)
    if request.method == "POST":
        services.question_delete(question=question)
        messages.success(request, _("The question and its answers are deleted."))
        return _list(conference)
    return render(
        request,
        "organiser/confirm_delete.html",
        {
            "conference": conference,
            "nav_active": AREA,
            "thing": question.localized("text"),
            "back_url": reverse("organiser:questions", kwargs={"slug": conference.slug}),
        },
    )
