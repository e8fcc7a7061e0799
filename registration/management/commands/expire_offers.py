from django.core.management.base import BaseCommand

from registration.services import registration_expire_offers


class Command(BaseCommand):
    help = (
        "Expire waiting-list seat offers whose time is up and offer the seats to the next "
        "people. Safe to run often: cron every few minutes, or Celery beat's "
        "'expire-waitlist-offers' entry (registration.tasks.expire_offers)."
    )

    def handle(self, *args, **options):
        expired = registration_expire_offers()
        self.stdout.write(f"{expired} offer(s) expired.")
