from django.core.management.base import BaseCommand

from registration.emails import email_resend_queued


class Command(BaseCommand):
    help = (
        "Hand e-mails still queued after ten minutes (the broker was down, a web process died "
        "before publishing) to the workers again, at most 1000 a run; a row is never sent "
        "twice. For cron where Celery beat (its 'resend-queued-emails' entry) does not run."
    )

    def handle(self, *args, **options):
        handed = email_resend_queued()
        self.stdout.write(f"{handed} queued e-mail(s) handed over again.")
