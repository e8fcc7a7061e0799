"""Every list page of the registrations, catering, badges, check-in and messages areas runs a
fixed number of queries: the same with 3 people (and rows) as with 30."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkin.models import BadgeJob, Checkpoint
from checkin.services import badge_code_for, checkpoints_ensure, scan_submit
from registration.models import EmailLog
from registration.services import organiser_message_send
from tests.registration.conftest import register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]

PAGES = [
    "registrations/",
    "registrations/waiting/",
    "registrations/audit/",
    "registrations/emails/",
    "catering/",
    "badges/",
    "checkin/",
    "checkin/?missing={entrance}",
    "messages/",
    "messages/{send}/",
]


@pytest.fixture
def grow(conference, workshops, lunch):
    conference.capacity = 20
    conference.save(update_fields=["capacity"])
    checkpoints_ensure(conference=conference)
    entrance = Checkpoint.objects.filter(conference=conference, kind="entrance").first()
    send, _ = organiser_message_send(conference=conference, subject="Hej", body="Text", key="k")
    made = []

    def to(n):
        while len(made) < n:
            i = len(made)
            person, _ = register(
                conference,
                email=f"p{i}@example.org",
                name=f"Person {i}",
                session_ids=[workshops[i % 3].pk],
                meal_ids=[lunch.pk],
                diets=["vegan"] if i % 2 else [],
                diet_other=f"Behov {i}",
                waitlist_ok=True,
            )
            made.append(person)
            code = badge_code_for(person).code if person.status == "confirmed" else ""
            if code:
                scan_submit(checkpoint=entrance, scan_id=str(uuid.uuid4()), code=code)
                scan_submit(checkpoint=entrance, scan_id=str(uuid.uuid4()), code=code)
            EmailLog.objects.create(
                conference=conference,
                registration=person,
                kind="message",
                to=person.email,
                status="failed",
                error="bounced",
                message_send=send,
            )
            BadgeJob.objects.create(conference=conference, kind="card")
        return {"entrance": entrance.pk, "send": send.pk}

    return to


@pytest.mark.parametrize("page", PAGES)
def test_list_pages_run_the_same_queries_at_3_and_30(client, organiser, conference, grow, page):
    def count(ids):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/organiser/{conference.slug}/" + page.format(**ids))
        assert response.status_code == 200
        return len(ctx)

    ids = grow(3)
    count(ids)  # warms what every later request shares (the doors' programme version)
    small = count(ids)
    large = count(grow(30))

    assert large == small
