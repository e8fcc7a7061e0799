"""A conference with known attendance for the report's tests.

Lärkonferens, 16–17 March 2027. 130 confirmed registrations across four sectors (public 50,
non-profit 40, private 30, academia 10), 5 cancelled (public) and 2 on the waiting list
(public): 137 registered. 104 present (public 42, non-profit 34, private 25, academia 3), all
scanned at the entrance on day one, the first 80 of them on day two too. Two workshops on day
two: "Partnerskap" (30 seats, 30 signed up, 25 scanned at its door) and "Finansiering" (20 seats,
20 signed up and 4 waiting, 12 scanned). The opening plenary on day one has a head count of 110.
A municipality question: Malmö 60, Lund 40, Ystad 3 of the confirmed; 27 gave no answer.
Seven of those present were present at the organiser's earlier conference (2016), two more
registered there but never came.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from checkin.models import Checkpoint
from checkin.services import checkpoints_ensure, scan_submit
from conference.models import Session
from impact.services import head_count_set
from registration.models import Answer, Registration, Signup
from registration.services import question_add_municipalities
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
    local,
)

SECTORS = [("public", 50, 42), ("nonprofit", 40, 34), ("private", 30, 25), ("academia", 10, 3)]


@dataclass
class Known:
    conference: object
    organiser: object
    confirmed: list
    present: list
    plenary: object
    partnerskap: object
    finansiering: object
    question: object


def _scan(checkpoint, person):
    result = scan_submit(checkpoint=checkpoint, scan_id=uuid.uuid4(), registration_id=person.pk)
    assert result.entry is not None, result.verdict


def build_known(*, sizes=SECTORS, with_earlier=True, slug="larkonferens-2027", year=2027) -> Known:
    organiser = UserFactory(first_name="Olga", last_name="Organisatör")
    conference = ConferenceFactory(
        slug=slug,
        capacity=None,
        start=local(year, 3, 16, 12),
        end=local(year, 3, 17, 13, 30),
    )
    conference.organisers.add(organiser)
    hall = RoomFactory(conference=conference, name="Aulan", capacity=200)
    room = RoomFactory(conference=conference, name="Sal B", capacity=40)
    plenary = SessionFactory(
        conference=conference,
        title="Välkommen",
        kind=Session.Kind.PLENARY,
        room=hall,
        start=local(year, 3, 16, 12, 30),
        end=local(year, 3, 16, 14, 0),
    )
    partnerskap = SessionFactory(
        conference=conference,
        title="Partnerskap",
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        capacity=30,
        room=room,
        start=local(year, 3, 17, 9),
        end=local(year, 3, 17, 10, 30),
    )
    finansiering = SessionFactory(
        conference=conference,
        title="Finansiering",
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        capacity=20,
        room=hall,
        start=local(year, 3, 17, 9),
        end=local(year, 3, 17, 10, 30),
    )
    question = question_add_municipalities(conference=conference)
    confirmed, present = [], []
    number = 0
    for sector, count, came in sizes:
        for index in range(count):
            number += 1
            person = RegistrationFactory(
                conference=conference,
                sector=sector,
                name=f"Person {number:03d}",
                email=f"person{number}@example.org",
            )
            confirmed.append(person)
            if index < came:
                present.append(person)
    now = timezone.now()
    for index in range(5):
        RegistrationFactory(
            conference=conference,
            status=Registration.Status.CANCELLED,
            sector="public",
            email=f"cancelled{index}@example.org",
        )
    for index in range(2):
        RegistrationFactory(
            conference=conference,
            status=Registration.Status.WAITING,
            waiting_since=now,
            sector="public",
            email=f"waiting{index}@example.org",
        )
    # Answers: Malmö (16) for the first 60 confirmed, Lund (15) for the next 40, Ystad (28) for 3.
    answers = [(p, 16) for p in confirmed[:60]] + [(p, 15) for p in confirmed[60:100]]
    answers += [(p, 28) for p in confirmed[100:103]]
    Answer.objects.bulk_create(
        [Answer(registration=p, question=question, value=v) for p, v in answers]
    )
    # Workshops: sign-ups from among those present, then door scans.
    for person in present[:30]:
        Signup.objects.create(registration=person, session=partnerskap)
    for person in present[30:50]:
        Signup.objects.create(registration=person, session=finansiering)
    for person in confirmed[-4:]:
        Signup.objects.create(
            registration=person, session=finansiering, status="waiting", waiting_since=now
        )
    checkpoints_ensure(conference=conference)
    day_one, day_two = (
        Checkpoint.objects.get(conference=conference, kind="entrance", day=local(year, 3, d).date())
        for d in (16, 17)
    )
    for person in present:
        _scan(day_one, person)
    for person in present[:80]:
        _scan(day_two, person)
    for person in present[:25]:
        _scan(Checkpoint.objects.get(session=partnerskap), person)
    for person in present[30:42]:
        _scan(Checkpoint.objects.get(session=finansiering), person)
    head_count_set(session=plenary, count=110, actor=organiser)
    if with_earlier:
        _earlier(organiser, present[:9])
    return Known(
        conference, organiser, confirmed, present, plenary, partnerskap, finansiering, question
    )


def _earlier(organiser, people):
    earlier = ConferenceFactory(
        slug="summit-2016", start=local(2016, 10, 5, 9), end=local(2016, 10, 5, 17)
    )
    earlier.organisers.add(organiser)
    checkpoints_ensure(conference=earlier)
    entrance = Checkpoint.objects.get(conference=earlier, kind="entrance")
    for index, person in enumerate(people):
        # The address in other capitals: matched without regard to case.
        before = RegistrationFactory(
            conference=earlier, email=person.email.upper(), name=person.name
        )
        if index < 7:
            _scan(entrance, before)


@pytest.fixture
def known(db):
    return build_known()


def shift(registration_ids, days):
    Registration.objects.filter(pk__in=registration_ids).update(
        created_at=timezone.now() - timedelta(days=days)
    )
