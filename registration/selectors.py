"""Reads of registrations, shared by pages, the API and exports."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from conference.models import Conference, Session

from .models import HOLDING, AuditEntry, Diet, EmailLog, MessageSend, Registration, Signup


def session_ids_for_refs(*, conference_slug: str, refs) -> list:
    """Sessions named by the API's identifiers: an integer id, or the `code` the sessions API
    publishes. Codes of the conference's sessions become their ids (one query, none when there
    are no codes); anything else is left as it is, for the service to refuse (`_ids`)."""
    codes = {ref for ref in refs or () if isinstance(ref, str)}
    if not codes:
        return list(refs or ())
    ids = dict(
        Session.objects.filter(conference__slug=conference_slug, code__in=codes).values_list(
            "code", "pk"
        )
    )
    return [ids.get(ref, ref) if isinstance(ref, str) else ref for ref in refs]


def registration_get_by_token(*, token: str) -> Registration:
    """The registration behind a private link, or 404 (the same for unknown and deleted)."""
    try:
        return Registration.objects.select_related("conference").get(manage_token=token)
    except Registration.DoesNotExist:
        raise Http404("registration") from None


def signup_sessions(*, conference: Conference) -> list[Session]:
    """Sessions open for sign-up, each with `taken`, `waiting` and `seats_left` (None: no cap)."""
    sessions = list(
        Session.objects.filter(
            conference=conference, requires_signup=True, status=Session.Status.SCHEDULED
        )
        .select_related("room")
        .annotate(
            taken=Count("signups", filter=Q(signups__status__in=HOLDING)),
            waiting=Count("signups", filter=Q(signups__status=Signup.Status.WAITING)),
        )
        .order_by("start", "room__position", "title")
    )
    for session in sessions:
        seats = session.seats
        session.seats_left = None if seats is None else max(seats - session.taken, 0)
    return sessions


@dataclass
class Slot:
    start: object
    end: object
    sessions: list


def sessions_by_slot(sessions) -> list[Slot]:
    """Group sessions that overlap in time, so a form shows one choice per time slot."""
    slots: list[Slot] = []
    for session in sorted(sessions, key=lambda s: (s.start, s.end)):
        if slots and session.start < slots[-1].end:
            slots[-1].sessions.append(session)
            slots[-1].end = max(slots[-1].end, session.end)
        else:
            slots.append(Slot(start=session.start, end=session.end, sessions=[session]))
    return slots


def meal_sessions(*, conference: Conference) -> QuerySet[Session]:
    return Session.objects.filter(conference=conference, kind=Session.Kind.MEAL).order_by("start")


@dataclass
class ConferenceCounts:
    capacity: int | None
    confirmed: int
    offered: int
    waiting: int
    cancelled: int

    @property
    def seats_left(self):
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed - self.offered, 0)


def conference_counts(*, conference: Conference) -> ConferenceCounts:
    counts = dict(
        Registration.objects.filter(conference=conference)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return ConferenceCounts(
        capacity=conference.capacity,
        confirmed=counts.get("confirmed", 0),
        offered=counts.get("offered", 0),
        waiting=counts.get("waiting", 0),
        cancelled=counts.get("cancelled", 0),
    )


def participants_public(*, conference: Conference) -> list[dict]:
    """Who's coming: only people who opted in, only name and organisation."""
    return list(
        Registration.objects.filter(
            conference=conference,
            status=Registration.Status.CONFIRMED,
            public_listing=True,
        )
        .order_by("name", "id")
        .values("name", "organisation")
    )


def waiting_position(*, registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITING:
        return None
    return (
        Registration.objects.filter(
            conference_id=registration.conference_id, status=Registration.Status.WAITING
        )
        .filter(
            Q(waiting_since__lt=registration.waiting_since)
            | Q(waiting_since=registration.waiting_since, id__lt=registration.pk)
        )
        .count()
        + 1
    )


def registration_signups(*, registration: Registration) -> list[Signup]:
    return list(
        registration.signups.exclude(status=Signup.Status.CANCELLED)
        .select_related("session__room")
        .order_by("session__start", "id")
    )


# Organisers -----------------------------------------------------------------------------------


def registration_list(
    *, conference: Conference, search: str = "", status: str = "", sector: str = "", session=None
) -> QuerySet[Registration]:
    registrations = (
        Registration.objects.filter(conference=conference)
        .prefetch_related("signups__session", "meals")
        .order_by("created_at", "id")
    )
    if search:
        registrations = registrations.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(organisation__icontains=search)
        )
    if status:
        registrations = registrations.filter(status=status)
    if sector:
        registrations = registrations.filter(sector=sector)
    if session:
        registrations = registrations.filter(
            signups__session_id=session, signups__status__in=HOLDING + ("waiting",)
        ).distinct()
    return registrations


def session_waiting_lists(*, conference: Conference) -> dict[int, list[Signup]]:
    waiting: dict[int, list[Signup]] = {}
    for signup in (
        Signup.objects.filter(session__conference=conference, status=Signup.Status.WAITING)
        .select_related("registration")
        .order_by("waiting_since", "id")
    ):
        waiting.setdefault(signup.session_id, []).append(signup)
    return waiting


def conference_waiting_list(*, conference: Conference) -> QuerySet[Registration]:
    return Registration.objects.filter(
        conference=conference, status=Registration.Status.WAITING
    ).order_by("waiting_since", "id")


def email_failures(*, conference: Conference) -> QuerySet[EmailLog]:
    return EmailLog.objects.filter(conference=conference, status=EmailLog.Status.FAILED)


@dataclass
class ChangeAudience:
    """Who hears of a change to one session: `holders` (confirmed people with a confirmed place
    in it, e-mailed on every move or cancel) and `everyone` (every confirmed registration)."""

    holders: int
    everyone: int


