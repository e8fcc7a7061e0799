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


def certificates_send(*, conference, actor) -> None:
    """Send every person present their certificate by e-mail, in the background after commit.
    Each person gets it once: sending again sends only to those who have not had it."""
    from django.db import transaction as db_transaction

    from .tasks import certificates_email

    conference_id = conference.pk
    db_transaction.on_commit(lambda: certificates_email.delay(conference_id))


def certificates_email_queue(*, conference) -> int:
    """Issue the certificates and queue one e-mail per person present who has not had one.
    A conditional UPDATE claims each certificate, so two runs at once queue each e-mail once.
    Returns how many e-mails were queued."""
    from django.utils import timezone

    from registration import emails
    from registration.models import EmailLog

    from .certificates import certificates_issue

    certificates = certificates_issue(conference=conference)
    queued = 0
    for certificate in certificates.values():
        if certificate.emailed_at is not None:
            continue
        with transaction.atomic():
            claimed = (
                type(certificate)
                .objects.filter(pk=certificate.pk, emailed_at__isnull=True)
                .update(emailed_at=timezone.now())
            )
            if not claimed:
                continue
            registration = Registration.objects.select_related("conference").get(
                pk=certificate.registration_id
            )
            emails.email_queue(registration=registration, kind=EmailLog.Kind.CERTIFICATE)
            queued += 1
    return queued


def certificate_settings_save(
    *,
    conference,
    issuer: str = "",
    signer_name: str = "",
    signer_title: str = "",
    signer_title_en: str = "",
    logo=None,
    signature=None,
):
    """What the conference's certificates carry besides the facts. A logo or signature file
    given replaces the one held; None keeps it."""
    from .models import CertificateSettings

    with transaction.atomic():
        options, _created = CertificateSettings.objects.get_or_create(conference=conference)
        options.issuer = (issuer or "").strip()[:200]
        options.signer_name = (signer_name or "").strip()[:200]
        options.signer_title = (signer_title or "").strip()[:200]
        options.signer_title_en = (signer_title_en or "").strip()[:200]
        fields = ["issuer", "signer_name", "signer_title", "signer_title_en"]
        if logo is not None:
            options.logo = logo
            fields.append("logo")
        if signature is not None:
            options.signature = signature
            fields.append("signature")
        options.save(update_fields=fields)
    return options
