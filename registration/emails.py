"""E-mails to attendees: queued in the database, sent after commit by a Celery task.

Every e-mail is one `EmailLog` row first, so a send that fails is visible to organisers and can
never roll back or lose the registration that caused it.

With a broker, the ids of committed e-mails collect in a per-process batch that one background
thread publishes as a single `send_emails` task within `BATCH_WAIT`: a registration rush pays
one broker round trip per batch, not one per registration. A row whose task never reached the
broker (the process died first, the broker was down) stays `queued`; the beat task
`send_queued_emails` hands it over again (`email_resend_queued`)."""

import atexit
import logging
import os
import threading
import time
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connections, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Diet, EmailLog, Registration, Signup

logger = logging.getLogger(__name__)

# A batch is published this long after its first id arrives, or at once when it is full. A
# publish costs 1-2 ms of CPU: at 0.2 s a rush of ~100 registrations a second per process
# shares it among ~20 e-mails (at 0.05 s among ~5), and nobody notices the e-mail leaving a
# fifth of a second later.
BATCH_WAIT = 0.2
BATCH_MAX = 200
# While a row is not sent, `sent_at` holds when a send attempt claimed it. A claim older than
# this is taken to be from a worker that died mid-send, and the row may be claimed again.
SEND_LEASE = timedelta(minutes=10)
# The sweep leaves younger rows to the task already on its way, and hands over at most this
# many rows a run, so a broker outage cannot come back as a storm.
RESEND_AFTER = timedelta(minutes=10)
RESEND_MAX = 1000


def email_queue(
    *, registration: Registration, kind: str, session=None, payload=None, message_send=None
) -> EmailLog:
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
        message_send=message_send,
    )
    transaction.on_commit(partial(email_dispatch, log.pk))
    return log


def email_dispatch(log_id: int) -> None:
    """Hand a committed e-mail to the workers. Call it only once the row is committed; safe from
    any thread, inside or outside a transaction. Without a broker (eager Celery) the e-mail is
    sent at once; with one, the id joins this process's batch and returns without I/O."""
    if current_app.conf.task_always_eager:
        from .tasks import send_email

        try:
            send_email.delay(log_id)
        except Exception as exc:
            _queue_failed([log_id], exc)
        return
    _pending.add(log_id)


def email_flush() -> None:
    """Publish this process's pending batch now, in the calling thread (at exit, after a task)."""
    while ids := _pending.take():
        _publish(ids)


def email_resend_queued(*, now=None) -> int:
    """Hand over again the oldest rows still `queued` after `RESEND_AFTER` (at most
    `RESEND_MAX`); a duplicate task is harmless, `email_send` claims each row once."""
    now = now or timezone.now()
    ids = list(
        EmailLog.objects.filter(status=EmailLog.Status.QUEUED, created_at__lt=now - RESEND_AFTER)
        .filter(Q(sent_at__isnull=True) | Q(sent_at__lt=now - SEND_LEASE))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:RESEND_MAX]
    )
    for start in range(0, len(ids), BATCH_MAX):
        _publish(ids[start : start + BATCH_MAX])
    return len(ids)


def _publish(ids: list[int]) -> bool:
    """One task for the batch. If the broker is down the rows stay queued, with the reason, for
    the sweep."""
    from .tasks import send_emails

    try:
        send_emails.delay(ids)
    except Exception as exc:
        _queue_failed(ids, exc)
        return False
    return True


def _queue_failed(ids: list[int], exc: Exception) -> None:
    logger.exception("Could not queue e-mails %s", ids, exc_info=exc)
    EmailLog.objects.filter(pk__in=ids, status=EmailLog.Status.QUEUED).update(
        error=f"queue: {exc}"[:2000]
    )


