import re
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


RESERVED_SLUGS = {
    "admin",
    "api",
    "en",
    "sv",
    "door",
    "organiser",
    "r",
    "agenda",
    "i18n",
    "static",
    "media",
    "integritet",
    "intyg",
    "tillganglighet",
    "privacy",
    "accessibility",
    "site-logo",
    # The organiser's workspace lives at /organiser/, with these beside the conferences' slugs.
    "login",
    "logout",
    "new",
}


def validate_slug_not_reserved(value):
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is used by Samla itself; pick another address name."),
            code="reserved",
            params={"value": value},
        )


LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4000
LOGO_FORMATS = {"PNG", "JPEG"}


def validate_logo(image):
    """A logo must be a PNG or JPEG of at most 2 MB and 4000 px a side (a vector SVG could carry
    script, so it is refused)."""
    from PIL import Image, UnidentifiedImageError

    if image.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The image is larger than 2 MB; save it smaller and try again."), code="too_large"
        )
    position = image.tell() if hasattr(image, "tell") else 0
    try:
        image.seek(0)
        with Image.open(image) as picture:
            kind = picture.format
            width, height = picture.size
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationError(_("Upload a PNG or JPEG image."), code="not_image") from None
    finally:
        image.seek(position)
    if kind not in LOGO_FORMATS:
        raise ValidationError(_("Upload a PNG or JPEG image."), code="not_image")
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE or width < 16 or height < 16:
        raise ValidationError(
            _("The image must be between 16 and 4000 pixels wide and high."), code="size"
        )


ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")


def validate_origins(value):
    """One web origin a line (scheme, host, optional port), as CSP frame-ancestors takes them."""
    for line in value.splitlines():
        origin = line.strip()
        if origin and not ORIGIN.match(origin):
            raise ValidationError(
                _(
                    "“%(origin)s” is not a web address such as https://www.example.org "
                    "(no path, no wildcard)."
                ),
                code="bad_origin",
                params={"origin": origin},
            )


def new_session_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class Localized(models.Model):
    """Swedish is the main text; `<field>_en` holds the English one where organisers wrote it."""

    class Meta:
        abstract = True

    def localized(self, field, language=None):
        language = language or translation.get_language() or "sv"
        if language.startswith("en"):
            english = getattr(self, f"{field}_en", "")
            if english:
                return english
        return getattr(self, field)


