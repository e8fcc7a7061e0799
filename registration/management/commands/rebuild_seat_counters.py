from django.core.management.base import BaseCommand, CommandError

from conference.models import Conference
from registration.seats import seat_counters_rebuild


class Command(BaseCommand):
    help = (
        "Recount the seat counters of conferences (all, or the given address names) from the "
        "registration and sign-up statuses, and report every counter that was wrong. Needed "
        "only after rows were written outside Samla's services (loaddata, manual SQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="conference address names; none: all")

    def handle(self, *args, slugs, **options):
        conferences = Conference.objects.order_by("pk")
        if slugs:
            conferences = conferences.filter(slug__in=slugs)
            unknown = set(slugs) - set(conferences.values_list("slug", flat=True))
            if unknown:
                raise CommandError(f"Unknown conference(s): {', '.join(sorted(unknown))}")
        fixed = 0
        for conference in conferences:
            for pool, (was, now) in sorted(
                seat_counters_rebuild(conference=conference).items(), key=lambda i: i[0] or 0
            ):
                where = "conference" if pool is None else f"session {pool}"
                self.stdout.write(f"{conference.slug}: {where}: {was} -> {now}")
                fixed += 1
        self.stdout.write(f"{fixed} counter(s) corrected.")
