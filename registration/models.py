import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conference.models import Conference, Session


def new_manage_token():
    return secrets.token_urlsafe(32)


class Sector(models.TextChoices):
    NONPROFIT = "nonprofit", _("Non-profit")
    PUBLIC = "public", _("Public sector")
    PRIVATE = "private", _("Private sector")
    ACADEMIA = "academia", _("Academia")
    OTHER = "other", _("Individual or other")


class QuestionKind(models.TextChoices):
    """The kinds of question an organiser may ask: on the registration form, and in the
    evaluation afterwards."""

    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Short text")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes or no")


class Diet(models.TextChoices):
    VEGETARIAN = "vegetarian", _("Vegetarian")
    VEGAN = "vegan", _("Vegan")
    GLUTEN_FREE = "gluten_free", _("Gluten-free")
    LACTOSE_FREE = "lactose_free", _("Lactose-free")
    NUT_ALLERGY = "nut_allergy", _("Nut allergy")
    HALAL = "halal", _("Halal")


class SeatStatus(models.TextChoices):
    """Where a person stands for a seat: at the conference, or in one workshop."""

    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Offered a seat")
    # "Avbokad" in Swedish: the person cancelled (a session the organiser cancels is "Inställd").
    CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")


# The statuses that hold a seat (counted by the seat counters), for registrations and sign-ups.
HOLDING = (SeatStatus.CONFIRMED, SeatStatus.OFFERED)


class Registration(models.Model):
    Status = SeatStatus

    class Source(models.TextChoices):
        FORM = "form", _("registration form")
        ORGANISER = "organiser", _("added by an organiser")
        GROUP = "group", _("registered by a colleague")
        WALK_IN = "walk_in", _("walk-in at the desk")
        SUBSTITUTE = "substitute", _("took over a colleague's seat")

    # Indexes are few on purpose: every one is written by each registration of a rush. The
    # conference's lookups use the leading column of `registration_one_per_email`; the tokens'
    # unique constraints are declared in Meta, which spares PostgreSQL the extra LIKE indexes
    # a unique CharField gets (tokens are only ever looked up by equality).
    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("conference"),
        db_index=False,
    )
    # The private self-service link; a separate token for the calendar feed, which calendar apps
    # store and may leak, so that a leaked feed address cannot change or cancel a registration.
    manage_token = models.CharField(max_length=64, default=new_manage_token, editable=False)
    calendar_token = models.CharField(max_length=64, default=new_manage_token, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=12, choices=Sector.choices)
    diets = models.JSONField(_("dietary needs"), default=list, blank=True)
    diet_other = models.CharField(_("other dietary needs"), max_length=300, blank=True)
    accessibility = models.CharField(_("accessibility needs"), max_length=500, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=settings.LANGUAGES, default="sv"
    )
    meals = models.ManyToManyField(
        Session,
        related_name="meal_registrations",
        blank=True,
        verbose_name=_("meals"),
        limit_choices_to={"kind": Session.Kind.MEAL},
    )
    public_listing = models.BooleanField(_("show me on the participant list"), default=False)
    consented_at = models.DateTimeField(_("accepted the privacy notice"))
    privacy_version = models.PositiveIntegerField(
        _("privacy notice version accepted"), null=True, blank=True
    )
    waiting_since = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # How the registration came about, counted in the lists and reports (walk-ins above all).
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, db_default=Source.FORM
    )
    # The colleague who registered this person in a group (she sees and changes the group).
    booked_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="colleagues",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "conference", Lower("email"), name="registration_one_per_email"
            ),
            models.UniqueConstraint(fields=["manage_token"], name="registration_manage_token"),
            models.UniqueConstraint(fields=["calendar_token"], name="registration_calendar_token"),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="registration_waiting_has_since",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["conference", "status", "waiting_since"])]

    def __str__(self):
        return f"{self.name} ({self.conference})"