class Conference(Localized):
    class WaitlistMode(models.TextChoices):
        CONFIRM = "confirm", _("Confirm the next person at once")
        OFFER = "offer", _("Offer the seat to the next person for a limited time")

    slug = models.SlugField(
        _("address name"), max_length=60, unique=True, validators=[validate_slug_not_reserved]
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    tagline_en = models.CharField(_("tagline (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Stockholm")
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    registration_opens = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Blank: open at once.")
    )
    registration_closes = models.DateField(
        _("last day to register"),
        null=True,
        blank=True,
        help_text=_("Registration closes at the end of this day in the conference's time zone."),
    )
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Blank: no limit.")
    )
    waitlist_mode = models.CharField(
        _("when a seat frees up"),
        max_length=10,
        choices=WaitlistMode.choices,
        default=WaitlistMode.CONFIRM,
    )
    offer_hours = models.PositiveIntegerField(_("hours to accept an offered seat"), default=48)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisers"),
        related_name="organised_conferences",
        blank=True,
    )
    programme_changed_at = models.DateTimeField(_("programme changed"), auto_now_add=True)
    # db_default: rows written by code that predates these columns (an older migration state,
    # another process during a deploy) still get a value.
    funder_statement = models.CharField(
        _("funding statement"),
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text=_("For example “Medfinansieras av Europeiska unionen”. Blank: none shown."),
    )
    funder_statement_en = models.CharField(
        _("funding statement (English)"), max_length=300, blank=True, default="", db_default=""
    )
    show_eu_emblem = models.BooleanField(
        _("show the EU emblem"),
        default=False,
        db_default=False,
        help_text=_("For projects co-funded by the European Union."),
    )
    embed_origins = models.TextField(
        _("websites that may embed the programme"),
        blank=True,
        default="",
        db_default="",
        help_text=_("One address a line, such as https://www.example.org. Blank: nowhere."),
        validators=[validate_origins],
    )
    retention_days = models.PositiveIntegerField(
        _("days to keep personal data after the conference"),
        null=True,
        blank=True,
        validators=[MinValueValidator(30), MaxValueValidator(3653)],
        help_text=_("Blank: the site's default. Funded projects may need to keep it longer."),
    )
    retention_warned_at = models.DateTimeField(_("retention warning sent"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("personal data anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="conference_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("conference:detail", kwargs={"slug": self.slug})

    @property
    def embed_origin_list(self) -> list[str]:
        return [line.strip() for line in self.embed_origins.splitlines() if line.strip()]

    @property
    def effective_retention_days(self) -> int:
        if self.retention_days is not None:
            return self.retention_days
        return settings.SAMLA_RETENTION_DAYS

    @property
    def anonymise_after(self):
        """When the personal data of this conference is anonymised."""
        from datetime import timedelta

        return self.end + timedelta(days=self.effective_retention_days)


class FunderLogo(Localized):
    """One funder's logo shown with the conference's funding statement, in `position` order."""

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="funder_logos",
        verbose_name=_("conference"),
    )
    image = models.ImageField(_("logo"), upload_to="funders/", validators=[validate_logo])
    alt_text = models.CharField(
        _("text alternative"),
        max_length=200,
        help_text=_("The funder's name as the logo shows it, for screen readers."),
    )
    alt_text_en = models.CharField(_("text alternative (English)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("funder logo")
        verbose_name_plural = _("funder logos")
        ordering = ["position", "id"]

    def __str__(self):
        return self.alt_text


class Room(Localized):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("conference")
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    notes = models.CharField(_("floor and notes"), max_length=200, blank=True)
    step_free = models.BooleanField(_("step-free access"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="room_name_unique"),
        ]

    def __str__(self):
        return self.name


class Track(Localized):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="tracks", verbose_name=_("conference")
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#2b6cb0",
        help_text=_("A hex colour such as #2b6cb0."),
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="track_name_unique"),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="track_colour_hex"
            ),
        ]

    def __str__(self):
        return self.name


class Speaker(Localized):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("conference")
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title or role"), max_length=200, blank=True)
    title_en = models.CharField(_("title or role (English)"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("short bio"), blank=True)
    bio_en = models.TextField(_("short bio (English)"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="speakers/", blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Session(Localized):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        KEYNOTE = "keynote", _("Keynote")
        SEMINAR = "seminar", _("Seminar")
        WORKSHOP = "workshop", _("Workshop")
        PANEL = "panel", _("Panel")
        BREAK = "break", _("Break")
        MEAL = "meal", _("Meal")
        NETWORKING = "networking", _("Networking")

    class Language(models.TextChoices):
        SV = "sv", _("Swedish")
        EN = "en", _("English")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("conference")
    )
    code = models.CharField(
        _("code"), max_length=8, default=new_session_code, editable=False, unique=True
    )
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    title = models.CharField(_("title"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SEMINAR)
    abstract = models.TextField(_("abstract"), blank=True)
    abstract_en = models.TextField(_("abstract (English)"), blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SV
    )
    # RESTRICT: a room with sessions can't be deleted alone, but goes with its conference.
    room = models.ForeignKey(
        Room,
        on_delete=models.RESTRICT,
        related_name="sessions",
        null=True,
        blank=True,
        verbose_name=_("room"),
    )
    track = models.ForeignKey(
        Track,
        on_delete=models.SET_NULL,
        related_name="sessions",
        null=True,
        blank=True,
        verbose_name=_("theme"),
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    speakers = models.ManyToManyField(
        Speaker, related_name="sessions", blank=True, verbose_name=_("speakers")
    )
    capacity = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("Blank: the room's seats, or no limit when there is no room."),
    )
    requires_signup = models.BooleanField(
        _("sign-up required"),
        default=False,
        help_text=_("Attendees choose this session when they register (workshops)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start", "room__position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["conference", "start"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "conference:session", kwargs={"slug": self.conference.slug, "code": self.code}
        )

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def seats(self):
        """The seat cap: the session's own, else the room's; None means no limit."""
        if self.capacity is not None:
            return self.capacity
        if self.room_id is not None and self.room.capacity is not None:
            return self.room.capacity
        return None


class SiteProfile(models.Model):
    """Who runs this Samla, as the privacy notice, the accessibility statement and the barrier
    reports name them. One row (pk 1); `privacy_version` moves whenever the notice's text does,
    so that each registration can store the version its person accepted."""

    class Compliance(models.TextChoices):
        FULL = "full", _("Fully compliant")
        PARTIAL = "partial", _("Partially compliant")
        NONE = "none", _("Not compliant")

    organisation = models.CharField(_("organisation"), max_length=200, default="Samla")
    logo = models.ImageField(
        _("logo"),
        upload_to="site/",
        blank=True,
        default="",
        db_default="",
        validators=[validate_logo],
        help_text=_("PNG or JPEG, at most 2 MB. Shown in the header of every public page."),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Questions about personal data and reports of barriers go here."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    privacy_contact = models.CharField(
        _("data protection officer"),
        max_length=300,
        blank=True,
        help_text=_("Name or e-mail address of the data protection officer, if there is one."),
    )
    retention = models.TextField(
        _("how long personal data is kept"),
        blank=True,
        help_text=_("Blank: the default text (deleted within a year after the conference)."),
    )
    retention_en = models.TextField(_("how long personal data is kept (English)"), blank=True)
    privacy_extra = models.TextField(_("more about personal data"), blank=True)
    privacy_extra_en = models.TextField(_("more about personal data (English)"), blank=True)
    privacy_version = models.PositiveIntegerField(_("privacy notice version"), default=1)
    privacy_changed_at = models.DateTimeField(_("privacy notice changed"), auto_now_add=True)
    compliance = models.CharField(
        _("compliance with the accessibility requirements"),
        max_length=10,
        choices=Compliance.choices,
        default=Compliance.PARTIAL,
    )
    known_barriers = models.TextField(_("known barriers"), blank=True)
    known_barriers_en = models.TextField(_("known barriers (English)"), blank=True)
    accessibility_assessed = models.DateField(
        _("accessibility last assessed"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("site profile")
        verbose_name_plural = _("site profile")

    def __str__(self):
        return self.organisation


class SessionMaterial(Localized):
    """A file (slides, a PDF) or a link (a recording, an article) attached to a session, shown
    from a chosen moment. Files are checked and typed on upload (conference.materials)."""

    class Visibility(models.TextChoices):
        AT_ONCE = "at_once", _("At once, to everyone")
        AFTER = "after", _("After the session, to everyone")
        REGISTERED = "registered", _("Only to registered attendees, on their own page")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="materials", verbose_name=_("session")
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="materials/%Y/", blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    visibility = models.CharField(
        _("visible"), max_length=10, choices=Visibility.choices, default=Visibility.AT_ONCE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session material")
        verbose_name_plural = _("session materials")
        ordering = ["session", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="material_file_or_link",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def extension(self) -> str:
        """ "PDF", "PPTX": for the link's label."""
        return self.file.name.rsplit(".", 1)[-1].upper() if self.file else ""
