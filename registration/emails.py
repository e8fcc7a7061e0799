"""E-mails to attendees: queued in the database, sent after commit by a Celery task.

Every e-mail is one `EmailLog` row first, so a send that fails is visible to organisers and can
never roll back or lose the registration that caused it."""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import EmailLog, Registration, Signup

logger = logging.getLogger(__name__)


def email_queue(*, registration: Registration, kind: str, session=None, payload=None) -> EmailLog:
    """Record the e-mail now; hand it to the task queue once the transaction commits."""
    payload = dict(payload or {})
    if session is not None:
        payload["session"] = session.pk
    log = EmailLog.objects.create(
        conference_id=registration.conference_id,
        registration=registration,
        kind=kind,
        to=registration.email,
        payload=payload,
    )
    transaction.on_commit(partial(_enqueue, log.pk))
    return log


def _enqueue(log_id: int) -> None:
    from .tasks import send_email

    try:
        send_email.delay(log_id)
    except Exception as exc:  # the broker is down: the row stays queued and visible
        logger.exception("Could not queue e-mail %s", log_id)
        EmailLog.objects.filter(pk=log_id, status=EmailLog.Status.QUEUED).update(
            error=f"queue: {exc}"[:2000]
        )


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def manage_url(registration: Registration) -> str:
    with translation.override(registration.language):
        return absolute(reverse("registration:manage", kwargs={"token": registration.manage_token}))


def calendar_links(registration: Registration) -> str | None:
    """The personal agenda feed (built in the conference app), once its route exists."""
    try:
        return absolute(
            reverse("conference:agenda-feed", kwargs={"token": registration.calendar_token})
        )
    except NoReverseMatch:
        return None


def badge_link(registration: Registration) -> str | None:
    """The person's badge page (built in the check-in app), once its route exists."""
    try:
        with translation.override(registration.language):
            return absolute(
                reverse("checkin:my-badge", kwargs={"token": registration.manage_token})
            )
    except NoReverseMatch:
        return None


def registration_ical(registration: Registration) -> bytes:
    """The conference and the person's confirmed workshops as an iCalendar file."""
    conference = registration.conference
    calendar = Calendar()
    calendar.add("prodid", "-//Samla//registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    where = ", ".join(p for p in (conference.venue_name, conference.venue_address) if p)
    event = Event()
    event.add("uid", f"conference-{conference.pk}-registration-{registration.pk}@samla")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", conference.start)
    event.add("dtend", conference.end)
    event.add("summary", conference.localized("name", registration.language))
    if where:
        event.add("location", where)
    calendar.add_component(event)
    for signup in registration.signups.filter(status=Signup.Status.CONFIRMED).select_related(
        "session__room"
    ):
        session = signup.session
        event = Event()
        event.add("uid", f"{session.uid}@samla")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", session.start)
        event.add("dtend", session.end)
        event.add("sequence", session.sequence)
        event.add("summary", session.localized("title", registration.language))
        if session.room_id:
            event.add("location", session.room.localized("name", registration.language))
        calendar.add_component(event)
    return calendar.to_ical()


SUBJECTS = {
    EmailLog.Kind.CONFIRMATION: lambda c: _("You are registered for %(c)s") % {"c": c},
    EmailLog.Kind.WAITING: lambda c: _("You are on the waiting list for %(c)s") % {"c": c},
    EmailLog.Kind.PROMOTED: lambda c: _("You got a seat at %(c)s") % {"c": c},
    EmailLog.Kind.OFFER: lambda c: _("A seat is free for you at %(c)s") % {"c": c},
    EmailLog.Kind.OFFER_EXPIRED: lambda c: _("Your seat offer for %(c)s has expired") % {"c": c},
    EmailLog.Kind.CANCELLED: lambda c: _("Your registration for %(c)s is cancelled") % {"c": c},
    EmailLog.Kind.REMINDER: lambda c: _("Your registration for %(c)s") % {"c": c},
    EmailLog.Kind.UPDATED: lambda c: _("Your choices for %(c)s have changed") % {"c": c},
}


def email_build(log: EmailLog) -> EmailMultiAlternatives:
    """Render the e-mail in the person's language, with the calendar file on confirmations."""
    registration = log.registration
    conference = registration.conference
    with translation.override(registration.language):
        session = None
        if log.payload.get("session"):
            session = conference.sessions.filter(pk=log.payload["session"]).first()
        signups = list(
            registration.signups.exclude(status=Signup.Status.CANCELLED).select_related(
                "session__room"
            )
        )
        context = {
            "kind": log.kind,
            "registration": registration,
            "conference": conference,
            "conference_name": conference.localized("name"),
            "session": session,
            "signups": signups,
            "meals": list(registration.meals.order_by("start")),
            "manage_url": manage_url(registration),
            "calendar_url": calendar_links(registration),
            "badge_url": badge_link(registration),
            "message": log.payload.get("body", ""),
            "offer_expires_at": (
                session
                and registration.signups.filter(session=session)
                .values_list("offer_expires_at", flat=True)
                .first()
            )
            or registration.offer_expires_at,
        }
        if log.kind == EmailLog.Kind.MESSAGE:
            subject = log.payload.get("subject", "")
        else:
            subject = SUBJECTS[log.kind](context["conference_name"])
        text = render_to_string("registration/email/notice.txt", context)
        html = render_to_string("registration/email/notice.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
        reply_to=[conference.contact_email] if conference.contact_email else None,
    )
    message.attach_alternative(html, "text/html")
    if log.kind in (EmailLog.Kind.CONFIRMATION, EmailLog.Kind.PROMOTED, EmailLog.Kind.UPDATED):
        message.attach(f"{conference.slug}.ics", registration_ical(registration), "text/calendar")
    return message


def email_send(log_id: int) -> EmailLog:
    """Send one queued e-mail; idempotent (a sent one is not sent again). Records the outcome
    and re-raises the provider's error so the task can retry."""
    log = EmailLog.objects.select_related("registration__conference").get(pk=log_id)
    if log.status == EmailLog.Status.SENT:
        return log
    if log.registration is None:
        log.status, log.error = EmailLog.Status.FAILED, "registration deleted"
        log.save(update_fields=["status", "error"])
        return log
    log.attempts += 1
    try:
        message = email_build(log)
        message.send()
    except Exception as exc:
        log.status = EmailLog.Status.FAILED
        log.error = f"{type(exc).__name__}: {exc}"[:2000]
        log.save(update_fields=["status", "error", "attempts"])
        raise
    status = getattr(message, "anymail_status", None)
    log.message_id = str(getattr(status, "message_id", "") or "")[:200]
    log.subject = message.subject[:300]
    log.status, log.error, log.sent_at = EmailLog.Status.SENT, "", timezone.now()
    log.save(update_fields=["status", "error", "sent_at", "attempts", "message_id", "subject"])
    return log