class _Pending:
    """Ids waiting to be published, and the daemon thread that publishes them. Per process:
    reset in a forked child (gunicorn and Celery fork workers), where the parent's lock may be
    held and its thread does not exist; the parent publishes what it had."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.ready = threading.Condition()
        self.ids: list[int] = []
        self.since = 0.0  # when the oldest pending id arrived (time.monotonic)
        self.thread = None

    def add(self, log_id: int) -> None:
        with self.ready:
            if not self.ids:
                self.since = time.monotonic()
            self.ids.append(log_id)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self.run, name="samla-email-dispatch", daemon=True
                )
                self.thread.start()
            if len(self.ids) == 1 or len(self.ids) >= BATCH_MAX:
                self.ready.notify()

    def take(self) -> list[int]:
        with self.ready:
            ids, self.ids = self.ids[:BATCH_MAX], self.ids[BATCH_MAX:]
            self.since = time.monotonic()
        return ids

    def due_in(self) -> float | None:
        """Seconds until the batch is to be published: None while empty, 0 when due."""
        if not self.ids:
            return None
        if len(self.ids) >= BATCH_MAX:
            return 0
        return max(0.0, self.since + BATCH_WAIT - time.monotonic())

    def run(self) -> None:
        ready = self.ready
        while True:
            with ready:
                while (due_in := self.due_in()) != 0:
                    ready.wait(due_in)
                ids = self.take()  # the Condition's lock is re-entrant
            try:
                published = _publish(ids)
            except Exception:  # the database is down too; the sweep finds the rows later
                logger.exception("Could not record the queueing failure of e-mails %s", ids)
                published = False
            if not published:
                connections.close_all()  # this thread's own; it may idle for hours


_pending = _Pending()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_pending.reset)
# A worker that stops gracefully publishes what it holds; one that is killed leaves the rows
# queued for the sweep.
atexit.register(email_flush)


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
    # A workshop given up (a swap, a cancel) goes out again with its UID, STATUS:CANCELLED and a
    # SEQUENCE above the one last sent, so a calendar that imported an earlier attachment drops it
    # instead of keeping it beside the new one.
    for signup in registration.signups.filter(
        status__in=(Signup.Status.CONFIRMED, Signup.Status.CANCELLED)
    ).select_related("session__room"):
        session = signup.session
        cancelled = signup.status == Signup.Status.CANCELLED
        event = Event()
        event.add("uid", f"{session.uid}@samla")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", session.start)
        event.add("dtend", session.end)
        event.add("sequence", session.sequence + 1 if cancelled else session.sequence)
        event.add("summary", session.localized("title", registration.language))
        if cancelled:
            event.add("status", "CANCELLED")
        if session.room_id:
            event.add("location", session.room.localized("name", registration.language))
        calendar.add_component(event)
    return calendar.to_ical()


def conference_when(conference) -> str:
    """ "16 mars 2027 kl. 12.00 – 17 mars 2027 kl. 13.30" in the active language, in the
    conference's time zone; one date when it starts and ends on the same day."""
    with timezone.override(conference.time_zone):
        start, end = timezone.localtime(conference.start), timezone.localtime(conference.end)
        if start.date() == end.date():
            return f"{date_format(start, 'DATETIME_FORMAT')}–{date_format(end, 'TIME_FORMAT')}"
        return f"{date_format(start, 'DATETIME_FORMAT')} – {date_format(end, 'DATETIME_FORMAT')}"


def conference_where(conference) -> str:
    return conference.full_address


# What e-mails may attach: name -> render(registration) -> (file name, bytes, type), or None
# where it does not apply to the person. The apps above registration add theirs in their
# AppConfig.ready() (the badge from check-in, the certificate from impact), so this module
# never imports upwards. Scheduled e-mails name theirs in the payload ("attach").
ATTACHMENTS = {}


def attachment_register(name: str, render) -> None:
    ATTACHMENTS[name] = render


def _personal_ics(registration):
    return (f"{registration.conference.slug}.ics", registration_ical(registration), "text/calendar")


def _programme_ics(registration):
    from conference.exporters.ical import ProgrammeCalendar
    from conference.selectors import programme_get

    conference = registration.conference
    exporter = ProgrammeCalendar()
    content = exporter.render(programme_get(conference=conference, include_cancelled=True))
    return (f"{conference.slug}-programme.ics", content, "text/calendar")


attachment_register("personal_ics", _personal_ics)
attachment_register("programme_ics", _programme_ics)


SUBJECTS = {
    EmailLog.Kind.CONFIRMATION: lambda c: _("You are registered for %(c)s") % {"c": c},
    EmailLog.Kind.WAITING: lambda c: _("You are on the waiting list for %(c)s") % {"c": c},
    EmailLog.Kind.PROMOTED: lambda c: _("You got a seat at %(c)s") % {"c": c},
    EmailLog.Kind.OFFER: lambda c: _("A seat is free for you at %(c)s") % {"c": c},
    EmailLog.Kind.OFFER_EXPIRED: lambda c: _("Your seat offer for %(c)s has expired") % {"c": c},
    EmailLog.Kind.CANCELLED: lambda c: _("Your registration for %(c)s is cancelled") % {"c": c},
    EmailLog.Kind.REMINDER: lambda c: _("Your registration for %(c)s") % {"c": c},
    EmailLog.Kind.UPDATED: lambda c: _("Your choices for %(c)s have changed") % {"c": c},
    EmailLog.Kind.CERTIFICATE: lambda c: _("Your certificate of attendance from %(c)s") % {"c": c},
}
# Kinds whose subject and text were written by the organisers (and filled in when queued).
WRITTEN = (EmailLog.Kind.MESSAGE, EmailLog.Kind.PROGRAMME_CHANGE, EmailLog.Kind.SCHEDULED)

# What an e-mail kind always carries, by attachment name (the certificate e-mail, its PDF).
KIND_ATTACHMENTS = {EmailLog.Kind.CERTIFICATE: ("certificate",)}


def diet_labels(registration: Registration) -> list[str]:
    """The person's dietary needs in the active language, the free text last."""
    labels = [str(Diet(value).label) for value in registration.diets or () if value in Diet.values]
    if registration.diet_other:
        labels.append(registration.diet_other)
    return labels


