import uuid

import pytest

from checkin.models import Checkpoint
from checkin.services import badge_code_for, checkpoints_ensure, door_staff_assign
from registration.models import Registration, Signup
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    SessionFactory,
    SignupFactory,
    UserFactory,
    local,
)


def new_scan_id():
    return str(uuid.uuid4())


@pytest.fixture
def conference():
    return ConferenceFactory()


@pytest.fixture
def entrance(conference):
    checkpoints_ensure(conference=conference)
    return Checkpoint.objects.get(
        conference=conference, kind="entrance", day=local(2027, 3, 16, 0, 0).date()
    )


@pytest.fixture
def workshop(conference):
    return SessionFactory(conference=conference, kind="workshop", requires_signup=True, capacity=10)


@pytest.fixture
def workshop_door(workshop):
    checkpoints_ensure(conference=workshop.conference)
    return Checkpoint.objects.get(session=workshop)


@pytest.fixture
def attendee(conference):
    return RegistrationFactory(conference=conference, name="Alva Ek", organisation="Malmö stad")


@pytest.fixture
def badge(attendee):
    return badge_code_for(attendee).code


@pytest.fixture
def door_user(conference):
    user = UserFactory(username="door", is_staff=False)
    door_staff_assign(conference=conference, user=user)
    return user


@pytest.fixture
def organiser(conference):
    user = UserFactory(username="organiser")
    conference.organisers.add(user)
    return user


__all__ = ["Registration", "Signup", "SignupFactory", "new_scan_id"]


def set_status(registration, status):
    """Move a registration to `status` with the timestamps the model's constraints ask for."""
    import datetime

    from django.utils import timezone

    Registration.objects.filter(pk=registration.pk).update(
        status=status,
        waiting_since=timezone.now() if status in ("waiting", "offered") else None,
        offer_expires_at=timezone.now() + datetime.timedelta(days=1)
        if status == "offered"
        else None,
    )
    registration.refresh_from_db()


@pytest.fixture(autouse=True)
def _fresh_door_caches():
    from checkin import rights

    rights.clear()
    yield
    rights.clear()
