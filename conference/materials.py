"""Session materials: adding (files checked for type and size, links checked for scheme),
removing, and who may see which when.

A file's type is decided here, from its extension *and* its first bytes, never from what the
browser claimed; it is served with that type, as an attachment, so an uploaded page can never
run in the site's origin.
"""

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from .errors import ProgrammeError
from .models import Conference, Session, SessionMaterial

ZIP = b"PK\x03\x04"
# extension: (content type served, accepted first bytes)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
    ),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".odp": ("application/vnd.oasis.opendocument.presentation", (ZIP,)),
    ".odt": ("application/vnd.oasis.opendocument.text", (ZIP,)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def material_max_bytes() -> int:
    return getattr(settings, "MATERIAL_MAX_BYTES", 25 * 1024 * 1024)


def _check_file(upload) -> str:
    """The content type to serve the upload with, or ProgrammeError."""
    if upload.size > material_max_bytes():
        raise ProgrammeError(
            "material_too_large",
            _("The file is too large: at most %(mb)s MB.")
            % {"mb": material_max_bytes() // (1024 * 1024)},
            "file",
        )
    extension = Path(upload.name).suffix.lower()
    if extension not in ALLOWED:
        raise ProgrammeError(
            "material_type",
            _(
                "Files of this type cannot be added. Allowed: PDF, PowerPoint, Word, Excel, "
                "OpenDocument, PNG and JPEG."
            ),  # fmt: skip
            "file",
        )
    content_type, headers = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(header) for header in headers):
        raise ProgrammeError(
            "material_content",
            _("The file's content does not match its type (%(ext)s).") % {"ext": extension},
            "file",
        )
    return content_type


def material_add(
    *,
    session: Session,
    title: str,
    title_en: str = "",
    upload=None,
    url: str = "",
    visibility: str = SessionMaterial.Visibility.AT_ONCE,
) -> SessionMaterial:
    """Attach a file or a link (exactly one) to `session`. Refused, nothing saved: both or
    neither, a link that is not http(s), a file of the wrong type, content or size."""
    title, url = title.strip(), url.strip()
    if not title:
        raise ProgrammeError("material_title", _("Give the material a title."), "title")
    if bool(upload) == bool(url):
        raise ProgrammeError("material_file_or_link", _("Add either a file or a link."), "file")
    if visibility not in SessionMaterial.Visibility.values:
        raise ProgrammeError("material_visibility", _("Choose when it is visible."), "visibility")
    material = SessionMaterial(
        session=session, title=title, title_en=title_en.strip(), visibility=visibility
    )
    if url:
        if not url.lower().startswith(("https://", "http://")):
            raise ProgrammeError(
                "material_link", _("A link must start with https:// or http://."), "url"
            )
        material.url = url
    else:
        material.content_type = _check_file(upload)
        material.size = upload.size
        name = get_valid_filename(Path(upload.name).name) or "material"
        material.file.save(name, upload, save=False)
    with transaction.atomic():
        material.save()
    return material


def material_delete(*, material: SessionMaterial) -> None:
    stored = material.file.name if material.file else ""
    material.delete()
    if stored:
        material.file.storage.delete(stored)


def material_visible(
    material: SessionMaterial, *, now: datetime | None = None, registered: bool = False
) -> bool:
    """At once: to everyone. After the session: to everyone from its end. Registered only:
    to a person with a seat, through their own page (`registered`)."""
    now = now or timezone.now()
    if material.visibility == SessionMaterial.Visibility.AT_ONCE:
        return True
    if material.visibility == SessionMaterial.Visibility.AFTER:
        return now >= material.session.end
    return registered


def materials_of(
    *, conference: Conference, now: datetime | None = None, registered: bool = False
) -> list[SessionMaterial]:
    """The materials visible now, in programme order, in one query."""
    now = now or timezone.now()
    materials = SessionMaterial.objects.filter(session__conference=conference).select_related(
        "session"
    )
    visible = [
        m
        for m in materials.order_by("session__start", "session_id", "id")
        if material_visible(m, now=now, registered=registered)
    ]
    for material in visible:
        material.session.conference = conference
    return visible


def materials_all(*, conference: Conference) -> list[SessionMaterial]:
    """Every material of the conference (for the organiser), in one query."""
    return list(
        SessionMaterial.objects.filter(session__conference=conference)
        .select_related("session")
        .order_by("session__start", "session_id", "id")
    )


def material_filename(material: SessionMaterial) -> str:
    return Path(material.file.name).name


def material_response(material: SessionMaterial) -> FileResponse:
    """The file with the type decided at upload, as an attachment, sandboxed: never rendered
    as a page of this site."""
    response = FileResponse(
        material.file.open("rb"),
        content_type=material.content_type,
        as_attachment=True,
        filename=material_filename(material),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response
