"""The attendance and impact report for funders: every figure, built on impact.attendance.

`report_get` reads everything in a fixed number of queries (eleven), whatever the size. Only
aggregates leave it: breakdown cells of fewer than SMALL_GROUP people (but more than none) are
suppressed, so that nobody can be picked out of a breakdown; returning participants are matched
on e-mail address inside the database and only their number comes out.

Definitions (stated on the report too):
- Registered: every registration received and not deleted, whatever its status now.
- Confirmed / cancelled / waiting: the status at the time of the report; "waiting" counts those
  on the conference's waiting list, and those offered a seat they have not yet taken.
- Present, no-shows: as impact.attendance decides (a no-show is a confirmed registration
  present on none of the days). No-show rate: no-shows of the confirmed.
- Breakdowns compare the confirmed with those present.
- A session's "present": the room's head count where one was entered, else the people scanned
  at its door or marked present. Its waiting-list peak: the most people on its waiting list at
  once, replayed from the change log (people who have since deleted their data are left out).
- Returning: present people whose e-mail address registered for an earlier conference that the
  asking organiser organises and who were present there (scanned or marked). Shown as "< 5"
  for 0 to 4 alike.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from checkin.models import Entry
from conference.models import Conference, Session
from registration.models import (
    Answer,
    AuditEntry,
    Question,
    QuestionKind,
    Registration,
    Sector,
    Signup,
)

from .attendance import attendance_get
from .evaluation_results import evaluation_headlines
from .models import PresenceMark

SMALL_GROUP = 5
LONG_LIST = 8
WAITING_ACTIONS = (
    "registered",
    "registered_again",
    "sessions_changed",
    "session_confirmed",
    "session_offered",
    "cancelled",
)


@dataclass(frozen=True)
class Cell:
    """One count of a breakdown. `value` never leaves the report unsuppressed: use `public`
    (None when suppressed) or str() ("< 5")."""

    value: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.value < SMALL_GROUP

    @property
    def public(self) -> int | None:
        return None if self.suppressed else self.value

    def __str__(self) -> str:
        return f"< {SMALL_GROUP}" if self.suppressed else str(self.value)


class ReturningCell(Cell):
    """The returning figure hides 0 as well as 1-4: "none" against "< 5" would tell an
    organiser whether one address came to another conference."""

    @property
    def suppressed(self) -> bool:
        return self.value < SMALL_GROUP


@dataclass
class BreakdownRow:
    key: str
    label: str
    registered: Cell
    present: Cell


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[BreakdownRow]
    multiple: bool = False  # several answers each: the rows add up to more than the people
    long_list: bool = False  # choices nobody took are left out


@dataclass
class DayFigure:
    day: date
    present: int


@dataclass
class SessionFigure:
    id: int
    title: str
    start: datetime
    end: datetime
    room: str
    capacity: int | None
    taken: int | None  # places held (sessions with sign-up only)
    waiting_peak: int | None
    present: int
    head_count: bool  # the figure is the room's head count


@dataclass
class TimelinePoint:
    day: date
    registrations: int
    cancellations: int
    registrations_total: int
    cancellations_total: int


@dataclass
class Report:
    conference: Conference
    made_at: datetime
    registered: int
    confirmed: int
    cancelled: int
    waiting: int
    present: int
    no_shows: int
    returning: Cell
    days: list[DayFigure] = field(default_factory=list)
    sessions: list[SessionFigure] = field(default_factory=list)
    sectors: Breakdown | None = None
    questions: list[Breakdown] = field(default_factory=list)
    timeline: list[TimelinePoint] = field(default_factory=list)
    # The evaluation's headline figures (impact.evaluation_results), None without answers; with
    # fewer than SMALL_GROUP respondents only their number, as "< 5".
    evaluation: dict | None = None

    @property
    def no_show_rate(self) -> float | None:
        """Per cent of the confirmed, to one decimal; None when nobody is confirmed."""
        if not self.confirmed:
            return None
        return round(100 * self.no_shows / self.confirmed, 1)

    @property
    def attendance_rate(self) -> float | None:
        if not self.confirmed:
            return None
        return round(100 * self.present / self.confirmed, 1)


def _evaluation(conference: Conference) -> dict | None:
    headlines = evaluation_headlines(conference=conference)
    if not headlines or not headlines["respondents"]:
        return None
    respondents = Cell(headlines["respondents"])
    if respondents.suppressed:
        return {"respondents": respondents}
    return {**headlines, "respondents": respondents}


def report_get(*, conference: Conference, now: datetime | None = None, viewer=None) -> Report:
    attendance = attendance_get(conference=conference)
    present = attendance.present()
    people = list(
        Registration.objects.filter(conference=conference).values_list(
            "id", "status", "sector", "created_at"
        )
    )
    statuses = Counter(status for _pk, status, _sector, _at in people)
    confirmed_ids = {pk for pk, status, _s, _a in people if status == Registration.Status.CONFIRMED}
    report = Report(
        conference=conference,
        made_at=now or timezone.now(),
        registered=len(people),
        confirmed=statuses[Registration.Status.CONFIRMED],
        cancelled=statuses[Registration.Status.CANCELLED],
        waiting=statuses[Registration.Status.WAITING] + statuses[Registration.Status.OFFERED],
        present=len(present),
        no_shows=len(confirmed_ids - present),
        returning=ReturningCell(_returning(conference, present, viewer)),
    )
    report.days = [DayFigure(day, len(attendance.present_on(day))) for day in attendance.days]
    report.evaluation = _evaluation(conference)
    audit = list(
        AuditEntry.objects.filter(conference=conference, action__in=WAITING_ACTIONS)
        .order_by("at", "id")
        .values_list("registration_id", "action", "details", "at")
    )
    report.sessions = _sessions(conference, attendance, audit)
    sector_of = {pk: sector for pk, _status, sector, _at in people}
    report.sectors = Breakdown(
        key="sector",
        title=_("Sector"),
        rows=_rows(
            [(value, str(label)) for value, label in Sector.choices],
            {pk: [sector_of[pk]] for pk in sector_of},
            confirmed_ids,
            present,
        ),
    )
    report.questions = _questions(conference, confirmed_ids, present)
    report.timeline = _timeline(conference, people, audit)
    return report


def _rows(choices, answers_of: dict[int, list], confirmed: set[int], present: set[int]):
    """A row per choice (and one for "no answer" where anyone gave none): confirmed and present
    people who gave it."""
    registered, came = Counter(), Counter()
    for pk in confirmed | present:
        for value in answers_of.get(pk) or [None]:
            if pk in confirmed:
                registered[value] += 1
            if pk in present:
                came[value] += 1
    rows = [
        BreakdownRow(str(value), label, Cell(registered[value]), Cell(came[value]))
        for value, label in choices
    ]
    if registered[None] or came[None]:
        rows.append(BreakdownRow("", _("No answer"), Cell(registered[None]), Cell(came[None])))
    return rows


def _questions(conference, confirmed: set[int], present: set[int]) -> list[Breakdown]:
    choice_kinds = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.YES_NO)
    questions = list(Question.objects.filter(conference=conference, kind__in=choice_kinds))
    answers: dict[int, dict[int, list]] = defaultdict(dict)
    for person, question_id, value in Answer.objects.filter(
        question__conference=conference, question__kind__in=choice_kinds
    ).values_list("registration_id", "question_id", "value"):
        answers[question_id][person] = value if isinstance(value, list) else [value]
    breakdowns = []
    for question in questions:
        if question.kind == QuestionKind.YES_NO:
            choices = [(True, _("Yes")), (False, _("No"))]
        else:
            choices = list(enumerate(question.choice_labels()))
        rows = _rows(choices, answers[question.pk], confirmed, present)
        if len(choices) > LONG_LIST:
            # A long list (Skåne's 33 municipalities): the choices nobody took are left out.
            rows = [r for r in rows if r.registered.value or r.present.value]
        breakdowns.append(
            Breakdown(
                key=f"question_{question.pk}",
                title=question.localized("text"),
                rows=rows,
                multiple=question.kind == QuestionKind.MULTIPLE,
                long_list=len(choices) > LONG_LIST,
            )
        )
    return breakdowns


def _sessions(conference, attendance, audit) -> list[SessionFigure]:
    sessions = list(
        Session.objects.filter(conference=conference)
        .exclude(kind=Session.Kind.BREAK)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("room")
        .order_by("start", "room__position", "title")
    )
    held = defaultdict(Counter)
    for session_id, status, count in (
        Signup.objects.filter(session__conference=conference)
        .values_list("session_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        held[session_id][status] += count
    peaks = _waiting_peaks(audit)
    figures = []
    for s in sessions:
        signup = s.requires_signup
        figures.append(
            SessionFigure(
                id=s.pk,
                title=s.localized("title"),
                start=s.start,
                end=s.end,
                room=s.room.localized("name") if s.room_id else "",
                capacity=s.seats,
                taken=held[s.pk]["confirmed"] + held[s.pk]["offered"] if signup else None,
                waiting_peak=max(peaks.get(s.pk, 0), held[s.pk]["waiting"]) if signup else None,
                present=attendance.session_figure(s.pk),
                head_count=s.pk in attendance.head_counts,
            )
        )
    return figures


def _waiting_peaks(audit) -> dict[int, int]:
    """The most people on each session's waiting list at once, replayed from the change log."""
    waiting: dict[int, set[int]] = defaultdict(set)  # session -> people waiting now
    peaks: dict[int, int] = defaultdict(int)

    def leave(person, session_id):
        waiting[session_id].discard(person)

    def join(person, session_id):
        waiting[session_id].add(person)
        peaks[session_id] = max(peaks[session_id], len(waiting[session_id]))

    for person, action, details, _at in audit:
        if person is None:
            continue
        details = details or {}
        if action in ("registered", "registered_again"):
            for sid, status in (details.get("sessions") or {}).items():
                (join if status == "waiting" else leave)(person, int(sid))
        elif action == "sessions_changed":
            for sid in details.get("removed") or []:
                leave(person, int(sid))
            for sid, status in (details.get("added") or {}).items():
                (join if status == "waiting" else leave)(person, int(sid))
        elif action in ("session_confirmed", "session_offered") and details.get("session"):
            leave(person, int(details["session"]))
        elif action == "cancelled":
            for people in waiting.values():
                people.discard(person)
    return dict(peaks)


