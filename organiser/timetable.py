"""The editor's timetable: every day of the conference as a table, rooms as columns and times as
rows, so that each empty slot is a cell an organiser can add a session to.

Layout only, from a programme `conference.selectors.programme_get` already fetched: no queries.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone

STEP = timedelta(minutes=30)
DAY_FROM = time(8, 0)
DAY_UNTIL = time(18, 0)
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


@dataclass
class Cell:
    start: datetime
    room: object  # a Room, or None for the column of sessions without a room
    sessions: list = field(default_factory=list)
    rowspan: int = 1

    @property
    def start_input(self) -> str:
        return timezone.localtime(self.start).strftime(LOCAL_INPUT)


@dataclass
class Row:
    start: datetime
    label: str
    cells: list


@dataclass
class EditorDay:
    date: date
    rooms: list
    rows: list
    roomless: bool


def _aware(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock), timezone.get_current_timezone())


def _floor(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(minute=local.minute - local.minute % 30, second=0, microsecond=0)


def editor_days(programme) -> list[EditorDay]:
    """One EditorDay per conference day, in the current time zone (the conference's)."""
    conference = programme.conference
    first = timezone.localdate(conference.start)
    last = timezone.localdate(conference.end)
    by_day: dict[date, list] = {}
    for session in programme.sessions:
        by_day.setdefault(timezone.localdate(session.start), []).append(session)
    span = {first + timedelta(days=i) for i in range((last - first).days + 1)}
    dates = sorted(span | set(by_day))
    return [_day(d, by_day.get(d, []), programme.rooms, conference) for d in dates]


def _day(day, sessions, rooms, conference) -> EditorDay:
    begin = max(conference.start, _aware(day, DAY_FROM))
    finish = min(conference.end, _aware(day, DAY_UNTIL))
    if finish <= begin:
        finish = begin + STEP
    if sessions:
        begin = min(begin, min(s.start for s in sessions))
        finish = max(finish, max(s.end for s in sessions))
    finish = min(finish, _aware(day + timedelta(days=1), time(0, 0)))
    moments = set()
    moment = _floor(begin)
    while moment < finish:
        moments.add(moment)
        moment += STEP
    moments.add(finish)
    for session in sessions:
        moments.add(max(session.start, begin))
        moments.add(min(session.end, finish))
    times = sorted(moments)
    index = {moment: i for i, moment in enumerate(times)}
    # A conference without rooms still gets a column of empty slots: its first session can then
    # be added on the timetable, naming a new room in the same dialog.
    roomless = not rooms or any(s.room_id is None for s in sessions)
    columns = list(rooms) + ([None] if roomless else [])
    # Each column: clusters of overlapping sessions (one cell each; a clash shares a cell).
    grid = [[None] * len(columns) for _ in times[:-1]]
    for c, room in enumerate(columns):
        if room is not None:
            mine = [s for s in sessions if s.room_id == room.pk]
        else:
            mine = [s for s in sessions if s.room_id is None]
        clusters: list[list] = []
        for session in sorted(mine, key=lambda s: (s.start, s.end)):
            if clusters and session.start < max(s.end for s in clusters[-1]):
                clusters[-1].append(session)
            else:
                clusters.append([session])
        for cluster in clusters:
            top = index[max(cluster[0].start, begin)]
            bottom = index[min(max(s.end for s in cluster), finish)]
            cell = Cell(start=times[top], room=room, sessions=cluster, rowspan=max(bottom - top, 1))
            grid[top][c] = cell
            for r in range(top + 1, bottom):
                grid[r][c] = False
    rows = []
    for r, moment in enumerate(times[:-1]):
        cells = []
        for c, room in enumerate(columns):
            cell = grid[r][c]
            if cell is False:
                continue
            cells.append(cell or Cell(start=moment, room=room))
        rows.append(
            Row(start=moment, label=formats.time_format(timezone.localtime(moment)), cells=cells)
        )
    return EditorDay(date=day, rooms=list(rooms), rows=rows, roomless=roomless)
