"""Invented attendees for the demo conferences, so organiser lists, catering counts, badges and
door scanning have people to show. Every address is @example.org; the names are made up."""

import random

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.test import override_settings

from conference.models import Conference, Session
from registration.models import Diet, Registration, Sector
from registration.services import registration_create

DEMO_PEOPLE = {"malmo-2017": 120, "kristianstad-2018": 136}
FIRST = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Sara", "Johan", "Eva", "Mikael",
    "Lena", "Per", "Emma", "Ali", "Fatima", "Nils", "Ingrid", "Omar", "Sofia", "Björn",
    "Amira", "Jonas", "Elin", "Hassan", "Maja", "Gustav", "Leila", "Oskar", "Ida", "Åsa",
]  # fmt: skip
LAST = [
    "Andersson", "Nilsson", "Persson", "Olsson", "Larsson", "Jönsson", "Hansson", "Svensson",
    "Lindqvist", "Bengtsson", "Håkansson", "Mohammed", "Öberg", "Ek", "Holm", "Sandberg",
]  # fmt: skip
ORGANISATIONS = {
    Sector.PUBLIC: ["Malmö stad", "Lunds kommun", "Kristianstads kommun", "Region Skåne",
                    "Helsingborgs stad", "Arbetsförmedlingen"],
    Sector.NONPROFIT: ["Föreningen Grannsamverkan (demo)", "Studieförbundet Exempel",
                       "Idéburna Skåne (demo)", "Stadsmissionen (demo)"],
    Sector.PRIVATE: ["Exempel AB", "Socialt Kafé Ek. för. (demo)", "Konsultbyrån Demo AB"],
    Sector.ACADEMIA: ["Malmö universitet", "Lunds universitet", "Högskolan Kristianstad"],
    Sector.OTHER: [""],
}  # fmt: skip


class Command(BaseCommand):
    help = "Register invented attendees at the demo conferences (once; kept on later runs)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2017)

    def handle(self, *args, seed, **options):
        chooser = random.Random(seed)
        for slug, people in DEMO_PEOPLE.items():
            conference = Conference.objects.filter(slug=slug).first()
            if conference is None or Registration.objects.filter(conference=conference).exists():
                continue
            # Invented people get no e-mails, not even on the development console.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                self._register(conference, people, chooser)
            counts = Registration.objects.filter(conference=conference)
            self.stdout.write(
                f"Demo attendees at {slug}: "
                f"{counts.filter(status=Registration.Status.CONFIRMED).count()} confirmed, "
                f"{counts.filter(status=Registration.Status.WAITING).count()} waiting"
            )

    def _register(self, conference, people, chooser):
        workshops = list(
            conference.sessions.filter(requires_signup=True, status=Session.Status.SCHEDULED)
        )
        meals = list(
            conference.sessions.filter(Q(kind=Session.Kind.MEAL)).values_list("pk", flat=True)
        )
        sectors = list(ORGANISATIONS)
        for n in range(people):
            first, last = chooser.choice(FIRST), chooser.choice(LAST)
            sector = chooser.choices(sectors, weights=[4, 3, 2, 2, 1])[0]
            picks = []
            for workshop in chooser.sample(workshops, k=min(2, len(workshops))):
                if all(workshop.end <= p.start or workshop.start >= p.end for p in picks):
                    picks.append(workshop)
            registration_create(
                conference=conference,
                email=f"{first}.{last}.{n}@example.org".lower()
                .replace("å", "a")
                .replace("ä", "a")
                .replace("ö", "o"),
                consent=True,
                session_ids=[p.pk for p in picks],
                meal_ids=meals,
                by_organiser=True,
                name=f"{first} {last}",
                organisation=chooser.choice(ORGANISATIONS[sector]),
                sector=sector,
                diets=chooser.choice(
                    [
                        [],
                        [],
                        [],
                        [Diet.VEGETARIAN],
                        [Diet.VEGAN],
                        [Diet.GLUTEN_FREE],
                        [Diet.LACTOSE_FREE],
                    ]
                ),
                language=chooser.choice(["sv", "sv", "sv", "en"]),
                public_listing=chooser.random() < 0.4,
            )