def _email_render(*, kind, registration, session, signups, meals, payload, offer_expires_at, test):
    """Subject, text and HTML of one e-mail; call in the person's language and zone."""
    conference = registration.conference
    context = {
        "kind": kind,
        "registration": registration,
        "conference": conference,
        "conference_name": conference.localized("name"),
        "conference_when": conference_when(conference),
        "conference_where": conference_where(conference),
        "own_text": conference.localized("confirmation_text")
        if kind == EmailLog.Kind.CONFIRMATION
        else "",
        "session": session,
        "signups": signups,
        "meals": meals,
        "diets": diet_labels(registration),
        "manage_url": manage_url(registration),
        "calendar_url": None if test else calendar_links(registration),
        "badge_url": None if test else badge_link(registration),
        "message": payload.get("body", ""),
        "offer_expires_at": offer_expires_at,
        "test": test,
    }
    if kind in WRITTEN:
        subject = payload.get("subject", "")
    else:
        subject = SUBJECTS[kind](context["conference_name"])
    if test:
        subject = _("[Test] %(subject)s") % {"subject": subject}
    text = render_to_string("registration/email/notice.txt", context)
    html = render_to_string("registration/email/notice.html", context)
    return subject, text, html


def email_test_build(
    *, registration: Registration, signups, meals, to: str
) -> EmailMultiAlternatives:
    """The confirmation e-mail an unsaved test registration would get, marked as a test, to
    `to` (the organiser who sent it) only. Nothing is saved: no EmailLog row either."""
    conference = registration.conference
    with translation.override(registration.language), timezone.override(conference.time_zone):
        subject, text, html = _email_render(
            kind=EmailLog.Kind.CONFIRMATION,
            registration=registration,
            session=None,
            signups=signups,
            meals=meals,
            payload={},
            offer_expires_at=None,
            test=True,
        )
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    message.attach_alternative(html, "text/html")
    return message


def email_build(log: EmailLog) -> EmailMultiAlternatives:
    """Render the e-mail in the person's language, with the calendar file on confirmations."""
    registration = log.registration
    conference = registration.conference
    with translation.override(registration.language), timezone.override(conference.time_zone):
        session = None
        if log.payload.get("session"):
            session = conference.sessions.filter(pk=log.payload["session"]).first()
        signups = list(
            registration.signups.exclude(status=Signup.Status.CANCELLED).select_related(
                "session__room"
            )
        )
        offer_expires_at = (
            session
            and registration.signups.filter(session=session)
            .values_list("offer_expires_at", flat=True)
            .first()
        ) or registration.offer_expires_at
        subject, text, html = _email_render(
            kind=log.kind,
            registration=registration,
            session=session,
            signups=signups,
            meals=list(registration.meals.order_by("start")),
            payload=log.payload,
            offer_expires_at=offer_expires_at,
            test=False,
        )
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
    names = [*KIND_ATTACHMENTS.get(log.kind, ()), *log.payload.get("attach", ())]
    for name in dict.fromkeys(names):
        if name in ATTACHMENTS:
            with translation.override(registration.language):
                attachment = ATTACHMENTS[name](registration)
            if attachment is not None:
                message.attach(*attachment)
    return message


def email_send(log_id: int) -> EmailLog:
    """Send one queued e-mail at most once, even when several tasks for it run at the same time:
    a single UPDATE claims the row (sets `sent_at`, counts the attempt) unless it is sent or
    claimed within `SEND_LEASE`; whoever gets no row returns without sending. No lock is held
    while the provider is called. Records the outcome and re-raises the provider's error so the
    task can retry (a failed row is released for that retry)."""
    now = timezone.now()
    claimed = (
        EmailLog.objects.filter(pk=log_id)
        .exclude(status=EmailLog.Status.SENT)
        .filter(Q(sent_at__isnull=True) | Q(sent_at__lt=now - SEND_LEASE))
        .update(sent_at=now, attempts=F("attempts") + 1)
    )
    log = EmailLog.objects.select_related("registration__conference").get(pk=log_id)
    if not claimed:
        return log
    if log.registration is None:
        log.status, log.error, log.sent_at = EmailLog.Status.FAILED, "registration deleted", None
        log.save(update_fields=["status", "error", "sent_at"])
        return log
    if (
        log.kind == EmailLog.Kind.SCHEDULED
        and log.registration.status == Registration.Status.CANCELLED
    ):
        # Cancelled between the rule's run and the send: a scheduled e-mail is not news for them.
        log.status, log.sent_at = EmailLog.Status.FAILED, None
        log.error = "cancelled before sending"
        log.save(update_fields=["status", "error", "sent_at"])
        return log
    try:
        message = email_build(log)
        message.send()
    except Exception as exc:
        log.status, log.sent_at = EmailLog.Status.FAILED, None
        log.error = f"{type(exc).__name__}: {exc}"[:2000]
        log.save(update_fields=["status", "error", "sent_at"])
        raise
    status = getattr(message, "anymail_status", None)
    log.message_id = str(getattr(status, "message_id", "") or "")[:200]
    log.subject = message.subject[:300]
    log.status, log.error, log.sent_at = EmailLog.Status.SENT, "", timezone.now()
    log.save(update_fields=["status", "error", "sent_at", "message_id", "subject"])
    return log
