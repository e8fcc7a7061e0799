"""`manage.py demo_practice`: a conference to try registering at, for a local demo only.

The demo conferences are the real ones of 2017 and 2018, so their registration closed long ago.
This copies the Malmö programme (rooms, themes, speakers, sessions) to a conference that starts
on the same weekday about eight weeks from today, at the same local times, with registration
open until a week before. Idempotent: once `prova` exists it is kept as it is.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from conference.models import Conference, Session

from .demo_setup import demo_conference_save, demo_users_setup

SOURCE = "malmo-2017"
SLUG = "prova"
WEEKS_AHEAD = 8


def _moved(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """`moment` `days` later at the same wall-clock time (so 09.00 stays 09.00 across DST)."""
    local = moment.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=zone)


def practice_conference_create(*, today: date | None = None) -> Conference | None:
    """Copy the Malmö demo to `prova`; None when `prova` exists already or Malmö is missing."""
    source = Conference.objects.filter(slug=SOURCE).first()
    if source is None or Conference.objects.filter(slug=SLUG).exists():
        return None
    zone = ZoneInfo(source.time_zone or "Europe/Stockholm")
    today = today or timezone.localdate(timezone=zone)
    target = today + timedelta(weeks=WEEKS_AHEAD)
    start_day = source.start.astimezone(zone).date()
    # Same weekday as the original, so a Thursday-to-Friday conference stays one.
    days = (target - start_day).days + (start_day.weekday() - target.weekday()) % 7
    # Through the serializer, so that demo_setup's loader gives every copy fresh keys and
    # points the rooms, themes and speakers of the sessions at the copies.
    items = list(
        serializers.deserialize(
            "json",
            serializers.serialize(
                "json",
                [
                    source,
                    *source.rooms.all(),
                    *source.tracks.all(),
                    *source.speakers.all(),
                    *source.sessions.prefetch_related("speakers"),
                ],
            ),
        )
    )
    conference = items[0].object
    conference.slug = SLUG
    conference.name = f"{source.name} (prova att anmäla dig)"
    conference.name_en = f"{source.name_en or source.name} (try registering)"
    conference.start = _moved(source.start, days, zone)
    conference.end = _moved(source.end, days, zone)
    conference.registration_opens = None
    conference.registration_closes = conference.start.astimezone(zone).date() - timedelta(days=7)
    conference.programme_changed_at = timezone.now()
    for item in items[1:]:
        session = item.object
        if isinstance(session, Session):
            session.code = Session._meta.get_field("code").get_default()
            session.uid = Session._meta.get_field("uid").get_default()
            session.sequence = 0
            session.start = _moved(session.start, days, zone)
            session.end = _moved(session.end, days, zone)
    with transaction.atomic():
        conference = demo_conference_save(items[0], items[1:])
        demo_users_setup([conference])
    return conference


class Command(BaseCommand):
    help = "Copy the Malmö demo to a conference ahead with registration open (once)."

    def handle(self, *args, **options):
        if not Conference.objects.filter(slug=SOURCE).exists():
            raise CommandError(f"Run demo_setup first: it loads {SOURCE}, which this copies.")
        conference = practice_conference_create()
        if conference is None:
            conference = Conference.objects.get(slug=SLUG)
            self.stdout.write(f"Practice conference {SLUG}: already there, kept as it is")
        else:
            self.stdout.write(f"Practice conference {SLUG}: created")
        start = timezone.localtime(conference.start)
        self.stdout.write(
            f"  Try registering: http://127.0.0.1:8000/{SLUG}/register/ "
            f"(the conference starts {start:%Y-%m-%d %H:%M}; registration closes "
            f"{conference.registration_closes})"
        )
