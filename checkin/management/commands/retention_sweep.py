from django.core.management.base import BaseCommand

from checkin.services.retention import retention_sweep


class Command(BaseCommand):
    help = (
        "Warn organisers a month before their conference's personal data is anonymised (once), "
        "and anonymise conferences past their retention period. Safe to run often: cron daily, "
        "or Celery beat's 'retention-sweep' entry (checkin.tasks.retention_sweep)."
    )

    def handle(self, *args, **options):
        done = retention_sweep()
        self.stdout.write(
            f"{done['warned']} conference(s) warned, {done['anonymised']} anonymised."
        )
