"""What door scans cannot tell: head counts of rooms nobody scanned at, and people an organiser
marks present by hand."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conference.models import Session
from registration.models import Registration


class HeadCount(models.Model):
    """How many people a room volunteer counted in a session (one figure per session)."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="head_count", verbose_name=_("session")
    )
    count = models.PositiveIntegerField(_("people counted"))
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("counted"), auto_now=True)

    class Meta:
        verbose_name = _("head count")
        verbose_name_plural = _("head counts")

    def __str__(self):
        return f"{self.session}: {self.count}"


class PresenceMark(models.Model):
    """An organiser's word that a person was there: at a session, or on a conference day."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="presence_marks"
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="presence_marks"
    )
    day = models.DateField(_("day"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked"), auto_now_add=True)

    class Meta:
        verbose_name = _("marked present")
        verbose_name_plural = _("marked present")
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, day__isnull=True)
                | Q(session__isnull=True, day__isnull=False),
                name="presence_mark_session_or_day",
            ),
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=Q(session__isnull=False),
                name="presence_mark_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["registration", "day"],
                condition=Q(day__isnull=False),
                name="presence_mark_once_per_day",
            ),
        ]

    def __str__(self):
        return f"{self.registration_id} @ {self.session_id or self.day}"


def new_certificate_code():
    import secrets

    from conference.models import CODE_ALPHABET

    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


class Certificate(models.Model):
    """A certificate of attendance issued to a person who was present. Its code is printed on
    the certificate and opens the public verification page; the row goes with the person, so a
    deleted person's certificate no longer verifies. `emailed_at` makes sending each one once."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("verification code"), max_length=16, default=new_certificate_code)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")
        constraints = [models.UniqueConstraint(fields=["code"], name="certificate_code_unique")]

    def __str__(self):
        return self.code


class CertificateSettings(models.Model):
    """What a conference's certificates carry besides the facts: the issuer's logo, and a
    signature image with the signer's name and role (all optional)."""

    conference = models.OneToOneField(
        "conference.Conference", on_delete=models.CASCADE, related_name="certificate_settings"
    )
    issuer = models.CharField(
        _("issued by"),
        max_length=200,
        blank=True,
        help_text=_("Blank: the organisation named in the site profile."),
    )
    logo = models.ImageField(_("logo"), upload_to="certificates/", blank=True)
    signature = models.ImageField(_("signature image"), upload_to="certificates/", blank=True)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's role"), max_length=200, blank=True)
    signer_title_en = models.CharField(_("signer's role (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("certificate settings")
        verbose_name_plural = _("certificate settings")

    def __str__(self):
        return str(self.conference_id)
