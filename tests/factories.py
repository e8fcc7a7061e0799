"""Dull test data. Times are in Europe/Stockholm unless a test says otherwise."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from conference.models import Conference, Room, Session, Speaker, Track
from registration.models import Registration, Signup

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(*args):
    """An aware datetime in Stockholm: local(2027, 3, 16, 12, 0)."""
    return datetime(*args, tzinfo=STOCKHOLM)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference

    slug = factory.Sequence(lambda n: f"konf-{n}")
    name = factory.Sequence(lambda n: f"Lärkonferens {n}")
    name_en = factory.Sequence(lambda n: f"Learning conference {n}")
    venue_name = "Malmö universitet"
    venue_address = "Nordenskiöldsgatan 10, Malmö"
    city = "Malmö"
    start = local(2027, 3, 16, 12, 0)
    end = local(2027, 3, 17, 13, 30)
    capacity = 100
    contact_email = "konferens@example.org"
    is_published = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Sal {n}")
    capacity = 50


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Tema {n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Talare {n}")
    organisation = "Coompanion Skåne"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    conference = factory.SubFactory(ConferenceFactory)
    title = factory.Sequence(lambda n: f"Seminarium {n}")
    kind = Session.Kind.SEMINAR
    room = None
    start = factory.LazyAttribute(lambda s: s.conference.start + timedelta(hours=1))
    end = factory.LazyAttribute(lambda s: s.start + timedelta(minutes=45))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Deltagare {n}")
    email = factory.Sequence(lambda n: f"deltagare{n}@example.org")
    organisation = "Exempelkommunen"
    sector = "public"
    consented_at = factory.LazyFunction(timezone.now)


class SignupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signup

    registration = factory.SubFactory(RegistrationFactory)
    session = factory.SubFactory(
        SessionFactory,
        conference=factory.SelfAttribute("..registration.conference"),
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        capacity=10,
    )
