"""Reads of impact for the workspace's pages (the figures themselves are in attendance and
report)."""

from conference.models import Conference, Session
from registration.models import Registration

from .models import Certificate, PresenceMark


def attendance_sessions(*, conference: Conference) -> list[Session]:
    """The sessions people can be counted at: not breaks, not cancelled."""
    return list(
        Session.objects.filter(conference=conference)
        .exclude(kind=Session.Kind.BREAK)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("room")
        .order_by("start", "room__position", "title")
    )


def presence_marks(*, conference: Conference) -> list[PresenceMark]:
    return list(
        PresenceMark.objects.filter(registration__conference=conference)
        .select_related("registration", "session", "marked_by")
        .order_by("-marked_at", "-id")
    )


def markable_people(*, conference: Conference) -> list[tuple[int, str]]:
    """(id, "name (e-mail)") of the confirmed registrations, by name."""
    return [
        (pk, f"{name} ({email})")
        for pk, name, email in Registration.objects.filter(
            conference=conference, status=Registration.Status.CONFIRMED
        )
        .order_by("name", "id")
        .values_list("id", "name", "email")
    ]


def certificate_counts(*, conference: Conference) -> dict:
    certificates = Certificate.objects.filter(registration__conference=conference)
    return {
        "issued": certificates.count(),
        "emailed": certificates.filter(emailed_at__isnull=False).count(),
    }