def _timeline(conference, people, audit) -> list[TimelinePoint]:
    with timezone.override(conference.time_zone):
        registered = Counter(timezone.localdate(at) for _pk, _st, _se, at in people)
        cancelled = Counter(
            timezone.localdate(at) for _p, action, _d, at in audit if action == "cancelled"
        )
    days = sorted(set(registered) | set(cancelled))
    points, total_r, total_c = [], 0, 0
    for day in days:
        total_r += registered[day]
        total_c += cancelled[day]
        points.append(TimelinePoint(day, registered[day], cancelled[day], total_r, total_c))
    return points


def _returning(conference, present: set[int], viewer=None) -> int:
    """How many of those present came to an earlier conference of the same organisers; with a
    `viewer`, only conferences that `viewer` organises, so that adding a co-organiser does not
    open her conferences' attendance to the asker."""
    if not present:
        return 0
    earlier = Registration.objects.filter(conference__start__lt=conference.start)
    if viewer is not None:
        earlier = earlier.filter(conference__organisers=viewer)
    else:
        earlier = earlier.filter(conference__organisers__in=conference.organisers.all())
    came_before = (
        earlier.exclude(conference=conference)
        .filter(
            Q(Exists(Entry.objects.filter(registration=OuterRef("pk"))))
            | Q(Exists(PresenceMark.objects.filter(registration=OuterRef("pk"))))
        )
        .annotate(address=Lower("email"))
        .values("address")
    )
    return (
        Registration.objects.filter(conference=conference, pk__in=present)
        .annotate(address=Lower("email"))
        .filter(address__in=came_before)
        .count()
    )
