"""Reads of registrations, shared by pages, the API and exports."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from conference.models import Conference, Session

from .models import HOLDING, Diet, EmailLog, Registration, Signup


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


@dataclass
class Catering:
    meals: list  # (session, count)
    diets: list  # (label, count)
    diet_other: list  # free-text needs, one per person who wrote one
    confirmed: int


def catering_sheet(*, conference: Conference) -> Catering:
    """Meals per day and dietary needs summed over confirmed attendees, in three queries."""
    confirmed = Registration.objects.filter(
        conference=conference, status=Registration.Status.CONFIRMED
    )
    meals = list(
        meal_sessions(conference=conference).annotate(
            eaters=Count(
                "meal_registrations",
                filter=Q(meal_registrations__status=Registration.Status.CONFIRMED),
            )
        )
    )
    counter: Counter = Counter()
    other = []
    for diets, diet_other in confirmed.values_list("diets", "diet_other"):
        counter.update(diets or [])
        if diet_other:
            other.append(diet_other)
    labels = dict(Diet.choices)
    return Catering(
        meals=[(m, m.eaters) for m in meals],
        diets=[(labels[d], counter[d]) for d in Diet.values if counter[d]],
        diet_other=sorted(other),
        confirmed=confirmed.count(),
    )


def email_failures(*, conference: Conference) -> QuerySet[EmailLog]:
    return EmailLog.objects.filter(conference=conference, status=EmailLog.Status.FAILED)
