"""The people behind badges, the desk and the team, and the badge print jobs."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from checkin.models import (
    BadgeCode,
    BadgeJob,
    Checkpoint,
    DoorAssignment,
    DoorLoginLink,
    Scan,
)
from conference.models import Conference
from registration.models import Registration

BADGE_FILTERS = ("sector", "q", "since", "ids")


def badge_people(conference: Conference, filters: dict | None = None) -> list[tuple]:
    """(registration, active badge code, short code) of confirmed registrations, by name, in one
    query."""
    filters = filters or {}
    codes = (
        BadgeCode.objects.filter(
            registration__conference=conference,
            registration__status=Registration.Status.CONFIRMED,
            revoked_at__isnull=True,
        )
        .select_related("registration")
        .only(
            "code",
            "short_code",
            "registration__name",
            "registration__organisation",
            "registration__status",
        )
        .order_by("registration__name", "registration_id")
    )
    if filters.get("sector"):
        codes = codes.filter(registration__sector=filters["sector"])
    if filters.get("q"):
        codes = codes.filter(
            Q(registration__name__icontains=filters["q"])
            | Q(registration__organisation__icontains=filters["q"])
        )
    if filters.get("since"):
        codes = codes.filter(registration__created_at__date__gte=filters["since"])
    if filters.get("ids"):
        codes = codes.filter(registration_id__in=filters["ids"])
    return [(code.registration, code.code, code.short_code) for code in codes]


def desk_people(conference: Conference) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(conference=conference)
        .exclude(status=Registration.Status.CANCELLED)
        .only("name", "organisation", "status")
        .order_by("name", "id")
    )


# The team ------------------------------------------------------------------------------------


@dataclass
class TeamMember:
    user: object
    role: str  # TeamRole
    invited: bool  # the account waits for its owner to set a password
    doors: list  # the checkpoints a volunteer is limited to; empty: every door
    token_created: object = None  # when the API token of the person's door device was made
    links: list = field(default_factory=list)  # printed log-ins still valid
    devices: list = field(default_factory=list)  # (device id, scans, last scan) at this conference

    @property
    def name(self):
        return self.user.get_full_name() or self.user.get_username()


def team_members(conference: Conference) -> list[TeamMember]:
    """Organisers first, then door volunteers, each by name, with their doors, device tokens,
    printed log-ins and the devices they scanned with here. Six queries whatever the size."""
    from rest_framework.authtoken.models import Token

    from checkin.services.team import TeamRole, needs_password

    members = [
        TeamMember(user=user, role=TeamRole.ORGANISER, invited=needs_password(user), doors=[])
        for user in conference.organisers.all()
    ]
    organiser_ids = {member.user.pk for member in members}
    assignments = (
        DoorAssignment.objects.filter(conference=conference)
        .exclude(user_id__in=organiser_ids)
        .select_related("user")
        .prefetch_related(
            Prefetch("checkpoints", queryset=Checkpoint.objects.select_related("session"))
        )
    )
    members += [
        TeamMember(
            user=a.user,
            role=TeamRole.DOOR,
            invited=needs_password(a.user),
            doors=list(a.checkpoints.all()),
        )
        for a in assignments
    ]
    by_user = {member.user.pk: member for member in members}
    for user_id, created in Token.objects.filter(user_id__in=by_user).values_list(
        "user_id", "created"
    ):
        by_user[user_id].token_created = created
    for link in DoorLoginLink.objects.filter(
        conference=conference,
        user_id__in=by_user,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ):
        by_user[link.user_id].links.append(link)
    devices = (
        Scan.objects.filter(checkpoint__conference=conference, actor_id__in=by_user)
        .values("actor_id", "device_id")
        .annotate(n=Count("id"), last=Max("scanned_at"))
        .order_by("actor_id", "-last")
    )
    for row in devices:
        by_user[row["actor_id"]].devices.append((row["device_id"], row["n"], row["last"]))
    members.sort(key=lambda m: (m.role != TeamRole.ORGANISER, m.name.casefold(), m.user.pk))
    return members


def team_member(conference: Conference, user_id) -> TeamMember | None:
    for member in team_members(conference):
        if member.user.pk == user_id:
            return member
    return None


def badge_jobs(conference: Conference, limit: int = 20) -> list[BadgeJob]:
    return list(BadgeJob.objects.filter(conference=conference).order_by("-created_at")[:limit])


def badge_job_get(conference: Conference, pk: int, *, ready: bool = False) -> BadgeJob | None:
    jobs = BadgeJob.objects.filter(conference=conference, pk=pk)
    if ready:
        jobs = jobs.filter(status=BadgeJob.Status.DONE)
    return jobs.first()
