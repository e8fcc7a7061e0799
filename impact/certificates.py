"""Certificates of attendance (intyg): one PDF per person present, in the person's language.

A certificate names the person, the conference with its dates and place, the sessions the person
attended with their times, the total hours, the issuer (name, logo, optional signature image and
signer), and a verification code with a QR code to the public page /intyg/<code>/.

Sessions attended: those the person was scanned at or marked present for, and, on each day the
person was present, the day's sessions everyone shares (plenaries, keynotes and panels without
sign-up). Total hours: the time those sessions cover (overlaps counted once).

`certificates_render` lays out many certificates in one WeasyPrint pass (one document, a page
each), which is what keeps 500 certificates within seconds.
"""

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from checkin.badges import qr_png
from conference.models import Conference, Session, SiteProfile
from conference.qr import qr_modules
from registration.models import Registration

from .attendance import Attendance, attendance_get
from .errors import ImpactError
from .models import Certificate, CertificateSettings

SHARED_KINDS = (Session.Kind.PLENARY, Session.Kind.KEYNOTE, Session.Kind.PANEL)
PDF_TYPE = "application/pdf"


@dataclass
class Attended:
    session: Session
    start: datetime
    end: datetime


def verification_url(code: str, language: str = "sv") -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse("impact:verify", kwargs={"code": code})


def _attended(registration_id, attendance: Attendance, sessions: list[Session]) -> list[Session]:
    recorded = attendance.sessions_of(registration_id)
    days = attendance.days_by_person.get(registration_id, set())
    return [
        s
        for s in sessions
        if s.pk in recorded
        or (
            not s.requires_signup
            and s.kind in SHARED_KINDS
            and attendance.session_days.get(s.pk) in days
        )
    ]


def total_hours(sessions: list[Session]) -> float:
    """Hours the sessions cover, overlaps counted once, to the quarter hour."""
    spans = sorted((s.start, s.end) for s in sessions)
    total, current = timedelta(0), None
    for start, end in spans:
        if current is None or start > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = [start, end]
        else:
            current[1] = max(current[1], end)
    if current is not None:
        total += current[1] - current[0]
    return round(total.total_seconds() / 900) / 4


def certificates_issue(
    *, conference: Conference, attendance: Attendance | None = None, only: set[int] | None = None
):
    """Give every person present (of `only`, the registration ids given) a certificate (a
    code) if they have none yet. Idempotent; returns {registration id: Certificate}."""
    attendance = attendance or attendance_get(conference=conference)
    present = attendance.present()
    if only is not None:
        present &= set(only)
    existing = {
        c.registration_id: c
        for c in Certificate.objects.filter(registration__conference=conference)
    }
    missing = [pk for pk in present if pk not in existing]
    for _attempt in range(3):
        if not missing:
            break
        Certificate.objects.bulk_create(
            [Certificate(registration_id=pk) for pk in missing], ignore_conflicts=True
        )
        existing = {
            c.registration_id: c
            for c in Certificate.objects.filter(registration__conference=conference)
        }
        missing = [pk for pk in present if pk not in existing]
    return {pk: existing[pk] for pk in present if pk in existing}


def _not_present_message():
    return _("A certificate of attendance is only given to those who were present.")


def _image_uri(field) -> str | None:
    if not field:
        return None
    try:
        with field.open("rb") as file:
            data = file.read()
    except (OSError, ValueError):
        return None
    kind = "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _issuer(conference: Conference) -> dict:
    options = CertificateSettings.objects.filter(conference=conference).first()
    site = SiteProfile.objects.filter(pk=1).first()
    organisation = site.organisation if site else "Samla"
    return {
        "issuer": (options.issuer if options and options.issuer else organisation),
        "logo": _image_uri(options.logo) if options else None,
        "signature": _image_uri(options.signature) if options else None,
        "signer_name": options.signer_name if options else "",
        "signer_title": options.signer_title if options else "",
        "signer_title_en": options.signer_title_en if options else "",
    }


def _qr_uri(url: str) -> str:
    png = qr_png(url, modules=qr_modules(url))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _funders(conference: Conference) -> dict[str, str]:
    """The funder acknowledgement in each language, rendered once for every page."""
    found = {}
    for language in ("sv", "en"):
        with translation.override(language):
            found[language] = render_to_string(
                "conference/_funders.html", {"conference": conference, "funder_src": "data"}
            )
    return found


def _page(registration, certificate, attended, issuer, funders) -> str:
    conference = registration.conference
    language = registration.language if registration.language in ("sv", "en") else "sv"
    url = verification_url(certificate.code, language)
    with translation.override(language), timezone.override(conference.time_zone):
        return render_to_string(
            "impact/certificate_page.html",
            {
                "registration": registration,
                "conference": conference,
                "sessions": attended,
                "hours": total_hours(attended),
                "code": certificate.code,
                "language": language,
                "url": url,
                "qr": _qr_uri(url),
                "funders": funders[language],
                "signer_title": (
                    issuer["signer_title_en"]
                    if language == "en" and issuer["signer_title_en"]
                    else issuer["signer_title"]
                ),
                **issuer,
            },
        )


def certificates_render(*, conference: Conference, registrations=None) -> bytes:
    """One PDF with a page per person present (of `registrations`, or everyone), each in the
    person's language. Issues missing certificates first."""
    from weasyprint import HTML

    attendance = attendance_get(conference=conference)
    certificates = certificates_issue(
        conference=conference,
        attendance=attendance,
        only=None if registrations is None else {r.pk for r in registrations},
    )
    people = Registration.objects.filter(conference=conference, pk__in=list(certificates))
    people = list(people.select_related("conference").order_by("name", "id"))
    if not people:
        raise ImpactError("not_present", _not_present_message())
    sessions = list(
        Session.objects.filter(conference=conference)
        .exclude(status=Session.Status.CANCELLED)
        .exclude(kind__in=(Session.Kind.BREAK, Session.Kind.MEAL))
        .select_related("room")
        .order_by("start", "title")
    )
    issuer = _issuer(conference)
    funders = _funders(conference)
    pages = [
        _page(
            person,
            certificates[person.pk],
            _attended(person.pk, attendance, sessions),
            issuer,
            funders,
        )
        for person in people
    ]
    html = render_to_string(
        "impact/certificates.html",
        {"pages": pages, "language": people[0].language if len(people) == 1 else "sv"},
    )
    # full_fonts skips WeasyPrint's font subsetting pass (as the booklet does); DejaVu is still
    # embedded.
    return HTML(string=html).write_pdf(full_fonts=True)


def certificate_render(*, registration: Registration) -> bytes:
    """The certificate of one person present, as a PDF. Raises ImpactError("not_present")."""
    return certificates_render(conference=registration.conference, registrations=[registration])


def certificate_verify(*, code: str) -> Certificate | None:
    """The certificate with this code (its person and conference), or None."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return Certificate.objects.filter(code=code).select_related("registration__conference").first()


def certificate_attachment(registration: Registration):
    """The e-mail attachment of the certificate (registration.emails.ATTACHMENTS); None for a
    person who was not there (a scheduled e-mail's audience may hold some)."""
    try:
        content = certificate_render(registration=registration)
    except ImpactError:
        return None
    return (
        f"{registration.conference.slug}-intyg.pdf"
        if registration.language == "sv"
        else f"{registration.conference.slug}-certificate.pdf",
        content,
        PDF_TYPE,
    )