class Signup(models.Model):
    """A registration's place in one session that requires sign-up."""

    Status = SeatStatus

    # Both lookups are served by the leading columns of `signup_once` and the Meta index.
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="signups", db_index=False
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="signups", db_index=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    waiting_since = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workshop place")
        verbose_name_plural = _("workshop places")
        ordering = ["session__start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="signup_once"),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="signup_waiting_has_since",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="signup_offer_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "waiting_since"])]

    def __str__(self):
        return f"{self.registration.name}: {self.session}"


class SeatCounter(models.Model):
    """How many seats of one pool are held: the conference's (session empty) or one session's.

    `taken` always equals the number of confirmed or offered registrations (sign-ups) of the
    pool. Seats are taken with one conditional UPDATE against the cap read at that moment
    (registration.seats); `seat_counters_rebuild` recomputes the rows from the statuses.
    """

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    taken = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("seat counter")
        verbose_name_plural = _("seat counters")
        constraints = [
            models.UniqueConstraint(
                fields=["conference"],
                condition=Q(session__isnull=True),
                name="seatcounter_one_per_conference",
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(session__isnull=False),
                name="seatcounter_one_per_session",
            ),
            models.CheckConstraint(condition=Q(taken__gte=0), name="seatcounter_taken_gte_0"),
        ]

    def __str__(self):
        return f"{self.session or self.conference}: {self.taken}"


class AuditEntry(models.Model):
    """Who changed what on a registration, and when. Kept when the person's data is deleted."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="+")
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=40)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class MessageSend(models.Model):
    """One organiser message as sent: to whom (everyone confirmed, or one session's), what, by
    whom. Its e-mails are the EmailLog rows that point here. The form's `key` makes sending
    idempotent: the same form submitted twice sends once."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=64)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "key"], name="messagesend_key_once"),
        ]

    def __str__(self):
        return self.subject


class EmailLog(models.Model):
    """One e-mail to one person: queued, then sent or failed. Organisers see the failures."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        WAITING = "waiting", _("Joined the waiting list")
        PROMOTED = "promoted", _("Got a seat")
        OFFER = "offer", _("Seat offered")
        OFFER_EXPIRED = "offer_expired", _("Offer expired")
        CANCELLED = "cancelled", _("Cancellation")
        REMINDER = "reminder", _("Link reminder")
        UPDATED = "updated", _("Changes confirmed")
        MESSAGE = "message", _("Message from the organisers")
        PROGRAMME_CHANGE = "programme_change", _("Programme change")
        SCHEDULED = "scheduled", _("Scheduled e-mail")
        CERTIFICATE = "certificate", _("Certificate of attendance")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # Served by the Meta index (conference, status).
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_logs",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    message_send = models.ForeignKey(
        MessageSend, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails"
    )
    to = models.EmailField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["conference", "status"])]

    def __str__(self):
        return f"{self.kind} → {self.to} ({self.status})"


class Question(models.Model):
    """A question of the organiser's own on the conference's registration form. Choices are
    stored as lists of labels (Swedish, and English where written); an answer names a choice by
    its index, so a label may be reworded later without changing the answers given."""

    Kind = QuestionKind

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="questions", verbose_name=_("conference")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    choices_en = models.JSONField(_("choices (English)"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    def localized(self, field, language=None):
        from django.utils import translation

        language = language or translation.get_language() or "sv"
        if language.startswith("en") and getattr(self, f"{field}_en", None):
            return getattr(self, f"{field}_en")
        return getattr(self, field)

    def choice_labels(self, language=None) -> list[str]:
        labels = list(self.choices or [])
        english = self.localized("choices", language)
        if english is not self.choices and len(english) == len(labels):
            return list(english)
        return labels


class Answer(models.Model):
    """One person's answer to one question: a choice's index (single), a list of indexes
    (multiple), a text, a whole number, or true/false (yes or no). Deleted with the person."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(_("answer"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["registration", "question"], name="answer_once"),
        ]

    def __str__(self):
        return f"{self.registration_id}: {self.question_id}"
