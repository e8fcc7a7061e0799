"""What a door is told about a scan: the same words on the scanner page and in the API."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Verdict


def verdict_title(verdict: str) -> str:
    return {
        Verdict.OK: _("Welcome"),
        Verdict.ALREADY_CHECKED_IN: _("Already checked in"),
        Verdict.CANCELLED: pgettext("registration", "Cancelled"),
        Verdict.WAITING_LIST: _("Waiting list only"),
        Verdict.NOT_SIGNED_UP: _("Not signed up for this session"),
        Verdict.UNKNOWN_CODE: _("Not a valid badge"),
        Verdict.OTHER_CONFERENCE: _("The badge is for another conference"),
        Verdict.WRONG_DAY: _("Wrong day"),
    }.get(verdict, verdict)


def wrong_day_detail(checkpoint) -> str:
    return _("Wrong day: this door is for %(day)s.") % {
        "day": formats.date_format(checkpoint.day, "j F")
    }


def verdict_detail(verdict: str, *, entry=None, checkpoint=None) -> str:
    if verdict == Verdict.WRONG_DAY and checkpoint is not None and checkpoint.day is not None:
        return wrong_day_detail(checkpoint)
    if verdict == Verdict.ALREADY_CHECKED_IN and entry is not None:
        return _("Checked in at %(time)s, %(checkpoint)s.") % {
            "time": formats.time_format(timezone.localtime(entry.at), "H.i"),
            "checkpoint": entry.checkpoint.label(),
        }
    return {
        Verdict.OK: _("Let them in."),
        Verdict.CANCELLED: _("This registration was cancelled."),
        Verdict.WAITING_LIST: _("On the waiting list, without a seat. Ask them to see the desk."),
        Verdict.NOT_SIGNED_UP: _("No place in this session. The desk can help."),
        Verdict.UNKNOWN_CODE: _("The code is unknown or was replaced. Send them to the desk."),
        Verdict.OTHER_CONFERENCE: _("Not valid here. Send them to the desk."),
        Verdict.ALREADY_CHECKED_IN: "",
    }.get(verdict, "")


def scan_payload(result) -> dict:
    """Door fields only: name, organisation, status. Never e-mail or dietary needs."""
    person = result.registration
    entry = result.entry
    other = getattr(result, "other_conference", None)
    title = verdict_title(result.scan.verdict)
    if other is not None:
        title = _("The badge is for another conference: %(name)s") % {
            "name": other.localized("name")
        }
    return {
        "scan_id": str(result.scan.scan_id),
        "verdict": result.scan.verdict,
        "title": title,
        "detail": verdict_detail(
            result.scan.verdict, entry=entry, checkpoint=result.scan.checkpoint
        ),
        "is_duplicate": result.scan.is_duplicate,
        "scanned_at": result.scan.scanned_at.isoformat(),
        "person": {
            "id": person.pk,
            "name": person.name,
            "organisation": person.organisation,
            "status": person.status,
        }
        if person is not None
        else None,
        "entry": {
            "at": entry.at.isoformat(),
            "checkpoint": entry.checkpoint.label(),
            "device": entry.scan.device_id,
        }
        if entry is not None
        else None,
    }
