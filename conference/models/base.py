"""What the conference models share: validators for their fields, session codes, and the
Swedish-with-English text fields."""

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import models
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
