"""Text the timetable shows, worked out once per session in Python rather than piece by piece
in the template: the public programme renders 100+ sessions, and template look-ups dominate."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Session

UNLINKED_KINDS = {Session.Kind.BREAK, Session.Kind.MEAL}


def timetable_prepare(programme) -> None:
    """Give each session of `programme` its display texts for the active language and zone."""
    slug = programme.conference.slug
    placeholder = "CODE0000"
    url_pattern = reverse("conference:session", kwargs={"slug": slug, "code": placeholder})
    kinds = {value: str(label) for value, label in Session.Kind.choices}
    signup_label = _("sign-up required")
    time_of = {}

    def clock(moment):
        if moment not in time_of:
            time_of[moment] = formats.time_format(timezone.localtime(moment))
        return time_of[moment]

    for session in programme.sessions:
        session.display_title = session.localized("title")
        session.display_span = f"{clock(session.start)}–{clock(session.end)}"
        session.display_room = session.room.localized("name") if session.room_id else ""
        session.display_track = session.track.localized("name") if session.track_id else ""
        session.display_kind = kinds[session.kind]
        session.display_signup = signup_label if session.requires_signup else ""
        session.display_speakers = ", ".join(s.name for s in session.speakers.all())
        session.display_url = (
            "" if session.kind in UNLINKED_KINDS else url_pattern.replace(placeholder, session.code)
        )
    for day in programme.days:
        day.display_times = [(row, clock(moment)) for row, moment in day.times]
        day.display_rooms = [room.localized("name") for room in day.rooms]
