"""The programme: rooms, themes, speakers, sessions and their materials."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from conference.models.base import Localized, new_session_code
from conference.models.conference import Conference


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
