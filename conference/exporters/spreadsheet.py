"""The programme as CSV for organisers (opens in Excel and LibreOffice with Swedish settings)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _


class ProgrammeCsv:
    # Semicolons and a byte-order mark: what Excel with Swedish regional settings opens directly.
    content_type = "text/csv; charset=utf-8"
    delimiter = ";"

    def filename(self, conference) -> str:
        return f"{conference.slug}-programme.csv"

    def render(self, programme) -> bytes:
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n")
        writer.writerow(
            [
                _("Code"),
                _("Date"),
                _("Starts"),
                _("Ends"),
                _("Room"),
                _("Title"),
                _("Title (English)"),
                _("Kind"),
                _("Theme"),
                _("Speakers"),
                _("Organisations"),
                _("Language"),
                _("Seats"),
                _("Sign-up required"),
                _("Status"),
                _("Revision"),
            ]
        )
        yes, no = _("yes"), _("no")
        for s in programme.sessions:
            start = timezone.localtime(s.start)
            end = timezone.localtime(s.end)
            speakers = list(s.speakers.all())
            seats = s.seats
            writer.writerow(
                [
                    s.code,
                    start.date().isoformat(),
                    start.strftime("%H:%M"),
                    end.strftime("%H:%M"),
                    s.room.localized("name") if s.room_id else "",
                    s.title,
                    s.title_en,
                    s.get_kind_display(),
                    s.track.localized("name") if s.track_id else "",
                    ", ".join(p.name for p in speakers),
                    ", ".join(sorted({p.organisation for p in speakers if p.organisation})),
                    s.get_language_display(),
                    "" if seats is None else seats,
                    yes if s.requires_signup else no,
                    s.get_status_display(),
                    s.sequence,
                ]
            )
        return out.getvalue().encode("utf-8")
