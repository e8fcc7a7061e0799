"""Badge codes (issue, revoke, reissue) and badge print jobs."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference
from registration.models import Registration
from registration.services import audit

from ..errors import CheckinError
from ..models import BadgeCode, BadgeJob, new_short_code

# A short code collides with one of a million issued codes about once in 850 000 tries; a few
# tries are plenty, and a loop that never ends is worse than an error.
SHORT_CODE_TRIES = 5


def badge_code_for(registration: Registration, *, actor=None) -> BadgeCode:
    """The registration's active badge code, issued on first use.

    Idempotent and race-safe: two requests issuing at once both end with the same code, because
    the partial unique constraint allows one active code and the loser reads the winner's. A
    short code that is already taken (the unique constraint again) is drawn anew."""
    code = BadgeCode.objects.filter(registration=registration, revoked_at__isnull=True).first()
    if code is not None:
        return code
    if registration.status != Registration.Status.CONFIRMED:
        raise CheckinError(
            "not_confirmed", _("Only confirmed registrations get a badge."), status=409
        )
    for _try in range(SHORT_CODE_TRIES):
        try:
            with transaction.atomic():
                return BadgeCode.objects.create(
                    registration=registration, issued_by=actor, short_code=new_short_code()
                )
        except IntegrityError:
            winner = BadgeCode.objects.filter(
                registration=registration, revoked_at__isnull=True
            ).first()
            if winner is not None:
                return winner
    raise CheckinError("short_code_taken", _("Could not issue a badge code. Try again."), 503)


def badge_codes_issue(*, conference: Conference) -> int:
    """Issue codes for every confirmed registration that has none (one INSERT for all). Returns
    how many were issued.

    `ignore_conflicts` skips a row that loses a race for its registration, and also one whose
    short code was taken: the registrations still without a code get another draw."""
    missing = Registration.objects.filter(
        conference=conference, status=Registration.Status.CONFIRMED
    ).exclude(
        Exists(BadgeCode.objects.filter(registration=OuterRef("pk"), revoked_at__isnull=True))
    )
    issued = 0
    for _try in range(SHORT_CODE_TRIES):
        ids = list(missing.values_list("id", flat=True))
        if not ids:
            break
        codes = [BadgeCode(registration_id=pk, short_code=new_short_code()) for pk in ids]
        before = BadgeCode.objects.filter(registration_id__in=ids).count()
        BadgeCode.objects.bulk_create(codes, ignore_conflicts=True)
        issued += BadgeCode.objects.filter(registration_id__in=ids).count() - before
    return issued


def badge_code_revoke(*, registration: Registration, actor) -> None:
    """Revoke the active code: a scan of the old badge answers "unknown code" from now on."""
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        revoked = BadgeCode.objects.filter(
            registration=registration, revoked_at__isnull=True
        ).update(revoked_at=timezone.now(), revoked_by=actor)
        if revoked:
            audit(registration=registration, actor=actor, actor_label="", action="badge.revoke")


def badge_code_reissue(*, registration: Registration, actor) -> BadgeCode:
    """Revoke the active code (a lost badge) and issue a new one, in one transaction."""
    with transaction.atomic():
        badge_code_revoke(registration=registration, actor=actor)
        code = badge_code_for(registration, actor=actor)
        audit(registration=registration, actor=actor, actor_label="", action="badge.issue")
    return code


def badge_job_create(*, conference: Conference, kind: str, filters: dict, actor) -> BadgeJob:
    """Queue a batch of badges (or the desk list); the task runs after commit."""
    from ..tasks import render_badge_job

    if kind not in BadgeJob.Kind.values:
        raise CheckinError("bad_layout", _("Pick a layout."))
    job = BadgeJob.objects.create(
        conference=conference, kind=kind, filters=filters, requested_by=actor
    )
    transaction.on_commit(lambda: render_badge_job.delay(job.pk))
    return job


def badge_job_run(*, job_id: int) -> None:
    """Render the job's PDF into its file. Runs in a Celery worker (or at once without a broker)."""
    from django.core.files.base import ContentFile

    from ..badges import render_desk_list, render_sheet
    from ..selectors import badge_people, desk_people

    job = BadgeJob.objects.select_related("conference").get(pk=job_id)
    BadgeJob.objects.filter(pk=job.pk).update(status=BadgeJob.Status.RUNNING)
    try:
        if job.kind == BadgeJob.Kind.DESK:
            people = list(desk_people(job.conference))
            pdf = render_desk_list(job.conference, people)
        else:
            badge_codes_issue(conference=job.conference)
            people = badge_people(job.conference, job.filters)
            pdf = render_sheet(job.conference, people, layout=job.kind)
        job.count = len(people)
        name = f"{job.conference.slug}-{job.kind}-{job.pk}.pdf"
        job.file.save(name, ContentFile(pdf), save=False)
        job.status = BadgeJob.Status.DONE
    except Exception as exc:  # noqa: BLE001 - the organiser sees the failure on the job page
        job.status = BadgeJob.Status.FAILED
        job.error = str(exc)[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["count", "file", "status", "error", "finished_at"])
