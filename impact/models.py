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


class EmailRule(models.Model):
    """A scheduled e-mail of a conference: when, to whom, what it says and attaches.

    The rule is due at `due_at()`; the sweep (`impact.rules.rules_run_due`) sends it to every
    person of its audience once (`RuleDelivery`), also to people who join the audience later,
    until `CATCH_UP` after the moment."""

    class Timing(models.TextChoices):
        AT = "at", _("At a date and time")
        BEFORE_START = "before_start", _("Before the conference starts")
        AFTER_END = "after_end", _("After the conference ends")

    class Unit(models.TextChoices):
        DAYS = "days", _("days")
        HOURS = "hours", _("hours")

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("Everyone with a seat")
        WAITING = "waiting", _("The waiting list")
        PRESENT = "present", _("Those who came")
        NO_SHOWS = "no_shows", _("Those who did not come")
        SESSION = "session", _("Those holding a place in a session")

    class Attachment(models.TextChoices):
        PERSONAL_ICS = "personal_ics", _("Personal calendar file (.ics)")
        PROGRAMME_ICS = "programme_ics", _("Whole programme (.ics)")
        BADGE = "badge", _("Name badge (PDF)")

    class Preset(models.TextChoices):
        NONE = "", _("Own rule")
        REMINDER = "reminder", _("Reminder before")
        THANKS = "thanks", _("Thank you and evaluation")
        MISSED = "missed", _("We missed you")

    conference = models.ForeignKey(
        "conference.Conference", on_delete=models.CASCADE, related_name="email_rules"
    )
    name = models.CharField(_("name"), max_length=120)
    preset = models.CharField(max_length=10, choices=Preset.choices, blank=True, editable=False)
    is_active = models.BooleanField(_("switched on"), default=True)
    timing = models.CharField(_("when"), max_length=12, choices=Timing.choices)
    send_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    offset = models.PositiveIntegerField(_("how many"), default=1)
    unit = models.CharField(_("unit"), max_length=5, choices=Unit.choices, default=Unit.DAYS)
    audience = models.CharField(_("to whom"), max_length=10, choices=Audience.choices)
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    body_en = models.TextField(_("text (English)"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scheduled e-mail")
        verbose_name_plural = _("scheduled e-mails")
        ordering = ["conference", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(timing="at") | Q(send_at__isnull=False), name="email_rule_at_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(audience="session") | Q(session__isnull=False),
                name="email_rule_session_audience_has_session",
            ),
            models.UniqueConstraint(
                fields=["conference", "preset"],
                condition=~Q(preset=""),
                name="email_rule_preset_once",
            ),
        ]

    def __str__(self):
        return self.name


class RuleRun(models.Model):
    """One run of a rule that found people to write to: when, and to how many."""

    rule = models.ForeignKey(EmailRule, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(_("ran"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("run")
        verbose_name_plural = _("runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.rule_id} @ {self.started_at}: {self.recipients}"


class RuleDelivery(models.Model):
    """A rule's e-mail to one person. Inserted, with its e-mail, in one transaction before
    anything is sent: the unique (rule, registration) pair is what makes a rule write to a person
    once, whatever runs twice, at once, or dies."""

    rule = models.ForeignKey(EmailRule, on_delete=models.CASCADE, related_name="deliveries")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(RuleRun, on_delete=models.CASCADE, related_name="deliveries")
    email = models.OneToOneField(
        "registration.EmailLog", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("scheduled e-mail sent")
        verbose_name_plural = _("scheduled e-mails sent")
        constraints = [
            models.UniqueConstraint(fields=["rule", "registration"], name="rule_delivery_once")
        ]

    def __str__(self):
        return f"{self.rule_id} → {self.registration_id}"
