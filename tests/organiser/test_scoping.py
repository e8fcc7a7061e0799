"""Every page and action of the registrations, catering, badges, check-in and messages areas:
404 for an organiser of another conference and for a door volunteer, nothing changed; log-in
for anonymous visitors."""

import pytest

from checkin.models import BadgeCode, BadgeJob
from checkin.services import badge_code_for, door_staff_assign
from registration.models import AuditEntry, MessageSend, Registration
from registration.services import organiser_message_send
from tests.factories import ConferenceFactory, UserFactory
from tests.registration.conftest import register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


@pytest.fixture
def setting(conference):
    person, _ = register(conference, name="Anna")
    badge_code_for(person)
    job = BadgeJob.objects.create(conference=conference, kind="card")
    send, _ = organiser_message_send(conference=conference, subject="Hej", body="Text", key="k")
    return {"pk": person.pk, "job": job.pk, "send": send.pk}


PAGES = [
    "registrations/",
    "registrations/add/",
    "registrations/export.csv",
    "registrations/export.xlsx",
    "registrations/waiting/",
    "registrations/audit/",
    "registrations/emails/",
    "registrations/{pk}/",
    "catering/",
    "badges/",
    "badges/{job}/",
    "badges/{job}/download/",
    "checkin/",
    "messages/",
    "messages/{send}/",
]
ACTIONS = [
    ("registrations/add/", {"name": "X", "email": "x@example.org", "sector": "public"}),
    ("registrations/{pk}/", {"action": "cancel"}),
    ("registrations/{pk}/", {"action": "correct", "name": "Hacked", "sector": "public"}),
    ("registrations/{pk}/badge-code/", {"action": "revoke"}),
    ("registrations/{pk}/badge-code/", {"action": "reissue"}),
    ("badges/", {"kind": "card"}),
    ("messages/", {"action": "send", "subject": "S", "body": "B", "key": "other"}),
]


def state():
    return (
        list(Registration.objects.values_list("name", "status").order_by("id")),
        list(BadgeCode.objects.values_list("code", "revoked_at").order_by("id")),
        BadgeJob.objects.count(),
        MessageSend.objects.count(),
        AuditEntry.objects.count(),
    )


def outsiders(conference):
    stranger = UserFactory(username="stranger")
    ConferenceFactory().organisers.add(stranger)
    volunteer = UserFactory(username="volunteer", is_staff=False)
    door_staff_assign(conference=conference, user=volunteer)
    return [stranger, volunteer]


@pytest.mark.parametrize("page", PAGES)
def test_pages_404_for_other_organisers_and_door_volunteers(client, conference, setting, page):
    path = f"/en/organiser/{conference.slug}/" + page.format(**setting)
    codes = []
    for user in outsiders(conference):
        client.force_login(user)
        codes.append(client.get(path).status_code)
    client.logout()
    anonymous = client.get(path)

    assert codes == [404, 404]
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/en/organiser/login/")


@pytest.mark.parametrize(("page", "data"), ACTIONS)
def test_actions_404_for_other_organisers_and_door_volunteers_nothing_changed(
    client, conference, setting, page, data
):
    path = f"/en/organiser/{conference.slug}/" + page.format(**setting)
    before = state()
    codes = []
    for user in outsiders(conference):
        client.force_login(user)
        codes.append(client.post(path, data).status_code)

    assert codes == [404, 404]
    assert state() == before


def test_a_person_of_another_conference_is_404_in_my_workspace(client, organiser, conference):
    other = ConferenceFactory(capacity=5)
    theirs, _ = register(other, name="Bo")
    before = state()

    page = client.get(f"/en/organiser/{conference.slug}/registrations/{theirs.pk}/")
    cancel = client.post(
        f"/en/organiser/{conference.slug}/registrations/{theirs.pk}/", {"action": "cancel"}
    )

    assert (page.status_code, cancel.status_code) == (404, 404)
    assert state() == before
