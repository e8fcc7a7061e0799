"""An organiser corrects a person's details: registration.services.registration_correct."""

import pytest

from registration.errors import RegistrationError
from registration.models import AuditEntry, Registration
from registration.services import registration_cancel, registration_correct
from tests.factories import UserFactory

from .conftest import register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


def snapshot(registration):
    registration.refresh_from_db()
    return (
        registration.name,
        registration.email,
        registration.organisation,
        registration.sector,
        list(registration.meals.values_list("pk", flat=True)),
        AuditEntry.objects.count(),
    )


def test_correct_changes_the_fields_and_writes_one_audit_entry(conference, lunch):
    organiser = UserFactory()
    person, _ = register(conference, name="Ana", email="ana@example.org")

    changed = registration_correct(
        registration=person,
        actor=organiser,
        name="Anna",
        email="anna@example.org",
        organisation="Region Skåne",
        meal_ids=[lunch.pk],
    )

    person.refresh_from_db()
    assert changed == ["name", "organisation", "email", "meals"]
    assert (person.name, person.email, person.organisation) == (
        "Anna",
        "anna@example.org",
        "Region Skåne",
    )
    assert list(person.meals.all()) == [lunch]
    entry = AuditEntry.objects.filter(registration=person).order_by("-id").first()
    assert (entry.action, entry.actor, entry.actor_label, entry.details) == (
        "details_corrected",
        organiser,
        organiser.username,
        {"fields": ["name", "organisation", "email", "meals"]},
    )


def test_correct_nothing_different_writes_no_audit_entry(conference):
    person, _ = register(conference, name="Anna")
    before = AuditEntry.objects.count()

    changed = registration_correct(registration=person, actor=UserFactory(), name="Anna")

    assert changed == []
    assert AuditEntry.objects.count() == before


def test_correct_a_cancelled_registration_is_allowed(conference):
    person, _ = register(conference, name="Ana")
    registration_cancel(registration=person)

    registration_correct(registration=person, actor=UserFactory(), name="Anna")

    person.refresh_from_db()
    assert (person.name, person.status) == ("Anna", Registration.Status.CANCELLED)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"name": ""}, "invalid_input", "name"),
        ({"name": "<script>"}, "invalid_input", "name"),
        ({"organisation": "x" * 201}, "invalid_input", "organisation"),
        ({"sector": "pirates"}, "invalid_input", "sector"),
        ({"diets": ["chocolate"]}, "invalid_input", "diets"),
        ({"email": "not an address"}, "invalid_input", "email"),
        ({"email": "BO@example.org"}, "already_registered", "email"),
        ({"meal_ids": [999999]}, "invalid_meal", "meals"),
    ],
)
def test_correct_bad_input_refused_nothing_changed(conference, changes, code, field):
    person, _ = register(conference, name="Ana", email="ana@example.org")
    register(conference, name="Bo", email="bo@example.org")
    before = snapshot(person)

    with pytest.raises(RegistrationError) as raised:
        registration_correct(
            registration=person, actor=UserFactory(), **{"name": "Anna", **changes}
        )

    assert (raised.value.code, raised.value.field) == (code, field)
    assert snapshot(person) == before
