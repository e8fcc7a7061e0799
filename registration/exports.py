"""Registrations as CSV for organisers (opens in Excel and LibreOffice: UTF-8 with BOM)."""

import csv
import io

from conference.models import Conference

from .models import Sector
from .selectors import registration_list

COLUMNS = [
    "id", "status", "name", "email", "organisation", "sector", "language", "diets",
    "diet_other", "accessibility", "meals", "workshops", "waiting_since", "created_at",
]  # fmt: skip


def _cell(value):
    # A leading = + - @ makes spreadsheets run the cell as a formula.
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def registrations_csv(*, conference: Conference) -> bytes:
    sectors = dict(Sector.choices)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for r in registration_list(conference=conference):
        workshops = "; ".join(
            f"{s.session.title} ({s.get_status_display()})"
            for s in r.signups.all()
            if s.status != "cancelled"
        )
        writer.writerow(
            [
                _cell(v)
                for v in (
                    r.pk, r.status, r.name, r.email, r.organisation,
                    sectors.get(r.sector, r.sector),
                    r.language, ", ".join(r.diets or []), r.diet_other, r.accessibility,
                    ", ".join(m.title for m in r.meals.all()), workshops,
                    r.waiting_since.isoformat() if r.waiting_since else "",
                    r.created_at.isoformat(),
                )
            ]
        )  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")
