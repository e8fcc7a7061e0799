"""Who may scan where, and the lists and searches a door device works from."""

from datetime import timedelta

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from checkin.models import (
    BadgeCode,
    Checkpoint,
    DoorAssignment,
    DoorLoginLink,
    Entry,
    Verdict,
    code_hash,
)
from checkin.names import folds, matches
from checkin.services import decide
from conference.models import Conference
from registration.models import Registration, Signup


def can_scan(user, conference_id: int, checkpoint_id: int | None = None) -> bool:
    """Superusers, the conference's organisers and door staff assigned to it may scan there; a
    volunteer limited to some doors only at those (`checkpoint_id`, when one is asked about)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    assignments = DoorAssignment.objects.filter(conference=OuterRef("pk"), user=user)
    if checkpoint_id is not None:
        doors = DoorAssignment.checkpoints.through.objects.filter(doorassignment_id=OuterRef("pk"))
        assignments = assignments.filter(
            ~Exists(doors) | Exists(doors.filter(checkpoint_id=checkpoint_id))
        )
    return (
        Conference.objects.filter(pk=conference_id)
        .filter(Q(organisers=user) | Exists(assignments))
        .exists()
    )


def conferences_for_door(user, only: int | None = None) -> QuerySet[Conference]:
    """Where `user` may scan; `only` (a conference id) narrows it to the one conference a
    printed log-in is for."""
    if user.is_superuser:
        conferences = Conference.objects.all()
    else:
        conferences = Conference.objects.filter(
            Q(organisers=user) | Q(door_assignments__user=user)
        ).distinct()
    if only is not None:
        conferences = conferences.filter(pk=only)
    return conferences


def checkpoints_for_door(user, conference: Conference) -> list[Checkpoint]:
    """The doors of `conference` that `user` may scan at: all of them, unless a volunteer's
    assignment names some."""
    return doors_by_conference(user, [conference])[conference.pk]


def doors_by_conference(user, conferences) -> dict[int, list[Checkpoint]]:
    """checkpoints_for_door for several conferences at once, in three queries whatever their
    number: {conference id: the doors `user` may scan at there}."""
    ids = [conference.pk for conference in conferences]
    doors = {pk: [] for pk in ids}
    checkpoints = Checkpoint.objects.filter(conference_id__in=ids).select_related(
        "session", "conference"
    )
    if user.is_superuser:
        limited = {}
    else:
        organised = set(
            Conference.objects.filter(pk__in=ids, organisers=user).values_list("pk", flat=True)
        )
        limited = {}
        chosen = DoorAssignment.checkpoints.through.objects.filter(
            doorassignment__conference_id__in=ids, doorassignment__user=user
        ).values_list("doorassignment__conference_id", "checkpoint_id")
        for conference_id, checkpoint_id in chosen:
            if conference_id not in organised:
                limited.setdefault(conference_id, set()).add(checkpoint_id)
    for checkpoint in checkpoints:
        allowed = limited.get(checkpoint.conference_id)
        if allowed is None or checkpoint.pk in allowed:
            doors[checkpoint.conference_id].append(checkpoint)
    return doors


def door_link_active(link_id, user) -> DoorLoginLink | None:
    """The printed log-in a door session started with, while it still holds: not revoked, not
    expired, its volunteer still on the conference's door staff and no organiser or staff
    anywhere. One query."""
    if link_id is None or not user.is_authenticated:
        return None
    return (
        DoorLoginLink.objects.filter(
            pk=link_id, user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .filter(
            Exists(
                DoorAssignment.objects.filter(
                    conference=OuterRef("conference"), user=OuterRef("user")
                )
            ),
            user__is_staff=False,
            user__is_superuser=False,
        )
        .exclude(Exists(Conference.organisers.through.objects.filter(user_id=OuterRef("user_id"))))
        .first()
    )


def checkpoints_for(conference: Conference) -> list[Checkpoint]:
    return list(
        Checkpoint.objects.filter(conference=conference).select_related("session", "conference")
    )


def checkpoint_get(checkpoint_id) -> Checkpoint | None:
    return (
        Checkpoint.objects.select_related("session", "conference").filter(pk=checkpoint_id).first()
    )


def _people(checkpoint: Checkpoint):
    """Everyone with a badge or a registration at this checkpoint's conference, door fields only."""
    return Registration.objects.filter(conference_id=checkpoint.conference_id).only(
        "id", "name", "organisation", "status"
    )


