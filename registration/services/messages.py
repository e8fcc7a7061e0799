"""Organiser messages to attendees, sent in the background."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from conference.models import Conference, Session

from .. import emails
from ..errors import RegistrationError
from ..models import AuditEntry, EmailLog, MessageSend
from ..selectors import message_recipients
from .checks import invalid_input
from .waiting import _actor_label

# Organiser messages ---------------------------------------------------------------------------

KEY_MAX = 64


def organiser_message_send(
    *,
    conference: Conference,
    subject: str,
    body: str,
    session: Session | None = None,
    actor=None,
    key: str = "",
) -> tuple[MessageSend, bool]:
    """Queue a message to every confirmed attendee (or those of one session); the fan-out and
    the sending run in the background after commit. Returns (send, created).

    Idempotent by `key` (the form's): a second call with the same key for the conference sends
    nothing and returns the first send, also when both calls race."""
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or len(subject) > 200:
        raise invalid_input(_("Write a subject of at most 200 characters."), "subject")
    if not body or len(body) > 10000:
        raise invalid_input(_("Write a message of at most 10,000 characters."), "body")
    if session is not None and session.conference_id != conference.pk:
        raise RegistrationError("invalid_session", _("Choose a session of this conference."))
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise RegistrationError("invalid_key", _("The form has expired. Please send it again."))
    existing = MessageSend.objects.filter(conference=conference, key=key).first()
    if existing is not None:
        return existing, False
    from ..tasks import send_message

    try:
        with transaction.atomic():
            send = MessageSend.objects.create(
                conference=conference,
                session=session,
                key=key,
                subject=subject,
                body=body,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
            )
            AuditEntry.objects.create(
                conference=conference,
                actor=send.actor,
                actor_label=_actor_label(actor, "organiser"),
                action="message_sent",
                details={
                    "subject": subject,
                    "session": session.pk if session else None,
                    "message": send.pk,
                },
            )
    except IntegrityError:
        return MessageSend.objects.get(conference=conference, key=key), False
    session_id = session.pk if session else None
    transaction.on_commit(
        lambda: send_message.delay(conference.pk, session_id, subject, body, send.pk)
    )
    return send, True


def organiser_message_fan_out(
    *,
    conference_id: int,
    session_id: int | None,
    subject: str,
    body: str,
    message_send_id: int | None = None,
) -> int:
    """One e-mail per recipient. With a send, at most once: a retried task finds the send's
    e-mails already queued (the send's row is locked while they are written) and adds none."""
    count = 0
    with transaction.atomic():
        send = None
        if message_send_id is not None:
            send = MessageSend.objects.select_for_update().filter(pk=message_send_id).first()
            if send is None or send.emails.exists():
                return 0
        for registration in message_recipients(conference_id=conference_id, session_id=session_id):
            emails.email_queue(
                registration=registration,
                kind=EmailLog.Kind.MESSAGE,
                payload={"subject": subject, "body": body},
                message_send=send,
            )
            count += 1
    return count


@dataclass
class MessagePreview:
    to: str
    subject: str
    body: str


def organiser_message_preview(
    *, conference: Conference, subject: str, body: str, session: Session | None = None
) -> tuple[int, MessagePreview | None]:
    """(number of recipients, the first recipient's e-mail as it would be sent, or None).
    Nothing is saved. The person's private links are masked: the organiser sees where they
    go, not the secrets that would let them act as the attendee."""
    recipients = message_recipients(
        conference_id=conference.pk, session_id=session.pk if session else None
    )
    count = recipients.count()
    first = recipients.select_related("conference").first()
    if first is None:
        return count, None
    log = EmailLog(
        conference=conference,
        registration=first,
        kind=EmailLog.Kind.MESSAGE,
        to=first.email,
        payload={"subject": subject, "body": body},
    )
    email = emails.email_build(log)
    text = email.body
    for secret in (first.manage_token, first.calendar_token):
        text = text.replace(secret, "…")
    return count, MessagePreview(to=first.email, subject=email.subject, body=text)
