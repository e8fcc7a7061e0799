"""Seats that appear without a cancel (an organiser raises a cap, a session gets a bigger room)
go to the waiting lists at once, in order, as a freed seat does."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission

from conference.models import Conference
from conference.services import room_seats_changed, seats_changed_announce, session_save
from registration.models import AuditEntry, EmailLog, Registration
from tests.factories import RoomFactory, UserFactory

from .conftest import register, workshop

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


def statuses(conference):
    return dict(Registration.objects.filter(conference=conference).values_list("email", "status"))


def place_statuses(session):
    return dict(session.signups.values_list("registration__email", "status"))


@pytest.fixture
def full(conference):
    """Three seats taken, two people waiting (w1 first)."""
    for i in range(3):
        register(conference, email=f"s{i}@example.org")
    register(conference, email="w1@example.org")
    register(conference, email="w2@example.org")
    return conference


def test_raising_capacity_seats_the_first_waiting(full):
    Conference.objects.filter(pk=full.pk).update(capacity=4)

    seats_changed_announce(conference=full)

    assert statuses(full)["w1@example.org"] == "confirmed"
    assert statuses(full)["w2@example.org"] == "waiting"
    promoted = Registration.objects.get(email="w1@example.org")
    assert list(EmailLog.objects.filter(registration=promoted).values_list("kind", flat=True)) == [
        "promoted",
        "waiting",
    ]
    assert AuditEntry.objects.filter(registration=promoted, actor_label="system").count() == 1


def test_removing_the_cap_seats_everyone_waiting(full):
    Conference.objects.filter(pk=full.pk).update(capacity=None)

    seats_changed_announce(conference=full)

    assert set(statuses(full).values()) == {"confirmed"}


def test_lowering_capacity_takes_no_seat_away(full):
    Conference.objects.filter(pk=full.pk).update(capacity=1)

    seats_changed_announce(conference=full)

    assert sorted(statuses(full).values()) == ["confirmed"] * 3 + ["waiting"] * 2


def test_offer_mode_offers_the_new_seat(full):
    Conference.objects.filter(pk=full.pk).update(capacity=4, waitlist_mode="offer")

    seats_changed_announce(conference=full)

    promoted = Registration.objects.get(email="w1@example.org")
    assert (promoted.status, promoted.offer_expires_at is not None) == ("offered", True)


def test_raising_a_workshop_cap_seats_its_queue_in_order(conference):
    ws = workshop(conference, capacity=1)
    for i in range(3):
        register(conference, email=f"p{i}@example.org", session_ids=[ws.pk])

    ws.capacity = 2
    session_save(session=ws)

    assert place_statuses(ws) == {
        "p0@example.org": "confirmed",
        "p1@example.org": "confirmed",
        "p2@example.org": "waiting",
    }


def test_a_bigger_room_seats_the_queue_of_sessions_without_their_own_cap(conference):
    room = RoomFactory(conference=conference, capacity=1)
    ws = workshop(conference, capacity=None, room=room)
    for i in range(2):
        register(conference, email=f"p{i}@example.org", session_ids=[ws.pk])

    room.capacity = 2
    room.save()
    room_seats_changed(room=room)

    assert set(place_statuses(ws).values()) == {"confirmed"}


class _Form(HTMLParser):
    """What a browser would submit from the admin's change form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("checkbox", "radio"):
                self.data.append((a["name"], a.get("value") or ""))
            elif "checked" in a:
                self.data.append((a["name"], a.get("value") or "on"))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.data.append((self._textarea, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, value = self.data.pop()
            self.data.append((name, value + data))


def admin_form(client, conference, url):
    """Log in as an organiser of `conference`; the form at `url` as the browser would send it."""
    organiser = UserFactory(username="anna", is_staff=True)
    organiser.user_permissions.set(Permission.objects.filter(content_type__app_label="conference"))
    conference.organisers.add(organiser)
    client.force_login(organiser)
    page = _Form()
    page.feed(client.get(url).content.decode())
    data = {}
    for name, value in page.data:
        data.setdefault(name, []).append(value)
    return data


def test_organiser_raising_capacity_in_the_admin_seats_the_first_waiting(client, full):
    url = f"/admin/conference/conference/{full.pk}/change/"
    data = admin_form(client, full, url)
    data["capacity"] = ["4"]

    response = client.post(url, data)

    assert response.status_code == 302
    assert statuses(full)["w1@example.org"] == "confirmed"
    assert statuses(full)["w2@example.org"] == "waiting"


@pytest.fixture
def small_room(conference):
    """A one-seat room whose workshop has no cap of its own: p0 has the seat, p1 waits."""
    room = RoomFactory(conference=conference, capacity=1)
    ws = workshop(conference, capacity=None, room=room)
    for i in range(2):
        register(conference, email=f"p{i}@example.org", session_ids=[ws.pk])
    return room, ws


def test_organiser_enlarging_a_room_on_the_conference_page_seats_its_queue(
    client, conference, small_room
):
    room, ws = small_room
    url = f"/admin/conference/conference/{conference.pk}/change/"
    data = admin_form(client, conference, url)
    assert data["rooms-0-id"] == [str(room.pk)]
    data["rooms-0-capacity"] = ["2"]

    response = client.post(url, data)

    assert response.status_code == 302
    assert place_statuses(ws) == {"p0@example.org": "confirmed", "p1@example.org": "confirmed"}


def test_organiser_enlarging_a_room_on_its_own_page_seats_its_queue(client, conference, small_room):
    room, ws = small_room
    url = f"/admin/conference/room/{room.pk}/change/"
    data = admin_form(client, conference, url)
    data["capacity"] = ["2"]

    response = client.post(url, data)

    assert response.status_code == 302
    assert place_statuses(ws) == {"p0@example.org": "confirmed", "p1@example.org": "confirmed"}
