"""Who runs this Samla and who funds a conference: the site profile (whose changes version the
privacy notice), funder logos, and the warning before a conference's personal data is
anonymised."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..errors import ProgrammeError
from ..models import (
    Conference,
    FunderLogo,
    SiteProfile,
    validate_logo,
)
from ..selectors import (
    PRIVACY_VERSION_KEY,
)
from .programme import conference_touch

PRIVACY_FIELDS = (
    "organisation",
    "contact_email",
    "postal_address",
    "privacy_contact",
    "retention",
    "retention_en",
    "privacy_extra",
    "privacy_extra_en",
)

logger = logging.getLogger(__name__)


def site_profile_save(*, profile: SiteProfile) -> SiteProfile:
    """Save the site profile; a change to what the privacy notice says starts a new version,
    which later registrations accept and store."""
    with transaction.atomic():
        if profile.pk is None:
            profile.pk = 1
        current = SiteProfile.objects.select_for_update().filter(pk=profile.pk).first()
        if current is None:
            profile.save()
            transaction.on_commit(lambda: cache.delete(PRIVACY_VERSION_KEY))
            return profile
        if any(getattr(current, name) != getattr(profile, name) for name in PRIVACY_FIELDS):
            profile.privacy_version = current.privacy_version + 1
            profile.privacy_changed_at = timezone.now()
        else:
            profile.privacy_version = current.privacy_version
            profile.privacy_changed_at = current.privacy_changed_at
        profile.save()
        transaction.on_commit(
            lambda: cache.set(PRIVACY_VERSION_KEY, profile.privacy_version, 60 * 60)
        )
    return profile


FUNDER_LOGOS_MAX = 12


def funder_logo_add(
    *, conference: Conference, image, alt_text: str, alt_text_en: str = ""
) -> FunderLogo:
    """Add a funder's logo after the others. The image is checked (PNG or JPEG, at most 2 MB,
    sane dimensions) before anything is stored; a refused one raises ProgrammeError."""
    try:
        validate_logo(image)
    except ValidationError as exc:
        raise ProgrammeError(exc.code or "invalid_image", exc.messages[0], "image") from exc
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise ProgrammeError(
            "alt_text_missing",
            _("Write the funder's name for those who cannot see the logo."),
            "alt_text",
        )
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        existing = list(
            FunderLogo.objects.filter(conference=locked).values_list("position", flat=True)
        )
        if len(existing) >= FUNDER_LOGOS_MAX:
            raise ProgrammeError(
                "too_many_logos", _("A conference shows at most 12 funder logos."), "image"
            )
        logo = FunderLogo(
            conference=locked,
            image=image,
            alt_text=alt_text[:200],
            alt_text_en=(alt_text_en or "").strip()[:200],
            position=max(existing, default=-1) + 1,
        )
        logo.save()
        conference_touch(conference=locked)
    return logo


def funder_logo_delete(*, logo: FunderLogo) -> None:
    """Remove a funder's logo and its file (after commit)."""
    storage, name = logo.image.storage, logo.image.name
    with transaction.atomic():
        conference = Conference.objects.select_for_update().get(pk=logo.conference_id)
        logo.delete()
        conference_touch(conference=conference)
        transaction.on_commit(lambda: storage.delete(name))


def conference_retention_warn(*, conference: Conference, now=None) -> bool:
    """E-mail the organisers that the conference's personal data will be anonymised on its
    date. At most once per conference: the row is claimed by setting `retention_warned_at` in
    one conditional UPDATE before sending; a failed send releases it for the next sweep."""
    now = now or timezone.now()
    claimed = Conference.objects.filter(pk=conference.pk, retention_warned_at__isnull=True).update(
        retention_warned_at=now
    )
    if not claimed:
        return False
    recipients = sorted(
        {email for email in conference.organisers.values_list("email", flat=True) if email}
    )
    if not recipients:
        return True
    due = conference.anonymise_after
    parts = []
    for language in ("sv", "en"):
        with translation.override(language), timezone.override(conference.time_zone):
            parts.append(
                render_to_string(
                    "conference/email/retention_warning.txt",
                    {
                        "conference": conference,
                        "name": conference.localized("name"),
                        "due": timezone.localtime(due),
                        "url": settings.SITE_URL
                        + reverse("organiser:retention", kwargs={"slug": conference.slug}),
                    },
                ).strip()
            )
    with translation.override("sv"):
        subject = _("The personal data of %(name)s will be anonymised") % {"name": conference.name}
    try:
        EmailMessage(
            subject=subject,
            body="\n\n----\n\n".join(parts) + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        ).send()
    except Exception:
        logger.exception("retention warning for conference %s not sent", conference.pk)
        Conference.objects.filter(pk=conference.pk).update(retention_warned_at=None)
        return False
    conference.retention_warned_at = now
    return True
