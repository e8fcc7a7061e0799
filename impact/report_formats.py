"""The report in its formats: the page's and the PDF's charts, the PDF (WeasyPrint), one table
layout for XLSX and CSV, and the API's data. All take a `Report` from `report_get`; the texts
are in the active language."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from registration.exports import CSV_TYPE, XLSX_TYPE, as_csv, xlsx_workbook

from .charts import bar_chart, line_chart
from .report import SMALL_GROUP, Breakdown, Report

PDF_TYPE = "application/pdf"
__all__ = ["CSV_TYPE", "PDF_TYPE", "XLSX_TYPE"]


def definitions() -> list[str]:
    return [
        _(
            "Registered: every registration received and not deleted, whatever its status now. "
            "Confirmed, cancelled and waiting: the status when the report was made (waiting "
            "includes those offered a seat they have not yet taken)."
        ),
        _(
            "Present: scanned at the entrance on one of the conference's days, scanned at the "
            "door of a session, or marked present by an organiser. A no-show is a confirmed "
            "registration present on none of the days; the no-show rate is the share of the "
            "confirmed."
        ),
        _(
            "A session's attendance is the room's head count where one was entered, otherwise "
            "the people scanned at its door or marked present. Its waiting-list peak is the "
            "most people on its waiting list at once."
        ),
        _(
            "Breakdowns compare the confirmed registrations with those present. Groups of fewer "
            "than %(n)s people are shown as “< %(n)s” so that nobody can be identified."
        )
        % {"n": SMALL_GROUP},
        _(
            "Returning: people present who were also present at an earlier conference of the "
            "same organisers, matched on e-mail address inside Samla (the addresses are never "
            "exported)."
        ),
    ]


def _local(report: Report, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(report.conference.time_zone or "Europe/Stockholm"))


def _percent(value) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, 1) + " %"


def _breakdown_chart(breakdown: Breakdown, index: str) -> str:
    return bar_chart(
        chart_id=f"chart-{index}",
        title=_("%(title)s: confirmed and present") % {"title": breakdown.title},
        rows=[(row.label, [row.registered, row.present]) for row in breakdown.rows],
        series=[pgettext("report", "Confirmed"), _("Present")],
        table_id=f"table-{index}",
    )


def report_context(report: Report) -> dict:
    """What the page and the PDF show: the report, its charts and the stated definitions."""
    breakdowns = [report.sectors, *report.questions]
    charts = [_breakdown_chart(b, b.key) for b in breakdowns]
    sessions_chart = bar_chart(
        chart_id="chart-sessions",
        title=_("Present per session"),
        rows=[(s.title, [s.present]) for s in report.sessions],
        series=[_("Present")],
        table_id="table-sessions",
    )
    timeline_chart = line_chart(
        chart_id="chart-timeline",
        title=_("Registrations and cancellations over time (running totals)"),
        points=[(p.day, [p.registrations_total, p.cancellations_total]) for p in report.timeline],
        series=[_("Registrations"), _("Cancellations")],
        table_id="table-timeline",
        date_format=lambda day: formats.date_format(day, "SHORT_DATE_FORMAT"),
    )
    return {
        "report": report,
        "made_at": _local(report, report.made_at),
        "no_show_rate": _percent(report.no_show_rate),
        "attendance_rate": _percent(report.attendance_rate),
        "breakdowns": list(zip(breakdowns, charts, strict=True)),
        "sessions_chart": sessions_chart,
        "timeline_chart": timeline_chart,
        "definitions": definitions(),
        "small_group": SMALL_GROUP,
        "time_zone": report.conference.time_zone,
    }


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    with timezone.override(report.conference.time_zone):
        html = render_to_string("impact/report_pdf.html", report_context(report))
    return HTML(string=html).write_pdf()


# Spreadsheets ---------------------------------------------------------------------------------


def report_sheets(report: Report) -> list[tuple[str, list[list]]]:
    """(sheet title, rows with a header row first) for XLSX; the CSV puts them one below the
    other."""
    made = _local(report, report.made_at).replace(tzinfo=None, microsecond=0)
    summary = [
        [_("Figure"), _("Value")],
        [_("Conference"), report.conference.localized("name")],
        [_("Report made (%(zone)s)") % {"zone": report.conference.time_zone}, made],
        [pgettext("report", "Registered"), report.registered],
        [pgettext("report", "Confirmed"), report.confirmed],
        [pgettext("report", "Cancelled"), report.cancelled],
        [pgettext("report", "Waiting"), report.waiting],
        [_("Present"), report.present],
        [_("No-shows"), report.no_shows],
        [_("No-show rate (%)"), report.no_show_rate],
        [_("Returning participants"), _cell(report.returning)],
    ]
    summary += [[_("Definition"), text] for text in definitions()]
    days = [[_("Day"), _("Present")]] + [[d.day, d.present] for d in report.days]
    sessions = [
        [
            _("Session"),
            _("Starts"),
            _("Ends"),
            _("Room"),
            _("Seats"),
            _("Places taken"),
            _("Waiting-list peak"),
            _("Present"),
            _("Source"),
        ]
    ]
    for s in report.sessions:
        sessions.append(
            [
                s.title,
                _local(report, s.start).replace(tzinfo=None),
                _local(report, s.end).replace(tzinfo=None),
                s.room,
                s.capacity,
                s.taken,
                s.waiting_peak,
                s.present,
                _("head count") if s.head_count else _("scans and marks"),
            ]
        )
    sheets = [
        (_("Summary"), summary),
        (_("Days"), days),
        (pgettext("report", "Sessions"), sessions),
    ]
    for number, breakdown in enumerate([report.sectors, *report.questions], start=1):
        rows = [[breakdown.title, pgettext("report", "Confirmed"), _("Present")]]
        rows += [[r.label, _cell(r.registered), _cell(r.present)] for r in breakdown.rows]
        title = (
            _("Sector") if breakdown.key == "sector" else _("Question %(n)s") % {"n": number - 1}
        )
        sheets.append((title, rows))
    timeline = [[_("Day"), _("Registrations"), _("Cancellations")]]
    timeline += [[p.day, p.registrations, p.cancellations] for p in report.timeline]
    sheets.append((_("Over time"), timeline))
    return sheets


def _cell(cell):
    return str(cell) if cell.suppressed else cell.value


def report_xlsx(report: Report) -> bytes:
    return xlsx_workbook(report_sheets(report))


def report_csv(report: Report) -> bytes:
    from registration.exports import Table

    rows = []
    for title, sheet in report_sheets(report):
        rows.append([title])
        rows += sheet
        rows.append([])
    return as_csv(Table(headers=[_("Report")], rows=rows))


# API ------------------------------------------------------------------------------------------


def report_data(report: Report) -> dict:
    """The report as plain data. Suppressed counts are null (fewer than SMALL_GROUP)."""

    def breakdown(b: Breakdown) -> dict:
        return {
            "key": b.key,
            "title": b.title,
            "multiple": b.multiple,
            "rows": [
                {
                    "key": r.key,
                    "label": r.label,
                    "confirmed": r.registered.public,
                    "present": r.present.public,
                }
                for r in b.rows
            ],
        }

    return {
        "conference": report.conference.slug,
        "made_at": report.made_at,
        "time_zone": report.conference.time_zone,
        "small_group": SMALL_GROUP,
        "registered": report.registered,
        "confirmed": report.confirmed,
        "cancelled": report.cancelled,
        "waiting": report.waiting,
        "present": report.present,
        "no_shows": report.no_shows,
        "no_show_rate": report.no_show_rate,
        "returning": report.returning.public,
        "days": [{"day": d.day, "present": d.present} for d in report.days],
        "sessions": [
            {
                "id": s.id,
                "title": s.title,
                "start": s.start,
                "end": s.end,
                "room": s.room,
                "capacity": s.capacity,
                "taken": s.taken,
                "waiting_peak": s.waiting_peak,
                "present": s.present,
                "head_count": s.head_count,
            }
            for s in report.sessions
        ],
        "sectors": breakdown(report.sectors),
        "questions": [breakdown(b) for b in report.questions],
        "timeline": [
            {"day": p.day, "registrations": p.registrations, "cancellations": p.cancellations}
            for p in report.timeline
        ],
        "definitions": definitions(),
    }