def door_list(checkpoint: Checkpoint) -> list[dict]:
    """What a device needs to decide offline: for every person a SHA-256 of their active badge
    code, if they have one (a lost phone leaks no usable badge), the name, organisation, the
    verdict a first scan would get, and the time of an earlier entry. Four queries whatever the
    size."""
    people = {r.pk: r for r in _people(checkpoint)}
    signups = {}
    if checkpoint.kind == Checkpoint.Kind.SESSION and checkpoint.session.requires_signup:
        signups = dict(
            Signup.objects.filter(session_id=checkpoint.session_id).values_list(
                "registration_id", "status"
            )
        )
    entries = dict(Entry.objects.filter(checkpoint=checkpoint).values_list("registration_id", "at"))
    codes = {
        registration_id: (code, short_code)
        for registration_id, code, short_code in BadgeCode.objects.filter(
            registration__conference_id=checkpoint.conference_id, revoked_at__isnull=True
        ).values_list("registration_id", "code", "short_code")
    }
    rows = []
    # Everyone, badge or not: offline name search must find a person whose badge was never
    # printed or downloaded (codes are issued when a badge is made); "h" is null for them.
    for registration_id, person in people.items():
        code, short_code = codes.get(registration_id, (None, None))
        at = entries.get(registration_id)
        rows.append(
            {
                "id": person.pk,
                "h": code_hash(code) if code else None,
                "s": code_hash(short_code) if short_code else None,
                "name": person.name,
                "organisation": person.organisation,
                "status": person.status,
                "verdict": decide(checkpoint, person, signups.get(registration_id)),
                "checked_in_at": at.isoformat() if at else None,
            }
        )
    rows.sort(key=lambda row: row["name"].casefold())
    return rows


def door_other_badges(checkpoint: Checkpoint) -> dict[str, str]:
    """Hashes of the active badge codes (full and short) of the other conferences of this
    conference's organisers that ended less than a year ago, each with that conference's name:
    offline, a door can then still say where a badge is valid. One query."""
    shared = Conference.organisers.through.objects.filter(
        conference_id=checkpoint.conference_id
    ).values("user_id")
    since = timezone.now() - timedelta(days=365)
    rows = BadgeCode.objects.filter(
        revoked_at__isnull=True,
        registration__conference__in=Conference.objects.filter(
            organisers__in=shared, end__gte=since
        ).exclude(pk=checkpoint.conference_id),
    ).values_list(
        "code", "short_code", "registration__conference__name", "registration__conference__name_en"
    )
    english = (get_language() or "sv").startswith("en")
    found = {}
    for code, short_code, name, name_en in rows:
        label = (name_en or name) if english else name
        found[code_hash(code)] = label
        found[code_hash(short_code)] = label
    return found


def registrations_changed_at(conference_id: int):
    """The latest change a door list depends on: a registration or a workshop sign-up saved
    (status, name), a badge code issued or revoked. None for a conference without any. Three
    queries."""
    moments = [
        *Registration.objects.filter(conference_id=conference_id)
        .aggregate(at=Max("updated_at"))
        .values(),
        *Signup.objects.filter(registration__conference_id=conference_id)
        .aggregate(at=Max("updated_at"))
        .values(),
        *BadgeCode.objects.filter(registration__conference_id=conference_id)
        .aggregate(issued=Max("issued_at"), revoked=Max("revoked_at"))
        .values(),
    ]
    moments = [moment for moment in moments if moment is not None]
    return max(moments) if moments else None


def door_search(checkpoint: Checkpoint, query: str, limit: int = 20) -> list[dict]:
    """People whose name or organisation contains `query`, ignoring case and diacritics both
    ways (see checkin.names), by name, with the state a door needs: the verdict a scan would get,
    when they were checked in here, and whether "Check in" can succeed. Three queries whatever
    the size: the conference's names are folded in Python, as on the phone."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    wanted = folds(query)
    people = [
        person
        for person in _people(checkpoint).order_by("name", "id")
        if matches(wanted, person.name, person.organisation)
    ][:limit]
    if not people:
        return []
    signups = {}
    if checkpoint.kind == Checkpoint.Kind.SESSION and checkpoint.session.requires_signup:
        signups = dict(
            Signup.objects.filter(
                session_id=checkpoint.session_id, registration__in=people
            ).values_list("registration_id", "status")
        )
    entries = dict(
        Entry.objects.filter(checkpoint=checkpoint, registration__in=people).values_list(
            "registration_id", "at"
        )
    )
    rows = []
    for p in people:
        verdict = decide(checkpoint, p, signups.get(p.pk))
        at = entries.get(p.pk)
        rows.append(
            {
                "id": p.pk,
                "name": p.name,
                "organisation": p.organisation,
                "status": p.status,
                "verdict": verdict,
                "checked_in_at": at.isoformat() if at else None,
                "can_check_in": verdict == Verdict.OK and at is None,
            }
        )
    return rows
