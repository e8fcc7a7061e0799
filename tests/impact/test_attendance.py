"""Who came: entrance scans, session doors, head counts and marks by hand, and no-shows."""

import uuid

import pytest

from checkin.models import Checkpoint
from checkin.services import checkpoints_ensure, scan_submit
from conference.models import Session
from impact.attendance import attendance_get, no_show_registrations, present_registrations
from impact.errors import ImpactError
from impact.models import PresenceMark
from impact.services import head_count_set, presence_mark, presence_unmark
from registration.models import AuditEntry, Registration
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    conference = ConferenceFactory(start=local(2027, 3, 16, 12), end=local(2027, 3, 17, 13))
    return conference


@pytest.fixture
def workshop(conference):
    return SessionFactory(
        conference=conference,
        kind=Session.Kind.WORKSHOP,
        start=local(2027, 3, 17, 9),
        end=local(2027, 3, 17, 10),
    )


def entrance(conference, day):
    checkpoints_ensure(conference=conference)
    return Checkpoint.objects.get(conference=conference, kind="entrance", day=day)


def door(session):
    checkpoints_ensure(conference=session.conference)
    return Checkpoint.objects.get(session=session)


def scan(checkpoint, person):
    return scan_submit(checkpoint=checkpoint, scan_id=uuid.uuid4(), registration_id=person.pk)


def test_entrance_scan_makes_a_person_present_on_that_day_only(conference):
    anna = RegistrationFactory(conference=conference)
    day_one = local(2027, 3, 16, 12).date()

    scan(entrance(conference, day_one), anna)
    attendance = attendance_get(conference=conference)

    assert attendance.present() == {anna.pk}
    assert attendance.present_on(day_one) == {anna.pk}
    assert attendance.present_on(local(2027, 3, 17, 9).date()) == set()


def test_session_door_scan_makes_a_person_present_at_it_and_on_its_day(conference, workshop):
    anna = RegistrationFactory(conference=conference)

    scan(door(workshop), anna)
    attendance = attendance_get(conference=conference)

    assert attendance.present_at(workshop.pk) == {anna.pk}
    assert attendance.present_on(local(2027, 3, 17, 9).date()) == {anna.pk}
    assert attendance.session_figure(workshop.pk) == 1


def test_head_count_is_the_session_figure_where_entered(conference, workshop):
    anna = RegistrationFactory(conference=conference)
    scan(door(workshop), anna)

    head_count_set(session=workshop, count=23, actor=None)
    attendance = attendance_get(conference=conference)

    assert attendance.session_figure(workshop.pk) == 23
    assert attendance.present_at(workshop.pk) == {anna.pk}


def test_negative_head_count_is_refused_and_nothing_saved(workshop):
    with pytest.raises(ImpactError) as error:
        head_count_set(session=workshop, count=-1, actor=None)

    assert error.value.code == "negative_count"
    assert attendance_get(conference=workshop.conference).head_counts == {}


def test_mark_by_hand_makes_present_with_one_audit_entry(conference, workshop):
    anna = RegistrationFactory(conference=conference)
    organiser = UserFactory()

    presence_mark(registration=anna, session=workshop, actor=organiser)
    presence_mark(registration=anna, session=workshop, actor=organiser)
    attendance = attendance_get(conference=conference)

    assert attendance.present_at(workshop.pk) == {anna.pk}
    assert attendance.present() == {anna.pk}
    assert list(AuditEntry.objects.values_list("action", "actor_id")) == [
        ("marked_present", organiser.pk)
    ]


def test_mark_of_a_cancelled_person_is_refused_and_nothing_saved(conference, workshop):
    anna = RegistrationFactory(conference=conference, status=Registration.Status.CANCELLED)

    with pytest.raises(ImpactError) as error:
        presence_mark(registration=anna, session=workshop, actor=None)

    assert error.value.code == "cancelled"
    assert PresenceMark.objects.count() == 0


def test_mark_at_another_conferences_session_is_refused(conference):
    anna = RegistrationFactory(conference=conference)
    elsewhere = SessionFactory(conference=ConferenceFactory())

    with pytest.raises(ImpactError) as error:
        presence_mark(registration=anna, session=elsewhere, actor=None)

    assert error.value.code == "other_conference"
    assert PresenceMark.objects.count() == 0


def test_mark_on_a_day_outside_the_conference_is_refused(conference):
    anna = RegistrationFactory(conference=conference)

    with pytest.raises(ImpactError) as error:
        presence_mark(registration=anna, day=local(2027, 3, 20, 9).date(), actor=None)

    assert error.value.code == "not_a_day"
    assert PresenceMark.objects.count() == 0


def test_unmark_takes_presence_back(conference, workshop):
    anna = RegistrationFactory(conference=conference)
    presence_mark(registration=anna, session=workshop, actor=None)

    presence_unmark(registration=anna, session=workshop, actor=None)

    assert attendance_get(conference=conference).present() == set()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "marked_present",
        "unmarked_present",
    ]


def test_no_shows_are_confirmed_people_present_on_no_day(conference):
    came = RegistrationFactory(conference=conference)
    stayed_home = RegistrationFactory(conference=conference)
    RegistrationFactory(
        conference=conference, status=Registration.Status.WAITING, waiting_since=came.created_at
    )
    RegistrationFactory(conference=conference, status=Registration.Status.CANCELLED)
    scan(entrance(conference, local(2027, 3, 16, 12).date()), came)

    assert list(present_registrations(conference=conference)) == [came]
    assert list(no_show_registrations(conference=conference)) == [stayed_home]


def test_attendance_runs_four_queries_whatever_the_size(
    conference, workshop, django_assert_num_queries
):
    for _ in range(5):
        person = RegistrationFactory(conference=conference)
        scan(door(workshop), person)
        scan(entrance(conference, local(2027, 3, 16, 12).date()), person)

    with django_assert_num_queries(4):
        attendance = attendance_get(conference=conference)

    assert len(attendance.present()) == 5
