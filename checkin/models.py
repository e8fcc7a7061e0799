import base64
import hashlib
import re
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conference.models import Conference, Session
from registration.models import Registration

# 160 random bits: base32 of 20 bytes is exactly 32 characters, so there is no padding to strip.
CODE_BYTES = 20
# Letters and digits only: a full code is base32 (A-Z, 2-7); a short code also has 8 and 9.
NOT_CODE = re.compile(r"[^A-Z0-9]")
# The short code printed under the QR for people to read and type: no look-alikes (0/O, 1/I/L),
# 31 symbols, 8 of them (about 40 bits), read in two groups of four (K7QM-3XPD).
SHORT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_LENGTH = 8


def new_badge_code() -> str:
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))


def normalise_code(raw: str) -> str:
    """What a scanner or a person typed, as stored: upper case, no spaces, dashes or prefixes."""
    code = (raw or "").strip().upper()
    return NOT_CODE.sub("", code)[:64]


def is_short_code(code: str) -> bool:
    """A normalised code of the short code's length; full codes are 32 characters."""
    return len(code) == SHORT_LENGTH


def short_code_display(short_code: str) -> str:
    """K7QM3XPD as printed: K7QM-3XPD."""
    half = SHORT_LENGTH // 2
    return f"{short_code[:half]}-{short_code[half:]}" if short_code else ""


def code_hash(code: str) -> str:
    """What a door device keeps offline: it can check a scanned code, but cannot print a badge."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


class BadgeCode(models.Model):
    """The secret printed in a badge's QR. One active code per registration; revoked codes stay
    (revoked_at set) so that a scan of an old badge is recorded and refused."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="badge_codes"
    )
    code = models.CharField(_("code"), max_length=64, unique=True, default=new_badge_code)
    # Unique over all conferences (so also per conference), revoked codes included: an old
    # badge's short code never opens the door for someone else. Issued by the services, which
    # retry on the rare collision.
    short_code = models.CharField(
        _("short code"), max_length=SHORT_LENGTH, unique=True, default=new_short_code
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("badge code")
        verbose_name_plural = _("badge codes")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(revoked_at__isnull=True),
                name="badgecode_one_active",
            ),
        ]

    def __str__(self):
        return f"{self.code[:4]}… ({self.registration_id})"

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def short_code_display(self):
        return short_code_display(self.short_code)


class Checkpoint(models.Model):
    """A door: the conference entrance on one day, or a session's room door."""

    class Kind(models.TextChoices):
        ENTRANCE = "entrance", _("Entrance")
        SESSION = "session", _("Session door")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="checkpoints")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    day = models.DateField(_("day"), null=True, blank=True)
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="checkpoints"
    )

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["kind", "day", "session__start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "day"],
                condition=Q(kind="entrance"),
                name="checkpoint_one_entrance_per_day",
            ),
            models.UniqueConstraint(
                fields=["session"], condition=Q(kind="session"), name="checkpoint_one_per_session"
            ),
            models.CheckConstraint(
                condition=(Q(kind="entrance", day__isnull=False, session__isnull=True))
                | Q(kind="session", session__isnull=False),
                name="checkpoint_kind_fields",
            ),
        ]

    def __str__(self):
        return self.label()

    def valid_on(self, moment) -> bool:
        """Whether a scan at `moment` falls on this door's day, in the conference's local date
        (Europe/Stockholm, whatever zone the phone or the page is in). Session doors have no day."""
        day = self.day_to_check()
        if day is None:
            return True
        return timezone.localdate(moment, timezone.get_default_timezone()) == day

    def day_to_check(self):
        """The one day this door lets people in (the entrance's day), or None (session doors)."""
        return self.day if self.kind == self.Kind.ENTRANCE else None

    def label(self):
        if self.kind == self.Kind.ENTRANCE:
            return _("Entrance, %(day)s") % {"day": formats.date_format(self.day, "j F")}
        return self.session.localized("title")


class DoorAssignment(models.Model):
    """A door staff member may scan at this conference's checkpoints."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="door_assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="door_assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The doors this person may scan at; none chosen means every door of the conference.
    checkpoints = models.ManyToManyField(
        Checkpoint, blank=True, related_name="+", verbose_name=_("doors")
    )

    class Meta:
        verbose_name = _("door staff assignment")
        verbose_name_plural = _("door staff assignments")
        constraints = [
            models.UniqueConstraint(fields=["conference", "user"], name="door_assignment_once"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.conference}"


def door_link_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class DoorLoginLink(models.Model):
    """A printable log-in (a QR code) that logs a phone into the door scanner of one conference
    as one volunteer. Only a hash of the secret is stored; the link works until it is revoked,
    the conference is over (`expires_at`) or the volunteer leaves the team."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="door_login_links"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("door log-in link")
        verbose_name_plural = _("door log-in links")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} @ {self.conference_id}"


class Verdict(models.TextChoices):
    OK = "ok", _("Welcome")
    ALREADY_CHECKED_IN = "already_checked_in", _("Already checked in")
    CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")
    WAITING_LIST = "waiting_list", _("Waiting list only")
    NOT_SIGNED_UP = "not_signed_up", _("Not signed up for this session")
    UNKNOWN_CODE = "unknown_code", _("Unknown code")
    OTHER_CONFERENCE = "other_conference", _("Badge of another conference")
    WRONG_DAY = "wrong_day", _("Wrong day")


class Scan(models.Model):
    """Every scan a door made, online or synced later: the audit trail of check-in.

    `verdict` is what the server decided. For scans synced from an offline device the merge may
    revise it (the earliest scan of a badge wins); `device_verdict` keeps what the door showed."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="scans")
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="scans"
    )
    code = models.CharField(_("code as scanned"), max_length=64, blank=True)
    scan_id = models.UUIDField(unique=True, default=uuid.uuid4)
    device_id = models.CharField(_("device"), max_length=64, blank=True)
    scanned_at = models.DateTimeField(_("scanned"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    device_verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    is_duplicate = models.BooleanField(_("duplicate"), default=False)
    offline = models.BooleanField(_("synced from offline"), default=False)
    manual = models.BooleanField(_("found by name"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["scanned_at", "id"]
        indexes = [
            models.Index(fields=["checkpoint", "scanned_at"]),
            models.Index(fields=["checkpoint", "registration"]),
        ]

    def __str__(self):
        return f"{self.scanned_at:%H:%M:%S} {self.verdict}"


class Entry(models.Model):
    """One person checked in at one checkpoint: the database allows only one, so two doors
    scanning the same badge at once cannot both let the person in."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="entries")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="entries")
    scan = models.OneToOneField(Scan, on_delete=models.PROTECT, related_name="entry")
    at = models.DateTimeField(_("checked in"))

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "registration"], name="entry_once_per_checkpoint"
            ),
        ]

    def __str__(self):
        return f"{self.registration_id} @ {self.checkpoint_id}"


class BadgeJob(models.Model):
    """A batch of badges rendered in the background into a file, downloaded when ready."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        CARD = "card", _("2 × 4 badges of 90 × 55 mm on A4")
        A6 = "a6", _("2 × 2 badges of A6 on A4")
        DESK = "desk", _("Welcome desk list")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("layout"), max_length=8, choices=Kind.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="badges/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("badge print job")
        verbose_name_plural = _("badge print jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} {self.status}"
