"""The programme's models, one module per part, all importable from here (migrations name the
validators and the code default by this path)."""

from conference.models.base import (
    CODE_ALPHABET,
    RESERVED_SLUGS,
    new_session_code,
    validate_logo,
    validate_origins,
    validate_slug_not_reserved,
)
from conference.models.conference import Conference, FunderLogo, SiteProfile
from conference.models.programme import Room, Session, SessionMaterial, Speaker, Track

__all__ = [
    "CODE_ALPHABET",
    "RESERVED_SLUGS",
    "Conference",
    "FunderLogo",
    "Room",
    "Session",
    "SessionMaterial",
    "SiteProfile",
    "Speaker",
    "Track",
    "new_session_code",
    "validate_logo",
    "validate_origins",
    "validate_slug_not_reserved",
]
