"""Organiser messages to attendees, sent in the background."""

from django.db import transaction
from django.utils.translation import gettext as _

from conference.models import Conference, Session

from .. import emails
from ..errors import RegistrationError
from ..models import AuditEntry, EmailLog, Registration, Signup
from .checks import _invalid
from .waiting import _actor_label

# Organiser messages ---------------------------------------------------------------------------


def organiser_message_send(
    *, conference: Conference, subject: str, body: str, session: Session | None = None, actor=None
) -> None:
    """Queue a message to every confirmed attendee (or those of one session); the fan-out and
    the sending run in the background after commit."""
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or len(subject) > 200:
        raise _invalid(_("Write a subject of at most 200 characters."), "subject")
    if not body or len(body) > 10000:
        raise _invalid(_("Write a message of at most 10,000 characters."), "body")
    if session is not None and session.conference_id != conference.pk:
        raise RegistrationError("invalid_session", _("Choose a session of this conference."))
    from ..tasks import send_message

    AuditEntry.objects.create(
        conference=conference,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor, "organiser"),
        action="message_sent",
        details={"subject": subject, "session": session.pk if session else None},
    )
    session_id = session.pk if session else None
    transaction.on_commit(lambda: send_message.delay(conference.pk, session_id, subject, body))


def organiser_message_fan_out(
    *, conference_id: int, session_id: int | None, subject: str, body: str
) -> int:
    registrations = Registration.objects.filter(
        conference_id=conference_id, status=Registration.Status.CONFIRMED
    )
    if session_id is not None:
        registrations = registrations.filter(
            signups__session_id=session_id, signups__status=Signup.Status.CONFIRMED
        )
    count = 0
    with transaction.atomic():
        for registration in registrations.order_by("id"):
            emails.email_queue(
                registration=registration,
                kind=EmailLog.Kind.MESSAGE,
                payload={"subject": subject, "body": body},
            )
            count += 1
    return count
