from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conference.models import Session
from registration.models import EmailLog, Registration, Signup
from tests.factories import (
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SignupFactory,
    SpeakerFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db


def url(name, conference, *args):
    return reverse(f"organiser:{name}", args=[conference.slug, *args])


@pytest.fixture
def aula(conference):
    return RoomFactory(conference=conference, name="Aulan", position=0)


@pytest.fixture
def opening(conference, aula):
    return SessionFactory(
        conference=conference,
        title="Öppning",
        room=aula,
        start=local(2027, 3, 16, 13),
        end=local(2027, 3, 16, 14),
    )


def form_data(**overrides):
    data = {
        "title": "Samverkan över sektorsgränser",
        "title_en": "Working across sectors",
        "kind": "seminar",
        "language": "sv",
        "start": "2027-03-16T15:00",
        "duration": "45",
        "room": "",
        "track": "",
        "capacity": "",
        "abstract": "",
        "abstract_en": "",
        "description": "",
        "description_en": "",
        "new_room_name": "",
        "new_speakers": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def editor_queries(client, conference):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("programme", conference))
    assert response.status_code == 200
    return len(queries)


def build(conference, count):
    rooms = [RoomFactory(conference=conference, name=f"Sal {i}", position=i) for i in range(5)]
    track = TrackFactory(conference=conference)
    for i in range(count):
        start = conference.start + timedelta(minutes=30 * (i // 5))
        session = SessionFactory(
            conference=conference,
            room=rooms[i % 5],
            track=track,
            start=start,
            end=start + timedelta(minutes=30),
        )
        session.speakers.add(SpeakerFactory(conference=conference))


def test_editor_runs_the_same_queries_at_3_and_50_sessions(organiser_client, conference):
    build(conference, 3)
    small = editor_queries(organiser_client, conference)
    Session.objects.all().delete()
    conference.rooms.all().delete()
    build(conference, 50)

    large = editor_queries(organiser_client, conference)

    assert large == small


def test_editor_shows_sessions_and_empty_slots_that_add_there(
    organiser_client, conference, opening
):
    response = organiser_client.get(url("programme", conference))

    html = response.content.decode()
    assert f'id="session-{opening.pk}"' in html
    add = url("programme-add", conference) + f"?start=2027-03-16T14:00&amp;room={opening.room_id}"
    assert add in html


def test_add_form_fills_start_and_room_from_the_slot(organiser_client, conference, aula):
    response = organiser_client.get(
        url("programme-add", conference), {"start": "2027-03-16T14:30", "room": aula.pk}
    )

    form = response.context["form"]
    assert form["start"].value().strftime("%H:%M") == "14:30"
    assert form["room"].value() == aula.pk
    assert list(form.fields["room"].queryset) == [aula]


def test_add_form_offers_only_this_conferences_rooms_and_speakers(
    organiser_client, conference, aula
):
    RoomFactory(name="Aulan")
    SpeakerFactory(name="Fadi Barakat")
    own = SpeakerFactory(conference=conference, name="Fadi Barakat")

    response = organiser_client.get(url("programme-add", conference) + "?partial=1")

    form = response.context["form"]
    assert list(form.fields["room"].queryset) == [aula]
    assert list(form.fields["speakers"].queryset) == [own]
    assert b"<html" not in response.content


def test_add_without_javascript_saves_and_returns_to_the_editor(organiser_client, conference, aula):
    response = organiser_client.post(url("programme-add", conference), form_data(room=aula.pk))

    session = conference.sessions.get()
    assert response.status_code == 302
    assert response["Location"] == url("programme", conference) + f"#session-{session.pk}"
    assert (session.start, session.end, session.room) == (
        local(2027, 3, 16, 15),
        local(2027, 3, 16, 15, 45),
        aula,
    )


def test_add_with_a_new_room_and_new_speaker_creates_them(organiser_client, conference):
    organiser_client.post(
        url("programme-add", conference),
        form_data(new_room_name="Sal B", new_speakers="Bo Prov (Region Skåne)\n"),
    )

    session = conference.sessions.get()
    assert session.room.name == "Sal B"
    assert list(session.speakers.values_list("name", "organisation")) == [
        ("Bo Prov", "Region Skåne")
    ]


def test_add_with_a_room_clash_shows_the_error_and_saves_nothing(
    organiser_client, conference, aula, opening
):
    response = organiser_client.post(
        url("programme-add", conference),
        form_data(room=aula.pk, start="2027-03-16T13:30", new_speakers="Bo Prov"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["room"][0].startswith("Aulan är redan bokad")
    assert list(conference.sessions.all()) == [opening]
    assert conference.speakers.count() == 0


def test_check_action_without_javascript_saves_nothing(organiser_client, conference):
    response = organiser_client.post(url("programme-add", conference), form_data(action="check"))

    assert response.status_code == 200
    assert response.context["form"].errors == {}
    assert conference.sessions.count() == 0


def test_check_endpoint_returns_the_clashes_and_saves_nothing(
    organiser_client, conference, aula, opening
):
    speaker = SpeakerFactory(conference=conference, name="Anna Exempel")
    opening.speakers.add(speaker)

    response = organiser_client.post(
        url("programme-check", conference),
        form_data(room=aula.pk, start="2027-03-16T13:30", speakers=[speaker.pk]),
    )

    body = response.json()
    assert response.status_code == 200
    assert body["ok"] is False
    assert [(p["field"], p["code"]) for p in body["problems"]] == [
        ("room", "room_busy"),
        ("speakers", "speaker_busy"),
    ]
    assert conference.sessions.count() == 1


def test_check_endpoint_says_ok_for_a_free_slot(organiser_client, conference, aula):
    response = organiser_client.post(url("programme-check", conference), form_data(room=aula.pk))

    assert response.json() == {
        "ok": True,
        "problems": [],
        "message": "Inga krockar: programpunkten kan sparas.",
        "confirm": None,
    }


def test_check_endpoint_checks_a_move(organiser_client, conference, aula, opening):
    other = SessionFactory(
        conference=conference, start=local(2027, 3, 16, 15), end=local(2027, 3, 16, 16)
    )

    response = organiser_client.post(
        url("programme-check", conference),
        {"move": other.pk, "start": "2027-03-16T13:15", "room": aula.pk},
    )

    assert [p["code"] for p in response.json()["problems"]] == ["room_busy"]
    other.refresh_from_db()
    assert other.room_id is None


def test_check_endpoint_refuses_a_bad_id_with_a_code(organiser_client, conference):
    response = organiser_client.post(
        url("programme-check", conference), {"move": "9" * 30, "start": "x"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_id"


def test_edit_without_javascript_saves(organiser_client, conference, opening):
    response = organiser_client.post(
        url("programme-edit", conference, opening.pk),
        form_data(
            title="Öppning av konferensen",
            start="2027-03-16T13:00",
            duration="60",
            room=opening.room_id,
        ),
    )

    opening.refresh_from_db()
    assert response.status_code == 302
    assert (opening.title, opening.end) == ("Öppning av konferensen", local(2027, 3, 16, 14))


def test_move_without_javascript_moves_keeping_the_length(organiser_client, conference, opening):
    other_room = RoomFactory(conference=conference, name="Sal B")

    response = organiser_client.post(
        url("programme-move", conference, opening.pk),
        {"start": "2027-03-17T09:00", "room": other_room.pk},
    )

    opening.refresh_from_db()
    assert response.status_code == 302
    assert (opening.start, opening.end, opening.room) == (
        local(2027, 3, 17, 9),
        local(2027, 3, 17, 10),
        other_room,
    )


def test_move_onto_a_booked_room_is_refused_and_changes_nothing(
    organiser_client, conference, aula, opening
):
    other = SessionFactory(
        conference=conference, start=local(2027, 3, 16, 15), end=local(2027, 3, 16, 16)
    )

    response = organiser_client.post(
        url("programme-move", conference, other.pk), {"start": "2027-03-16T13:30", "room": aula.pk}
    )

    other.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["room"][0].startswith("Aulan är redan bokad")
    assert (other.start, other.room_id) == (local(2027, 3, 16, 15), None)


def test_moving_a_published_workshop_asks_first_then_tells_its_attendees(
    organiser_client, conference, django_capture_on_commit_callbacks
):
    signup = SignupFactory(registration__conference=conference)
    workshop = signup.session
    RegistrationFactory(conference=conference)
    before = workshop.start

    asked = organiser_client.post(
        url("programme-move", conference, workshop.pk), {"start": "2027-03-17T09:00", "room": ""}
    )
    workshop.refresh_from_db()
    assert asked.status_code == 200
    assert asked.context["audience"].holders == 1
    assert workshop.start == before

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = organiser_client.post(
            url("programme-move", conference, workshop.pk),
            {"start": "2027-03-17T09:00", "room": "", "confirmed": "1"},
        )

    workshop.refresh_from_db()
    assert confirmed.status_code == 302
    assert workshop.start == local(2027, 3, 17, 9)
    assert list(
        EmailLog.objects.filter(kind=EmailLog.Kind.PROGRAMME_CHANGE).values_list("to", flat=True)
    ) == [signup.registration.email]


def test_cancel_asks_for_confirmation_first(organiser_client, conference, opening):
    response = organiser_client.get(url("programme-cancel", conference, opening.pk))

    opening.refresh_from_db()
    assert response.status_code == 200
    assert opening.status == Session.Status.SCHEDULED


def test_cancelling_a_seminar_can_tell_everyone_registered_once(
    organiser_client, conference, opening, django_capture_on_commit_callbacks
):
    people = [RegistrationFactory(conference=conference) for _ in range(2)]
    RegistrationFactory(conference=conference, status=Registration.Status.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            url("programme-cancel", conference, opening.pk), {"tell_everyone": "1"}
        )

    opening.refresh_from_db()
    assert response.status_code == 302
    assert opening.status == Session.Status.CANCELLED
    logs = EmailLog.objects.filter(kind=EmailLog.Kind.PROGRAMME_CHANGE).order_by("to")
    assert list(logs.values_list("to", flat=True)) == sorted(p.email for p in people)
    assert logs[0].payload["subject"] == "Inställt: ”Öppning” på Lärkonferens"


def test_cancelling_a_seminar_without_the_option_tells_nobody(
    organiser_client, conference, opening, django_capture_on_commit_callbacks
):
    RegistrationFactory(conference=conference)

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url("programme-cancel", conference, opening.pk), {})

    opening.refresh_from_db()
    assert opening.status == Session.Status.CANCELLED
    assert EmailLog.objects.filter(kind=EmailLog.Kind.PROGRAMME_CHANGE).count() == 0


def test_cancelling_a_workshop_with_tell_everyone_mails_each_person_once(
    organiser_client, conference, django_capture_on_commit_callbacks
):
    signup = SignupFactory(registration__conference=conference, status=Signup.Status.CONFIRMED)
    RegistrationFactory(conference=conference)

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            url("programme-cancel", conference, signup.session.pk), {"tell_everyone": "1"}
        )

    assert list(
        EmailLog.objects.filter(kind=EmailLog.Kind.PROGRAMME_CHANGE).values_list("to", flat=True)
    ) == [signup.registration.email]


def test_editor_in_english_has_english_labels(organiser_client, conference, opening):
    response = organiser_client.get("/en" + url("programme", conference))

    assert response.status_code == 200
    assert b"Move to" in response.content


def test_reinstate_schedules_a_cancelled_session_again(organiser_client, conference, opening):
    opening.status = Session.Status.CANCELLED
    opening.save()

    response = organiser_client.post(url("programme-reinstate", conference, opening.pk))

    opening.refresh_from_db()
    assert response.status_code == 302
    assert opening.status == Session.Status.SCHEDULED


def test_reinstate_into_a_room_taken_meanwhile_is_refused(
    organiser_client, conference, aula, opening
):
    opening.status = Session.Status.CANCELLED
    opening.save()
    SessionFactory(
        conference=conference, room=aula, start=local(2027, 3, 16, 13), end=local(2027, 3, 16, 14)
    )

    response = organiser_client.post(url("programme-reinstate", conference, opening.pk))

    opening.refresh_from_db()
    assert response.status_code == 400
    assert opening.status == Session.Status.CANCELLED


def test_editing_the_time_of_a_published_workshop_asks_first(organiser_client, conference):
    signup = SignupFactory(registration__conference=conference)
    workshop = signup.session
    data = form_data(title=workshop.title, kind="workshop", start="2027-03-17T09:00", duration="45")

    asked = organiser_client.post(url("programme-edit", conference, workshop.pk), data)

    workshop.refresh_from_db()
    assert asked.status_code == 200
    assert asked.templates[0].name == "organiser/programme_confirm.html"
    assert workshop.start == local(2027, 3, 16, 13)


def test_check_endpoint_does_not_clash_a_session_with_itself(
    organiser_client, conference, aula, opening
):
    response = organiser_client.post(
        url("programme-check", conference),
        form_data(session=opening.pk, room=aula.pk, start="2027-03-16T13:15", duration="45"),
    )

    assert response.json()["ok"] is True


def test_cancel_e_mails_wait_for_the_commit(
    organiser_client, conference, opening, django_capture_on_commit_callbacks
):
    RegistrationFactory(conference=conference)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        organiser_client.post(
            url("programme-cancel", conference, opening.pk), {"tell_everyone": "1"}
        )

    assert EmailLog.objects.count() == 0
    assert len(callbacks) >= 1


def test_editor_without_rooms_offers_slots_without_a_room(organiser_client, conference):
    response = organiser_client.get(url("programme", conference))

    html = response.content.decode()
    first = response.context["days"][0].rows[0].cells[0]
    assert (first.room, first.sessions) == (None, [])
    add = url("programme-add", conference) + f"?start={first.start_input}"
    assert f'href="{add}"' in html
    assert "ange en ny lokal när du lägger till en programpunkt" in html
