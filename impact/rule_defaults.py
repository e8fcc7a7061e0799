"""The scheduled e-mails a new conference starts with (unsaved; impact.rules saves them)."""

from conference.models import Conference

from .models import EmailRule


def ready_made_rules(conference: Conference) -> list[EmailRule]:
    """The three rules a new conference starts with. Texts are written in both languages here
    (not through gettext): they become the organiser's own text, to edit."""
    return [
        EmailRule(
            conference=conference,
            preset=EmailRule.Preset.REMINDER,
            name="Påminnelse 3 dagar före",
            timing=EmailRule.Timing.BEFORE_START,
            offset=3,
            unit=EmailRule.Unit.DAYS,
            audience=EmailRule.Audience.CONFIRMED,
            subject="Välkommen till {conference}",
            subject_en="Welcome to {conference}",
            body=(
                "Hej {name}!\n\nVälkommen till {conference}, {dates}, {place}.\n"
                "Din namnbricka finns bifogad; ta gärna med den. Kan du inte komma? "
                "Avboka här så att någon på väntelistan får din plats: {link}"
            ),
            body_en=(
                "Hello {name},\n\nWelcome to {conference}, {dates}, {place}.\n"
                "Your name badge is attached; do bring it. Cannot come after all? Cancel here "
                "so that someone on the waiting list gets your seat: {link}"
            ),
            attachments=[EmailRule.Attachment.BADGE, EmailRule.Attachment.PERSONAL_ICS],
        ),
        EmailRule(
            conference=conference,
            preset=EmailRule.Preset.THANKS,
            name="Tack och utvärdering",
            timing=EmailRule.Timing.AFTER_END,
            offset=1,
            unit=EmailRule.Unit.DAYS,
            audience=EmailRule.Audience.PRESENT,
            subject="Tack för att du kom till {conference}",
            subject_en="Thank you for coming to {conference}",
            body=(
                "Hej {name}!\n\nTack för att du var med på {conference}. Berätta gärna vad du "
                "tar med dig; det tar fem minuter: {evaluation_link}\n\n"
                "Presentationer och material: {materials_link}"
            ),
            body_en=(
                "Hello {name},\n\nThank you for taking part in {conference}. Please tell us "
                "what you take with you; it takes five minutes: {evaluation_link}\n\n"
                "Presentations and materials: {materials_link}"
            ),
        ),
        EmailRule(
            conference=conference,
            preset=EmailRule.Preset.MISSED,
            name="Vi saknade dig",
            timing=EmailRule.Timing.AFTER_END,
            offset=1,
            unit=EmailRule.Unit.DAYS,
            audience=EmailRule.Audience.NO_SHOWS,
            subject="Vi saknade dig på {conference}",
            subject_en="We missed you at {conference}",
            body=(
                "Hej {name}!\n\nVi saknade dig på {conference}. Presentationer och material "
                "från dagarna finns här: {materials_link}\n\n{materials}"
            ),
            body_en=(
                "Hello {name},\n\nWe missed you at {conference}. The presentations and "
                "materials are here: {materials_link}\n\n{materials}"
            ),
        ),
    ]
