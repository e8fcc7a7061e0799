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
