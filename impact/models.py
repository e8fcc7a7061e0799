"""What door scans cannot tell: head counts of rooms nobody scanned at, and people an organiser
marks present by hand."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from conference.models import Session
from registration.models import QuestionKind, Registration


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
        NOT_ANSWERED = "not_answered", _("Those who came and have not answered the evaluation")

    class Attachment(models.TextChoices):
        PERSONAL_ICS = "personal_ics", _("Personal calendar file (.ics)")
        PROGRAMME_ICS = "programme_ics", _("Whole programme (.ics)")
        BADGE = "badge", _("Name badge (PDF)")
        CERTIFICATE = "certificate", _("Certificate of attendance (PDF, to those present)")

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
    audience = models.CharField(_("to whom"), max_length=12, choices=Audience.choices)
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


class Evaluation(models.Model):
    """A conference's evaluation: the funders' fixed questions and the organiser's own. Open
    from the conference's start until `closes_at`."""

    conference = models.OneToOneField(
        "conference.Conference", on_delete=models.CASCADE, related_name="evaluation"
    )
    is_anonymous = models.BooleanField(
        _("anonymous answers"),
        default=False,
        help_text=_(
            "Answers are stored without a link to the person; only that someone has answered is "
            "kept (for reminders). An anonymous answer cannot be changed once sent."
        ),
    )
    closes_at = models.DateTimeField(_("closes"))

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return str(self.conference)


class EvaluationQuestion(models.Model):
    """One of the organiser's own questions (the same kinds as registration questions)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    choices_en = models.JSONField(_("choices (English)"), default=list, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text

    def localized(self, field, language=None):
        language = language or translation.get_language() or "sv"
        if language.startswith("en") and getattr(self, f"{field}_en"):
            return getattr(self, f"{field}_en")
        return getattr(self, field)


class EvaluationResponse(models.Model):
    """One person's answer. `registration` is empty for an anonymous answer."""

    class Learned(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="responses")
    registration = models.OneToOneField(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluation_response",
    )
    value = models.PositiveSmallIntegerField(
        _("Overall, how valuable was the conference for you?"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    learned = models.CharField(
        _("I learned something I will use in my work."), max_length=6, choices=Learned.choices
    )
    contacts = models.PositiveSmallIntegerField(
        _("How many new contacts did you make?"), validators=[MaxValueValidator(500)]
    )
    cooperate = models.BooleanField(_("I plan to cooperate with someone I met here."))
    different = models.TextField(_("What should be different next time?"), blank=True)
    answers = models.JSONField(default=dict, blank=True)
    # Dates only: a precise time would link an anonymous answer to the person whose `Answered`
    # row (or door scan) has the same moment.
    submitted_at = models.DateField(auto_now_add=True)
    updated_at = models.DateField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="evaluation_value_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.evaluation_id}: {self.value}"


class SessionFeedback(models.Model):
    """Feedback on one session (1-5 and a comment). `registration` is empty when anonymous."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        _("How was the session?"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("Comment"), blank=True)
    # Dates only, as on EvaluationResponse.
    submitted_at = models.DateField(auto_now_add=True)
    updated_at = models.DateField(auto_now=True)

    class Meta:
        verbose_name = _("session feedback")
        verbose_name_plural = _("session feedback")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="session_feedback_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["session", "registration"],
                condition=Q(registration__isnull=False),
                name="session_feedback_once",
            ),
        ]

    def __str__(self):
        return f"{self.session_id}: {self.rating}"


class Answered(models.Model):
    """That a person has answered: the evaluation (no session) or a session's feedback. Kept in
    both modes; it is what makes one answer per person and what reminders leave out."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A date, not a moment: joined on time with an anonymous answer it would name its author.
    at = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("has answered")
        verbose_name_plural = _("have answered")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(session__isnull=True),
                name="answered_evaluation_once",
            ),
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=Q(session__isnull=False),
                name="answered_session_once",
            ),
        ]

    def __str__(self):
        return f"{self.registration_id} @ {self.session_id or 'evaluation'}"


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
