"""What registration does when the organisers change the programme.

`conference.services.session_save` sends `session_rescheduled` after its transaction commits;
`session_rescheduled_notify` (connected in RegistrationConfig.ready) queues one e-mail per
confirmed place, each in the person's own language. Renaming alone sends nothing: the calendar
feeds pick that up, and a mail for a typo fix is noise.

`seats_changed` (a cap raised or removed, a bigger room) makes `seats_changed_hand_out` give the
new seats to the waiting lists, through a Celery task, as a cancel would.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from conference.models import Room, Session

from .models import Registration, Signup
from .services import seats_hand_out

logger = logging.getLogger(__name__)

NOTIFY_FIELDS = ("start", "end", "room_id", "status")


def seats_changed_hand_out(sender, *, conference, sessions, **kwargs):
    seats_hand_out_task.delay(conference.pk, [s.pk for s in sessions])


@shared_task(acks_late=True)
def seats_hand_out_task(conference_id: int, session_ids: list[int]) -> None:
    # In the background: a cap raised by a hundred is a hundred promotions and e-mails, not
    # work for the organiser's save to wait on.
    seats_hand_out(conference_id=conference_id, session_ids=session_ids)


def session_rescheduled_notify(sender, *, session, previous, **kwargs):
    if not any(previous.get(f) != getattr(session, f) for f in NOTIFY_FIELDS):
        return
    payload = {
        "start": previous["start"].isoformat(),
        "end": previous["end"].isoformat(),
        "room_id": previous["room_id"],
        "status": previous["status"],
    }
    transaction.on_commit(lambda: session_changed_send.delay(session.pk, payload))


def _agenda_url(registration) -> str | None:
    try:
        path = reverse("conference:agenda-feed", kwargs={"token": registration.calendar_token})
    except NoReverseMatch:
        return None
    return f"{settings.SITE_URL}{path}"


def _session_url(session) -> str:
    try:
        return f"{settings.SITE_URL}{session.get_absolute_url()}"
    except NoReverseMatch:
        return ""


def session_changed_render(
    *, registration, session, previous, everyone: bool = False
) -> tuple[str, str, str]:
    """(subject, text, html) in the person's language."""
    conference = session.conference
    with translation.override(registration.language), timezone.override(conference.time_zone):
        old_room = None
        if previous.get("room_id"):
            old_room = Room.objects.filter(pk=previous["room_id"]).first()
        context = {
            "registration": registration,
            "conference_name": conference.localized("name"),
            "conference": conference,
            "session": session,
            "title": session.localized("title"),
            "cancelled": session.is_cancelled,
            "everyone": everyone,
            "room": session.room.localized("name") if session.room_id else "",
            "old_room": old_room.localized("name") if old_room else "",
            "old_start": timezone.localtime(_parse(previous["start"])),
            "old_end": timezone.localtime(_parse(previous["end"])),
            "start": timezone.localtime(session.start),
            "end": timezone.localtime(session.end),
            "moved": _parse(previous["start"]) != session.start
            or _parse(previous["end"]) != session.end,
            "room_changed": previous.get("room_id") != session.room_id,
            "session_url": _session_url(session),
            "agenda_url": _agenda_url(registration),
        }
        subject = render_to_string(
            "registration/email/session_changed_subject.txt", context
        ).strip()
        text = render_to_string("registration/email/session_changed.txt", context)
        html = render_to_string("registration/email/session_changed.html", context)
    return subject, text, html


def _parse(value):
    from datetime import datetime

    return datetime.fromisoformat(value) if isinstance(value, str) else value


@shared_task
def session_changed_send(session_id: int, previous: dict) -> int:
    """E-mail everyone with a confirmed place in the session; returns how many were queued."""
    session = Session.objects.select_related("conference", "room").filter(pk=session_id).first()
    if session is None:
        return 0
    registrations = list(
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            signups__session=session,
            signups__status=Signup.Status.CONFIRMED,
        ).distinct()
    )
    for registration in registrations:
        subject, text, html = session_changed_render(
            registration=registration, session=session, previous=previous
        )
        _deliver(registration=registration, session=session, subject=subject, text=text, html=html)
    return len(registrations)


def session_cancelled_tell_everyone(*, session) -> None:
    """Once the cancel commits, e-mail every confirmed registration of the conference that the
    session is cancelled (for a seminar or plenary, which nobody signs up for). People with a
    place in the session are left out: `session_changed_send` tells them already, and each
    person hears once."""
    session_id = session.pk
    transaction.on_commit(lambda: session_cancelled_everyone_send.delay(session_id))


@shared_task
def session_cancelled_everyone_send(session_id: int) -> int:
    session = Session.objects.select_related("conference", "room").filter(pk=session_id).first()
    if session is None or not session.is_cancelled:
        return 0
    holders = Signup.objects.filter(session=session, status=Signup.Status.CONFIRMED).values(
        "registration_id"
    )
    registrations = list(
        Registration.objects.filter(
            conference_id=session.conference_id, status=Registration.Status.CONFIRMED
        )
        .exclude(pk__in=holders)
        .order_by("pk")
    )
    previous = {
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "room_id": session.room_id,
        "status": Session.Status.SCHEDULED,
    }
    for registration in registrations:
        subject, text, html = session_changed_render(
            registration=registration, session=session, previous=previous, everyone=True
        )
        _deliver(registration=registration, session=session, subject=subject, text=text, html=html)
    return len(registrations)


def _deliver(*, registration, session, subject, text, html):
    """Through the registration app's logged e-mail queue when it is there, else directly."""
    try:
        from .emails import email_queue
        from .models import EmailLog
    except ImportError:
        email_queue = None
    if email_queue is not None:
        email_queue(
            registration=registration,
            kind=EmailLog.Kind.PROGRAMME_CHANGE,
            payload={"subject": subject, "body": text, "programme_change": session.pk},
        )
        return
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
        reply_to=[session.conference.contact_email] if session.conference.contact_email else None,
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        logger.exception("Programme-change e-mail to registration %s failed", registration.pk)
