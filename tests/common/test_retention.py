"""The retention registry: steps run in order, in one transaction, all or nothing."""

import pytest

from common import retention
from conference.models import Conference
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(retention, "_steps", {})


def test_anonymise_conference_runs_steps_by_order(empty_registry):
    ran = []

    @retention.retention_step(order=200)
    def second(conference):
        ran.append(("second", conference.pk))

    @retention.retention_step(order=100)
    def first(conference):
        ran.append(("first", conference.pk))

    conference = ConferenceFactory()
    retention.anonymise_conference(conference)

    assert ran == [("first", conference.pk), ("second", conference.pk)]


def test_a_failing_step_rolls_back_every_step(empty_registry):
    conference = ConferenceFactory(name="Före")

    @retention.retention_step(order=100)
    def rename(conference):
        Conference.objects.filter(pk=conference.pk).update(name="Efter")

    @retention.retention_step(order=200)
    def fail(conference):
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError):
        retention.anonymise_conference(conference)

    assert Conference.objects.get(pk=conference.pk).name == "Före"
