from django.core.management.base import BaseCommand

from impact.rules import rules_run_due


class Command(BaseCommand):
    help = (
        "Send the scheduled e-mails (rules) that are due. Each person gets a rule's e-mail once, "
        "however often or concurrently this runs. For cron where Celery beat (its "
        "'send-scheduled-emails' entry) does not run; every five minutes is plenty."
    )

    def handle(self, *args, **options):
        prepared = rules_run_due()
        self.stdout.write(f"{prepared} scheduled e-mail(s) queued.")
