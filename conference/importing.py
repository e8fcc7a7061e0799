"""A programme drafted in a spreadsheet (CSV or XLSX), read and checked row by row.

Columns (the first row names them; order free, unknown columns ignored):
date, start, end, title, title_en, kind, room, theme, speakers, seats, signup, language,
abstract, abstract_en. `speakers` holds "Name (Organisation)" entries separated by ";".

`programme_import(commit=False)` is the preview: it does the whole import inside a transaction
that is always rolled back, so every rule of conference.services is checked exactly as the real
save would (clashes with sessions already in the programme and between rows of the file). With
`commit=True` the rows are saved in one transaction, or none of them when any row has a problem.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .catalogue import room_save, speaker_parse, speaker_save, track_save
from .errors import ProgrammeError
from .models import Conference, Room, Session, Speaker, Track
from .services import session_save

COLUMNS = [
    ("date", gettext_lazy("Date, as 2027-03-16 (or the day's number: 1, 2 …)")),
    ("start", gettext_lazy("Start time, as 13:15")),
    ("end", gettext_lazy("End time, as 14:00")),
    ("title", gettext_lazy("Title in Swedish (required)")),
    ("title_en", gettext_lazy("Title in English")),
    ("kind", gettext_lazy("plenary, keynote, seminar, workshop, panel, break, meal or networking")),
    ("room", gettext_lazy("Room name; a new name creates the room")),
    ("theme", gettext_lazy("Theme name; a new name creates the theme")),
    (
        "speakers",
        gettext_lazy(
            "Speakers as “Name (Organisation)”, separated by semicolons; new ones are created"
        ),
    ),
    ("seats", gettext_lazy("Seat cap (a number), blank for none")),
    ("signup", gettext_lazy("yes when attendees sign up for it (workshops)")),
    ("language", gettext_lazy("sv or en")),
    ("abstract", gettext_lazy("Short text in Swedish")),
    ("abstract_en", gettext_lazy("Short text in English")),
]
COLUMN_NAMES = [name for name, _help in COLUMNS]
MAX_ROWS = 500
# What a spreadsheet may declare and what is read of it: the programme has 14 columns, so 100
# leaves room for an organiser's own; the rows read stop at the header plus MAX_ROWS + 1.
MAX_COLUMNS = 100
MAX_SHEET_ROWS = 10_000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
YES = {"yes", "ja", "j", "y", "x", "1", "true", "sant"}


def template_csv() -> bytes:
    example = [
        ["2027-03-16", "12:00", "13:00", "Lunch", "Lunch", "meal", "", "", "", "", "", "sv"],
        [
            "2027-03-16",
            "13:15",
            "14:00",
            "Välkommen",
            "Welcome",
            "plenary",
            "Aulan",
            "",
            "Anna Exempel (Coompanion Skåne)",
            "",
            "",
            "sv",
        ],
        [
            "2027-03-16",
            "14:15",
            "15:30",
            "Workshop: samskapande",
            "Workshop: co-creation",
            "workshop",
            "Sal B",
            "Samverkan",
            "Bo Prov (Region Skåne); Cecilia Test",
            "15",
            "yes",
            "sv",
        ],
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMN_NAMES)
    for row in example:
        writer.writerow(row + [""] * (len(COLUMN_NAMES) - len(row)))
    # A byte order mark so that Excel opens the Swedish letters right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def rows_read(*, name: str, content: bytes) -> list[dict]:
    """The file's rows as dicts keyed by lower-case column name; ProgrammeError when unreadable.

    Reads at most the header and MAX_ROWS + 1 non-empty rows, so a file's size on paper (its
    declared dimension, its row count) never decides how much memory the import takes."""
    lines = _xlsx_lines(content) if name.lower().endswith(".xlsx") else _csv_lines(content)
    table = list(islice((row for row in lines if any(_text(cell) for cell in row)), MAX_ROWS + 2))
    if not table:
        raise ProgrammeError("import_empty", _("The file has no rows."))
    header = [_text(cell).lower().replace(" ", "_") for cell in table[0]]
    if "title" not in header:
        raise ProgrammeError(
            "import_no_header",
            _("The first row must name the columns, among them “title”."),
        )
    if len(table) - 1 > MAX_ROWS:
        raise ProgrammeError(
            "import_too_long", _("At most %(count)d rows at a time.") % {"count": MAX_ROWS}
        )
    rows = []
    for cells in table[1:]:
        rows.append(
            {
                key: _cell(key, cells[i] if i < len(cells) else "")
                for i, key in enumerate(header)
                if key in COLUMN_NAMES
            }
        )
    return rows


def _unreadable() -> ProgrammeError:
    return ProgrammeError("import_unreadable", _("Upload a CSV or XLSX file."))


def _csv_lines(content: bytes):
    text = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise _unreadable()
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            yield row[:MAX_COLUMNS]
    except csv.Error as exc:
        raise _unreadable() from exc


def _xlsx_lines(content: bytes):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _unreadable() from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ProgrammeError(
            "import_too_large", _("The spreadsheet unpacks to too much data to import.")
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise _unreadable() from exc
    try:
        if not workbook.worksheets:
            raise _unreadable()
        sheet = workbook.worksheets[0]
        # max_row/max_column come from the sheet's <dimension> tag (None without one).
        declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
        if declared_rows > MAX_SHEET_ROWS or declared_columns > MAX_COLUMNS:
            raise ProgrammeError(
                "import_too_wide",
                _(
                    "The sheet says it spans %(rows)d rows and %(columns)d columns; at most "
                    "%(max_rows)d rows and %(max_columns)d columns can be imported. Copy the "
                    "programme to a new sheet and upload that."
                )
                % {
                    "rows": declared_rows,
                    "columns": declared_columns,
                    "max_rows": MAX_SHEET_ROWS,
                    "max_columns": MAX_COLUMNS,
                },
            )
        try:
            yield from sheet.iter_rows(
                max_row=declared_rows or MAX_SHEET_ROWS,
                max_col=declared_columns or MAX_COLUMNS,
                values_only=True,
            )
        except ProgrammeError:
            raise
        except Exception as exc:  # a broken sheet XML or a corrupt member of the zip
            raise _unreadable() from exc
    finally:
        workbook.close()


def _cell(key: str, value) -> str:
    """A cell as text (spreadsheets give dates and times as objects)."""
    if key == "date" and isinstance(value, (datetime, date)):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if key in ("start", "end") and isinstance(value, (datetime, time)):
        return value.strftime("%H:%M")
    return _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class ImportRow:
    number: int
    title: str = ""
    when: str = ""
    room: str = ""
    kind: str = ""
    speakers: str = ""
    problems: list = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list
    new_rooms: list = field(default_factory=list)
    new_tracks: list = field(default_factory=list)
    new_speakers: list = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return all(not row.problems for row in self.rows)

    @property
    def problem_count(self) -> int:
        return sum(len(row.problems) for row in self.rows)


class _RolledBack(Exception):
    pass


def programme_import(*, conference: Conference, rows: list[dict], commit: bool) -> ImportResult:
    """Check (commit=False) or save (commit=True, only when every row is sound) `rows`."""
    result = ImportResult(rows=[])
    try:
        with transaction.atomic(), timezone.override(conference.time_zone):
            Conference.objects.select_for_update().get(pk=conference.pk)
            _import_rows(conference, rows, result)
            if not commit or not result.ok:
                raise _RolledBack
            result.saved = True
    except _RolledBack:
        pass
    return result


def _import_rows(conference, rows, result):
    rooms = {r.name.casefold(): r for r in Room.objects.filter(conference=conference)}
    tracks = {t.name.casefold(): t for t in Track.objects.filter(conference=conference)}
    speakers = {s.name.casefold(): s for s in Speaker.objects.filter(conference=conference)}
    position = len(rooms)
    kinds = _kinds()
    days = _conference_days(conference)
    for number, raw in enumerate(rows, start=2):
        values = {key: _text(value) for key, value in raw.items()}
        row = ImportRow(
            number=number,
            title=values.get("title", ""),
            room=values.get("room", ""),
            speakers=values.get("speakers", ""),
        )
        result.rows.append(row)
        session = Session(
            conference=conference, title=row.title, title_en=values.get("title_en", "")
        )
        if not row.title:
            row.problems.append(_("The title is missing."))
        kind = values.get("kind", "").casefold() or Session.Kind.SEMINAR
        if kind in kinds:
            session.kind = kinds[kind]
            row.kind = Session.Kind(session.kind).label
        else:
            row.problems.append(_("Unknown kind “%(kind)s”.") % {"kind": values.get("kind")})
        day = _day(raw.get("date"), days)
        start = _clock(raw.get("start"))
        end = _clock(raw.get("end"))
        if day is None:
            row.problems.append(
                _("Unreadable date “%(value)s”.") % {"value": values.get("date", "")}
            )
        if start is None:
            row.problems.append(
                _("Unreadable start time “%(value)s”.") % {"value": values.get("start", "")}
            )
        if end is None:
            row.problems.append(
                _("Unreadable end time “%(value)s”.") % {"value": values.get("end", "")}
            )
        if day is not None and start is not None and end is not None:
            zone = timezone.get_current_timezone()
            session.start = timezone.make_aware(datetime.combine(day, start), zone)
            session.end = timezone.make_aware(datetime.combine(day, end), zone)
            row.when = f"{day.isoformat()} {start.strftime('%H:%M')}–{end.strftime('%H:%M')}"
        seats = values.get("seats", "")
        if seats:
            if seats.isdigit():
                session.capacity = int(seats)
            else:
                row.problems.append(
                    _("Seats must be a whole number, not “%(value)s”.") % {"value": seats}
                )
        session.requires_signup = values.get("signup", "").casefold() in YES
        language = values.get("language", "").casefold() or "sv"
        if language in ("sv", "en"):
            session.language = language
        else:
            row.problems.append(_("The language must be sv or en."))
        session.abstract = values.get("abstract", "")
        session.abstract_en = values.get("abstract_en", "")
        if row.room:
            room = rooms.get(row.room.casefold())
            if room is None:
                position += 1
                room = room_save(room=Room(conference=conference, name=row.room, position=position))
                rooms[row.room.casefold()] = room
                result.new_rooms.append(room.name)
            session.room = room
        theme = values.get("theme", "")
        if theme:
            track = tracks.get(theme.casefold())
            if track is None:
                track = track_save(track=Track(conference=conference, name=theme))
                tracks[theme.casefold()] = track
                result.new_tracks.append(track.name)
            session.track = track
        session_speakers = []
        for entry in filter(None, (e.strip() for e in row.speakers.split(";"))):
            parsed = speaker_parse(entry, conference=conference)
            speaker = speakers.get(parsed.name.casefold())
            if speaker is None:
                speaker = speaker_save(speaker=parsed)
                speakers[parsed.name.casefold()] = speaker
                label = speaker.name
                if speaker.organisation:
                    label = f"{speaker.name} ({speaker.organisation})"
                result.new_speakers.append(label)
            session_speakers.append(speaker)
        if row.problems:
            continue
        try:
            session_save(session=session, speakers=session_speakers)
        except ProgrammeError as error:
            row.problems.append(error.message)


def _kinds() -> dict:
    kinds = {}
    for value, label in Session.Kind.choices:
        kinds[value] = value
        kinds[str(label).casefold()] = value
    # Swedish names as organisers type them, whatever the page's language.
    kinds.update(
        {
            "plenum": "plenary",
            "huvudtalare": "keynote",
            "seminarium": "seminar",
            "paus": "break",
            "fika": "break",
            "måltid": "meal",
            "lunch": "meal",
            "middag": "meal",
            "mingel": "networking",
            "panelsamtal": "panel",
        }
    )
    return kinds


def _conference_days(conference) -> list[date]:
    first = timezone.localdate(conference.start)
    last = timezone.localdate(conference.end)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _day(value, days) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text.isdigit() and 1 <= int(text) <= len(days):
        return days[int(text) - 1]
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _clock(value) -> time | None:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    text = _text(value).replace(".", ":")
    for pattern in ("%H:%M", "%H:%M:%S", "%H"):
        try:
            return datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    return None