def session_change_audience(*, session: Session) -> ChangeAudience:
    confirmed = Registration.objects.filter(
        conference_id=session.conference_id, status=Registration.Status.CONFIRMED
    )
    counts = confirmed.aggregate(
        everyone=Count("pk", distinct=True),
        holders=Count(
            "pk",
            distinct=True,
            filter=Q(signups__session=session, signups__status=Signup.Status.CONFIRMED),
        ),
    )
    return ChangeAudience(holders=counts["holders"], everyone=counts["everyone"])


def registration_in(*, conference: Conference, pk: int) -> Registration | None:
    return Registration.objects.filter(conference=conference, pk=pk).first()


def message_sessions(*, conference: Conference) -> list[Session]:
    """The sessions an organiser may write to the people of: those that take sign-ups."""
    return list(
        Session.objects.filter(conference=conference, requires_signup=True).order_by("start", "id")
    )


def registration_for_organiser(*, conference: Conference, pk: int) -> Registration | None:
    """One person with everything the organiser's page shows, in a fixed number of queries:
    sign-ups (waiting places and cancelled ones too), meals, e-mails and the audit trail."""
    return (
        Registration.objects.filter(conference=conference, pk=pk)
        .prefetch_related(
            Prefetch(
                "signups",
                queryset=Signup.objects.select_related("session__room").order_by(
                    "session__start", "id"
                ),
            ),
            Prefetch("meals", queryset=Session.objects.order_by("start", "id")),
            Prefetch("email_logs", queryset=EmailLog.objects.order_by("-created_at", "-id")),
            Prefetch(
                "audit_entries",
                queryset=AuditEntry.objects.select_related("actor").order_by("-at", "-id"),
            ),
        )
        .first()
    )


def audit_sessions(*, conference: Conference, entries) -> dict[int, Session]:
    """The sessions named in audit entries' details, in one query, for the presenter."""
    ids = set()
    for entry in entries:
        details = entry.details or {}
        if isinstance(details.get("session"), int):
            ids.add(details["session"])
        ids.update(i for i in details.get("removed") or [] if isinstance(i, int))
        for key in ("added", "sessions"):
            if isinstance(details.get(key), dict):
                ids.update(int(i) for i in details[key] if str(i).isdigit())
    if not ids:
        return {}
    return {s.pk: s for s in Session.objects.filter(conference=conference, pk__in=ids)}


def conference_audit(*, conference: Conference, limit: int = 500) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(conference=conference)
        .select_related("registration", "actor")
        .order_by("-at", "-id")[:limit]
    )


@dataclass
class MealCount:
    meal: Session
    people: int
    diets: list  # (label, count), only the needs someone has
    other: list  # free-text needs


def catering_per_meal(*, conference: Conference) -> list[MealCount]:
    """For each meal (each lunch and dinner on its own): the confirmed people who take it and
    their dietary needs. Two queries, whatever the number of meals and people."""
    meals = list(meal_sessions(conference=conference))
    through = Registration.meals.through
    rows = through.objects.filter(
        session__conference=conference,
        session__kind=Session.Kind.MEAL,
        registration__status=Registration.Status.CONFIRMED,
    ).values_list("session_id", "registration__diets", "registration__diet_other")
    people: Counter = Counter()
    diets: dict[int, Counter] = {}
    other: dict[int, list] = {}
    for session_id, person_diets, diet_other in rows:
        people[session_id] += 1
        diets.setdefault(session_id, Counter()).update(person_diets or [])
        if diet_other:
            other.setdefault(session_id, []).append(diet_other)
    labels = dict(Diet.choices)
    return [
        MealCount(
            meal=meal,
            people=people[meal.pk],
            diets=[
                (labels[d], diets[meal.pk][d])
                for d in Diet.values
                if meal.pk in diets and diets[meal.pk][d]
            ],
            other=sorted(other.get(meal.pk, [])),
        )
        for meal in meals
    ]


def message_recipients(*, conference_id: int, session_id: int | None) -> QuerySet[Registration]:
    """Who an organiser message goes to: confirmed attendees, or those confirmed in a session."""
    registrations = Registration.objects.filter(
        conference_id=conference_id, status=Registration.Status.CONFIRMED
    )
    if session_id is not None:
        registrations = registrations.filter(
            signups__session_id=session_id, signups__status=Signup.Status.CONFIRMED
        )
    return registrations.order_by("id")


def message_history(*, conference: Conference) -> list[MessageSend]:
    """Messages sent, newest first, each with its e-mails' counts by status (one query each)."""
    sends = list(
        MessageSend.objects.filter(conference=conference)
        .select_related("session", "actor")
        .annotate(
            recipients=Count("emails"),
            sent=Count("emails", filter=Q(emails__status=EmailLog.Status.SENT)),
            failed=Count("emails", filter=Q(emails__status=EmailLog.Status.FAILED)),
        )
        .order_by("-created_at", "-id")
    )
    return sends


def message_send_get(*, conference: Conference, pk: int) -> MessageSend | None:
    return (
        MessageSend.objects.filter(conference=conference, pk=pk)
        .select_related("session", "actor")
        .prefetch_related(
            Prefetch(
                "emails",
                queryset=EmailLog.objects.select_related("registration").order_by("to", "id"),
            )
        )
        .first()
    )


def registration_answers(*, registration: Registration) -> list[tuple[str, str]]:
    """(question, answer) in the active language for each question of the conference; an
    unanswered question has an empty answer."""
    from .models import Question
    from .services.questions import answer_text

    answers = dict(registration.answers.values_list("question_id", "value"))
    return [
        (question.localized("text"), answer_text(question, answers.get(question.pk)))
        for question in Question.objects.filter(conference_id=registration.conference_id)
    ]
