"""Who came: the one place that decides presence. Every figure of the report, the certificates
and the e-mail audiences "present" and "no-shows" take it from here.

- Present at a session: scanned at its door (a check-in `Entry`), or marked present for it by an
  organiser.
- Present on a conference day: scanned at that day's entrance, present at a session held that
  day (in the conference's time zone), or marked present for the day.
- Present at the conference: present on at least one of its days.
- A no-show: a confirmed registration that was present on none of the days. People on a waiting
  list never had a seat and are not no-shows; cancelled ones are neither.
- A session's attendance figure: the room volunteers' head count where one was entered (it counts
  everyone in the room, scanned or not), otherwise the people present at it.

`attendance_get` reads all of it in a fixed number of queries (four), whatever the size.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from checkin.models import Checkpoint, Entry
from conference.models import Conference, Session
from registration.models import Registration

from .models import HeadCount, PresenceMark


@dataclass
class Attendance:
    conference: Conference
    days: list[date]
    session_days: dict[int, date]
    days_by_person: dict[int, set[date]] = field(default_factory=lambda: defaultdict(set))
    sessions_by_person: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    head_counts: dict[int, int] = field(default_factory=dict)

    def present(self) -> set[int]:
        """Ids of the registrations present at the conference."""
        return {person for person, days in self.days_by_person.items() if days}

    def present_on(self, day: date) -> set[int]:
        return {person for person, days in self.days_by_person.items() if day in days}

    def present_at(self, session_id: int) -> set[int]:
        return {
            person for person, sessions in self.sessions_by_person.items() if session_id in sessions
        }

    def session_figure(self, session_id: int) -> int:
        if session_id in self.head_counts:
            return self.head_counts[session_id]
        return len(self.present_at(session_id))

    def sessions_of(self, registration_id: int) -> set[int]:
        return set(self.sessions_by_person.get(registration_id, ()))

    def is_present(self, registration_id: int) -> bool:
        return bool(self.days_by_person.get(registration_id))


def conference_days(conference: Conference) -> list[date]:
    with timezone.override(conference.time_zone):
        first, last = timezone.localdate(conference.start), timezone.localdate(conference.end)
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def attendance_get(*, conference: Conference) -> Attendance:
    with timezone.override(conference.time_zone):
        session_days = {
            pk: timezone.localdate(start)
            for pk, start in Session.objects.filter(conference=conference).values_list(
                "id", "start"
            )
        }
    attendance = Attendance(
        conference=conference, days=conference_days(conference), session_days=session_days
    )
    entries = Entry.objects.filter(checkpoint__conference=conference).values_list(
        "registration_id", "checkpoint__kind", "checkpoint__day", "checkpoint__session_id"
    )
    marks = PresenceMark.objects.filter(registration__conference=conference).values_list(
        "registration_id", "day", "session_id"
    )
    for person, kind, day, session_id in entries:
        if kind == Checkpoint.Kind.ENTRANCE:
            attendance.days_by_person[person].add(day)
        else:
            _at_session(attendance, person, session_id)
    for person, day, session_id in marks:
        if session_id is None:
            attendance.days_by_person[person].add(day)
        else:
            _at_session(attendance, person, session_id)
    attendance.head_counts = dict(
        HeadCount.objects.filter(session__conference=conference).values_list("session_id", "count")
    )
    return attendance


def _at_session(attendance: Attendance, person: int, session_id: int) -> None:
    attendance.sessions_by_person[person].add(session_id)
    day = attendance.session_days.get(session_id)
    if day is not None:
        attendance.days_by_person[person].add(day)


def present_registrations(*, conference: Conference, attendance: Attendance | None = None):
    """The registrations present at the conference, as a queryset (for e-mail audiences)."""
    attendance = attendance or attendance_get(conference=conference)
    return Registration.objects.filter(conference=conference, pk__in=attendance.present())


def no_show_registrations(*, conference: Conference, attendance: Attendance | None = None):
    """Confirmed registrations present on none of the days."""
    attendance = attendance or attendance_get(conference=conference)
    return Registration.objects.filter(
        conference=conference, status=Registration.Status.CONFIRMED
    ).exclude(pk__in=attendance.present())
