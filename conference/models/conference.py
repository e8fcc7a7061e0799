"""The conference itself, its funders' logos, and the site profile that names who runs Samla."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from conference.models.base import (
    Localized,
    validate_logo,
    validate_origins,
    validate_slug_not_reserved,
)


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
    confirmation_text = models.TextField(
        _("text of the confirmation e-mail"),
        blank=True,
        default="",
        db_default="",
        help_text=_("Your own words, shown in the confirmation e-mail above the person's choices."),
    )
    confirmation_text_en = models.TextField(
        _("text of the confirmation e-mail (English)"), blank=True, default="", db_default=""
    )
    # Set when the organiser sends a test registration from the preview (nothing else is kept).
    preview_tested_at = models.DateTimeField(_("test registration sent"), null=True, blank=True)
    # False on a copy until the organiser has checked its texts for last year's dates.
    texts_checked = models.BooleanField(
        _("texts checked after copying"), default=True, db_default=True
    )

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
    def full_address(self) -> str:
        """Venue, street address and city, the city left out when the address names it."""
        parts = [self.venue_name, self.venue_address]
        if self.city and self.city not in (self.venue_address or ""):
            parts.append(self.city)
        return ", ".join(part for part in parts if part)

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
