"""`manage.py demo_practice`: a conference to try registering at, for a local demo only.

The demo conferences are the real ones of 2017 and 2018, so their registration closed long ago.
This copies the Malmö programme (rooms, themes, speakers, sessions) to a conference that starts
on the same weekday about eight weeks from today, at the same local times, with registration
open until a week before. Idempotent: once `prova` exists it is kept as it is.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from conference.models import Conference
from conference.services import conference_copy, conference_publish, conference_update

from .demo_setup import demo_users_setup

SOURCE = "malmo-2017"
SLUG = "prova"
WEEKS_AHEAD = 8


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
    start_date = target + timedelta(days=(start_day.weekday() - target.weekday()) % 7)
    with transaction.atomic():
        conference = conference_copy(
            source=source,
            slug=SLUG,
            name=f"{source.name} (prova att anmäla dig)",
            name_en=f"{source.name_en or source.name} (try registering)",
            start_date=start_date,
        )
        conference_update(
            conference=conference,
            registration_opens=None,
            registration_closes=start_date - timedelta(days=7),
        )
        conference_publish(conference=conference)
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
