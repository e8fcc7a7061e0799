"""Writes of attendance that door scans do not make: head counts and marks by hand, each with
an audit entry."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from conference.models import Session
from registration.models import Registration
from registration.services import audit

from .attendance import conference_days
from .errors import ImpactError
from .models import HeadCount, PresenceMark


def head_count_set(*, session: Session, count: int | None, actor) -> HeadCount | None:
    """Set (or with None, clear) the head count of `session`."""
    if count is not None and count < 0:
        raise ImpactError("negative_count", _("A head count cannot be negative."), "count")
    with transaction.atomic():
        if count is None:
            HeadCount.objects.filter(session=session).delete()
            return None
        head_count, _created = HeadCount.objects.update_or_create(
            session=session, defaults={"count": count, "counted_by": actor}
        )
    return head_count


def _check_person(registration: Registration, conference_id: int) -> None:
    if registration.conference_id != conference_id:
        raise ImpactError("other_conference", _("That person belongs to another conference."))
    if registration.status == Registration.Status.CANCELLED:
        raise ImpactError("cancelled", _("%(name)s has cancelled.") % {"name": registration.name})


def presence_mark(
    *, registration: Registration, actor, session: Session | None = None, day: date | None = None
) -> PresenceMark:
    """Mark `registration` present at `session` or on `day`. Idempotent: marking twice keeps one
    mark and one audit entry."""
    if (session is None) == (day is None):
        raise ImpactError("not_a_day", _("Choose a session or a day."))
    conference = registration.conference
    if session is not None:
        _check_person(registration, session.conference_id)
    else:
        _check_person(registration, conference.pk)
        if day not in conference_days(conference):
            raise ImpactError("not_a_day", _("That day is not one of the conference's days."))
    lookup = {"session": session} if session is not None else {"day": day}
    try:
        with transaction.atomic():
            mark, created = PresenceMark.objects.get_or_create(
                registration=registration, **lookup, defaults={"marked_by": actor}
            )
            if created:
                audit(
                    registration=registration,
                    action="marked_present",
                    actor=actor,
                    actor_label="organiser",
                    **({"session": session.pk} if session else {"day": day.isoformat()}),
                )
    except IntegrityError:  # the same mark made at the same moment elsewhere
        mark = PresenceMark.objects.get(registration=registration, **lookup)
    return mark


def presence_unmark(
    *, registration: Registration, actor, session: Session | None = None, day: date | None = None
) -> None:
    lookup = {"session": session} if session is not None else {"day": day}
    with transaction.atomic():
        deleted, _rows = PresenceMark.objects.filter(registration=registration, **lookup).delete()
        if deleted:
            audit(
                registration=registration,
                action="unmarked_present",
                actor=actor,
                actor_label="organiser",
                **({"session": session.pk} if session else {"day": day.isoformat()}),
            )
