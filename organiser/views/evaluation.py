"""Utvärdering: the evaluation's results (response rate, a chart and a table per question,
comments, feedback per session), its settings and own questions, CSV/XLSX export."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from impact import evaluation as service
from impact.charts import bar_chart
from impact.errors import ImpactError
from registration.exports import CSV_TYPE, XLSX_TYPE, as_csv, as_xlsx

from ..access import organiser_required
from ..evaluation_forms import EvaluationSettingsForm, QuestionForm
from .conferences import form_error_add
from .registrations import _download

AREA = "evaluation"


@organiser_required
@require_http_methods(["GET", "POST"])
def results(request, conference):
    with timezone.override(conference.time_zone):
        evaluation = service.evaluation_get(conference=conference)
        action = request.POST.get("action") if request.method == "POST" else None
        settings_form = EvaluationSettingsForm(
            request.POST if action == "settings" else None, instance=evaluation
        )
        question_form = QuestionForm(request.POST if action == "question" else None)
        status = 200
        if action == "settings":
            status = 400
            if settings_form.is_valid():
                try:
                    service.evaluation_settings_save(
                        evaluation=service.evaluation_get(conference=conference),
                        is_anonymous=settings_form.cleaned_data["is_anonymous"],
                        closes_at=settings_form.cleaned_data["closes_at"],
                    )
                except ImpactError as error:
                    form_error_add(settings_form, error)
                else:
                    messages.success(request, _("The evaluation's settings are saved."))
                    return redirect("organiser:evaluation", slug=conference.slug)
        elif action == "question":
            status = 400
            if question_form.is_valid():
                try:
                    service.question_add(evaluation=evaluation, **question_form.cleaned_data)
                except ImpactError as error:
                    form_error_add(question_form, error)
                else:
                    messages.success(request, _("The question is added."))
                    return redirect("organiser:evaluation", slug=conference.slug)
        found = service.evaluation_results(conference=conference)
        charts = [
            bar_chart(
                chart_id=f"chart-{index}",
                title=figure.label,
                rows=[(label, [count]) for label, count in figure.counts],
                series=[_("Answers")],
                table_id=f"table-{index}",
            )
            if figure.counts
            else None
            for index, figure in enumerate(found.figures)
        ]
        return render(
            request,
            "organiser/evaluation.html",
            {
                "conference": conference,
                "nav_active": AREA,
                "results": found,
                "figures": list(zip(found.figures, charts, strict=True)),
                "sessions": found.sessions,
                "questions": list(evaluation.questions.all()),
                "state": service.evaluation_state(evaluation),
                "settings_form": settings_form,
                "question_form": question_form,
            },
            status=status,
        )


@organiser_required
@require_POST
def question_delete(request, conference, pk):
    evaluation = service.evaluation_get(conference=conference)
    question = evaluation.questions.filter(pk=pk).first()
    if question is None:
        raise Http404("question")
    service.question_delete(question=question)
    messages.success(request, _("The question is removed."))
    return redirect("organiser:evaluation", slug=conference.slug)


@organiser_required
def export_csv(request, conference):
    data = as_csv(service.evaluation_table(conference=conference))
    return _download(data, CSV_TYPE, f"{conference.slug}-evaluation.csv")


@organiser_required
def export_xlsx(request, conference):
    data = as_xlsx(service.evaluation_table(conference=conference), title=_("Evaluation"))
    return _download(data, XLSX_TYPE, f"{conference.slug}-evaluation.xlsx")
