"""The badge as an e-mail attachment (for scheduled e-mails: "bring your badge")."""

from registration.models import Registration

from .badges import render_sheet
from .services.badge_codes import badge_code_for


def badge_attachment(registration) -> tuple[str, bytes, str] | None:
    """The person's A6 badge PDF; issues the badge code on first use, like the badge page.
    None for someone without a seat (the waiting list gets no badge)."""
    if registration.status != Registration.Status.CONFIRMED:
        return None
    code = badge_code_for(registration)
    pdf = render_sheet(registration.conference, [(registration, code.code)], layout="a6")
    return (f"badge-{registration.conference.slug}.pdf", pdf, "application/pdf")
