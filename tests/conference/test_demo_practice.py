"""The practice conference: the Malmö demo moved ahead, so a newcomer can try registering."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from conference.management.commands.demo_practice import practice_conference_create
from conference.models import Conference
from conference.services import conference_clashes
from registration.services import registration_window_state
from tests.factories import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo_setup", stdout=StringIO())
    return Conference.objects.get(slug="malmo-2017")


def test_practice_copies_the_programme_eight_weeks_ahead_at_the_same_local_times(demo):
    # 2026-11-23 is a Monday; Malmö 2017 began on Thursday 16 March at 12.00.
    practice = practice_conference_create(today=date(2026, 11, 23))

    assert timezone.localtime(practice.start) == local(2027, 1, 21, 12, 0)
    assert timezone.localtime(practice.end) == local(2027, 1, 22, 13, 30)
    assert practice.registration_closes == date(2027, 1, 14)
    assert practice.is_published is True
    assert practice.sessions.count() == demo.sessions.count()
    assert sorted(practice.sessions.values_list("title", flat=True)) == sorted(
        demo.sessions.values_list("title", flat=True)
    )
    first = demo.sessions.order_by("start", "title").first()
    copy = practice.sessions.get(
        title=first.title, kind=first.kind, start=first.start + (practice.start - demo.start)
    )
    assert (copy.room.name, copy.room.conference) == (first.room.name, practice)
    assert sorted(s.name for s in copy.speakers.all()) == sorted(
        s.name for s in first.speakers.all()
    )
    assert copy.code != first.code and copy.uid != first.uid
    assert conference_clashes(conference=practice) == []
    assert practice.organisers.filter(username="organiser").exists()


def test_practice_keeps_wall_clock_times_across_the_switch_to_summer_time(demo):
    # Malmö's 16 March moved to a date after 28 March 2027 (summer time): still 12.00.
    practice = practice_conference_create(today=date(2027, 2, 15))

    assert timezone.localtime(practice.start).time().hour == 12
    assert timezone.localtime(practice.start).date() - date(2027, 2, 15) >= timedelta(weeks=8)


def test_practice_registration_is_open_now(demo):
    practice = practice_conference_create()

    assert registration_window_state(practice) == "open"


def test_practice_is_created_once_and_then_kept(demo):
    out = StringIO()
    call_command("demo_practice", stdout=out)
    Conference.objects.filter(slug="prova").update(capacity=7)

    call_command("demo_practice", stdout=out)

    assert Conference.objects.get(slug="prova").capacity == 7
    assert Conference.objects.filter(slug="prova").count() == 1
    assert "http://127.0.0.1:8000/prova/register/" in out.getvalue()


def test_practice_without_the_demo_says_what_to_run():
    with pytest.raises(CommandError, match="demo_setup"):
        call_command("demo_practice", stdout=StringIO())
