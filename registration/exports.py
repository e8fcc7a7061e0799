"""Registrations for organisers' spreadsheets: one row builder, two writers (CSV and XLSX).

Headers and values are in the active language; times are local to the conference, to the
second. The CSV is what Excel opens correctly in Swedish: UTF-8 with a BOM and `;` between
cells (Swedish Excel takes `,` for the decimal comma).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from conference.models import Conference

from .models import Diet, Question, Registration, Sector
from .selectors import registration_list
from .services.questions import answer_text

# (key, header). The headers are translated when the export is built.
COLUMNS = [
    ("id", lambda: _("Id")),
    ("status", lambda: _("Status")),
    ("name", lambda: _("Name")),
    ("email", lambda: _("E-mail")),
    ("organisation", lambda: _("Organisation")),
    ("sector", lambda: _("Sector")),
    ("language", lambda: _("Language")),
    ("diets", lambda: _("Dietary needs")),
    ("diet_other", lambda: _("Other dietary needs")),
    ("accessibility", lambda: _("Accessibility needs")),
    ("meals", lambda: _("Meals")),
    ("workshops", lambda: _("Workshops")),
    ("waiting_since", lambda: _("Waiting since")),
    ("created_at", lambda: _("Registered")),
]


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # int, str or naive local datetime


def _local(moment: datetime | None, zone: ZoneInfo):
    if moment is None:
        return None
    return moment.astimezone(zone).replace(microsecond=0, tzinfo=None)


def registrations_table(*, conference: Conference, present: set[int] | None = None) -> Table:
    """Every registration of the conference in a fixed number of queries: the fixed columns,
    a column per registration question, and, when `present` (the ids of the registrations
    present, from impact.attendance) is given, a "Present" column."""
    questions = list(Question.objects.filter(conference=conference))
    yes, no = _("Yes"), _("No")
    zone = ZoneInfo(conference.time_zone or "Europe/Stockholm")
    sectors = dict(Sector.choices)
    statuses = dict(Registration.Status.choices)
    diets = dict(Diet.choices)
    languages = {"sv": _("Swedish"), "en": _("English")}
    rows = []
    for r in registration_list(conference=conference).prefetch_related("answers"):
        workshops = "; ".join(
            f"{s.session.localized('title')} ({s.get_status_display()})"
            for s in r.signups.all()
            if s.status != Registration.Status.CANCELLED
        )
        rows.append(
            [
                r.pk,
                str(statuses.get(r.status, r.status)),
                r.name,
                r.email,
                r.organisation,
                str(sectors.get(r.sector, r.sector)),
                languages.get(r.language, r.language),
                ", ".join(str(diets.get(d, d)) for d in r.diets or []),
                r.diet_other,
                r.accessibility,
                ", ".join(m.localized("title") for m in r.meals.all()),
                workshops,
                _local(r.waiting_since, zone),
                _local(r.created_at, zone),
            ]
        )
        answers = {a.question_id: a.value for a in r.answers.all()}
        rows[-1].extend(answer_text(q, answers.get(q.pk)) for q in questions)
        if present is not None:
            rows[-1].append(yes if r.pk in present else no)
    headers = [str(header()) for _key, header in COLUMNS]
    headers += [q.localized("text") for q in questions]
    if present is not None:
        headers.append(_("Present"))
    return Table(headers=headers, rows=rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    # A leading = + - @ makes spreadsheets run the cell as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def as_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value):
    """A value as a spreadsheet cell: numbers, times and dates as they are, text safe from
    being run as a formula."""
    if value is None:
        return None
    if isinstance(value, int | float | datetime | date):
        return value
    return _text(value)


def xlsx_workbook(sheets) -> bytes:
    """An XLSX file of `sheets`, [(title, rows)] with the header as the first row of each: the
    header bold and frozen, times as local date and time."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(str(title)[:31])
        for row in rows:
            sheet.append([_cell(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_xlsx(table: Table, *, title: str) -> bytes:
    return xlsx_workbook([(title, [table.headers, *table.rows])])


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def registrations_csv(*, conference: Conference, present: set[int] | None = None) -> bytes:
    return as_csv(registrations_table(conference=conference, present=present))


def registrations_xlsx(*, conference: Conference, present: set[int] | None = None) -> bytes:
    return as_xlsx(
        registrations_table(conference=conference, present=present), title=_("Registrations")
    )
