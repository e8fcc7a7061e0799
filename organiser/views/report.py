"""Rapport: the attendance and impact report (impact.report), on screen, as PDF, XLSX and CSV."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from impact.report import report_get
from impact.report_formats import (
    CSV_TYPE,
    PDF_TYPE,
    XLSX_TYPE,
    report_context,
    report_csv,
    report_pdf,
    report_xlsx,
)

from ..access import organiser_required

AREA = "report"


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@organiser_required
def report(request, conference):
    with timezone.override(conference.time_zone):
        return render(
            request,
            "organiser/report.html",
            {
                "conference": conference,
                "nav_active": AREA,
                **report_context(report_get(conference=conference, viewer=request.user)),
            },
        )


@organiser_required
def report_pdf_download(request, conference):
    data = report_pdf(report_get(conference=conference, viewer=request.user))
    return _download(data, PDF_TYPE, f"{conference.slug}-report.pdf")


@organiser_required
def report_xlsx_download(request, conference):
    data = report_xlsx(report_get(conference=conference, viewer=request.user))
    return _download(data, XLSX_TYPE, f"{conference.slug}-report.xlsx")


@organiser_required
def report_csv_download(request, conference):
    data = report_csv(report_get(conference=conference, viewer=request.user))
    return _download(data, CSV_TYPE, f"{conference.slug}-report.csv")
