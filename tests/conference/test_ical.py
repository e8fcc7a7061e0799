from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.core.cache import cache
from django.utils import timezone

from conference.models import Session
from conference.services import session_cancel, session_save
from registration.models import Signup
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SignupFactory,
    SpeakerFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def events_of(response) -> dict:
    """{uid: VEVENT} of an .ics response."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def utc(event, name):
    value = event.decoded(name)
    assert value.tzinfo is not None
    assert value.utcoffset() == timedelta(0)
    return value


def test_programme_ics_has_every_session_with_stable_uid_and_utc_times(client, conference):
    room = RoomFactory(conference=conference, name="Aulan")
    speaker = SpeakerFactory(conference=conference, name="Anna Svensson", organisation="Coompanion")
    first = SessionFactory(
        conference=conference,
        title="Välkomna",
        room=room,
        start=local(2027, 3, 16, 12, 0),
        end=local(2027, 3, 16, 13, 0),
    )
    first.speakers.add(speaker)
    second = SessionFactory(
        conference=conference,
        title="Lunch",
        kind=Session.Kind.MEAL,
        start=local(2027, 3, 17, 12, 0),
        end=local(2027, 3, 17, 13, 0),
    )

    events = events_of(client.get("/malmo/programme.ics"))

    assert sorted(events) == sorted([f"{first.uid}@samla", f"{second.uid}@samla"])
    welcome = events[f"{first.uid}@samla"]
    assert utc(welcome, "DTSTART") == datetime(2027, 3, 16, 11, 0, tzinfo=UTC)
    assert utc(welcome, "DTEND") == datetime(2027, 3, 16, 12, 0, tzinfo=UTC)
    assert str(welcome["SUMMARY"]) == "Välkomna"
    assert str(welcome["STATUS"]) == "CONFIRMED"
    assert welcome["SEQUENCE"] == 0
    assert str(welcome["LOCATION"]) == "Aulan, Malmö universitet, Nordenskiöldsgatan 10, Malmö"
    assert str(welcome["URL"]) == f"http://127.0.0.1:8000/malmo/sessions/{first.code}/"
    assert "Anna Svensson (Coompanion)" in str(welcome["DESCRIPTION"])
    assert "DTSTAMP" in welcome
    assert "LAST-MODIFIED" in welcome
    assert str(events[f"{second.uid}@samla"]["TRANSP"]) == "TRANSPARENT"


def test_programme_ics_names_the_calendar_and_asks_for_refreshes(client, conference):
    response = client.get("/malmo/programme.ics")

    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Lärkonferens"
    assert str(calendar["X-PUBLISHED-TTL"].to_ical().decode()) == "PT1H"
    assert calendar["REFRESH-INTERVAL"].to_ical().decode() == "PT1H"
    assert str(calendar["VERSION"]) == "2.0"


def test_programme_ics_after_an_edit_keeps_uid_and_moves_sequence(client, conference):
    session = SessionFactory(conference=conference, title="Seminarium")
    uid = f"{session.uid}@samla"
    before = events_of(client.get("/malmo/programme.ics"))[uid]

    session.start += timedelta(hours=2)
    session.end += timedelta(hours=2)
    session_save(session=session)
    after = events_of(client.get("/malmo/programme.ics"))[uid]

    assert before["SEQUENCE"] == 0
    assert after["SEQUENCE"] == 1
    assert utc(after, "DTSTART") == utc(before, "DTSTART") + timedelta(hours=2)
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_programme_ics_keeps_a_cancelled_session_as_cancelled(client, conference):
    session = SessionFactory(conference=conference, title="Workshop")

    session_cancel(session=session)
    event = events_of(client.get("/malmo/programme.ics"))[f"{session.uid}@samla"]

    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Inställt: Workshop"
    assert event["SEQUENCE"] == 1


def test_programme_ics_across_the_switch_to_summer_time_has_right_utc(client):
    ConferenceFactory(slug="dst", start=local(2027, 3, 27, 9, 0), end=local(2027, 3, 29, 17, 0))
    conference = ConferenceFactory._meta.model.objects.get(slug="dst")
    winter = SessionFactory(
        conference=conference, start=local(2027, 3, 27, 10, 0), end=local(2027, 3, 27, 11, 0)
    )
    summer = SessionFactory(
        conference=conference, start=local(2027, 3, 28, 10, 0), end=local(2027, 3, 28, 11, 0)
    )
    night = SessionFactory(
        conference=conference, start=local(2027, 3, 28, 1, 30), end=local(2027, 3, 28, 3, 30)
    )

    events = events_of(client.get("/dst/programme.ics"))

    assert utc(events[f"{winter.uid}@samla"], "DTSTART") == datetime(2027, 3, 27, 9, 0, tzinfo=UTC)
    assert utc(events[f"{summer.uid}@samla"], "DTSTART") == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)
    # 01:30 CET to 03:30 CEST is one hour of real time: the clock jumps at 02:00.
    assert utc(events[f"{night.uid}@samla"], "DTSTART") == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert utc(events[f"{night.uid}@samla"], "DTEND") == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_programme_ics_answers_304_while_the_programme_is_unchanged(client, conference):
    session = SessionFactory(conference=conference)
    first = client.get("/malmo/programme.ics")

    unchanged = client.get("/malmo/programme.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get("/malmo/programme.ics", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    session.title = "Nytt namn"
    session_save(session=session)
    changed = client.get("/malmo/programme.ics", HTTP_IF_NONE_MATCH=first["ETag"])

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == first["ETag"]
    assert since.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_programme_ics_304_runs_one_query(client, conference, django_assert_num_queries):
    SessionFactory(conference=conference)
    etag = client.get("/malmo/programme.ics")["ETag"]

    with django_assert_num_queries(1):
        response = client.get("/malmo/programme.ics", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_programme_ics_in_english_by_prefix_or_parameter(client, conference):
    session = SessionFactory(conference=conference, title="Välkomna", title_en="Welcome")
    uid = f"{session.uid}@samla"

    by_prefix = events_of(client.get("/en/malmo/programme.ics"))[uid]
    by_parameter = events_of(client.get("/malmo/programme.ics?lang=en"))[uid]
    swedish = events_of(client.get("/en/malmo/programme.ics?lang=sv"))[uid]

    assert str(by_prefix["SUMMARY"]) == "Welcome"
    assert str(by_prefix["URL"]) == f"http://127.0.0.1:8000/en/malmo/sessions/{session.code}/"
    assert "Speakers" not in str(by_prefix["DESCRIPTION"])
    assert str(by_parameter["SUMMARY"]) == "Welcome"
    assert str(swedish["SUMMARY"]) == "Välkomna"


def test_programme_ics_with_unknown_language_is_refused(client, conference):
    response = client.get("/malmo/programme.ics?lang=de")

    assert response.status_code == 400
    assert "sv" in response.content.decode()


def test_programme_ics_of_unpublished_conference_is_not_found(client):
    ConferenceFactory(slug="hemlig", is_published=False)

    assert client.get("/hemlig/programme.ics").status_code == 404


def test_session_ics_has_only_that_session(client, conference):
    wanted = SessionFactory(conference=conference, title="Den här")
    SessionFactory(conference=conference, title="Inte den här")

    events = events_of(client.get(f"/malmo/sessions/{wanted.code}.ics"))

    assert list(events) == [f"{wanted.uid}@samla"]
    assert client.get("/malmo/sessions/NOSUCH00.ics").status_code == 404


def test_track_ics_has_only_the_tracks_sessions(client, conference):
    track = TrackFactory(conference=conference, name="Samverkan")
    other = TrackFactory(conference=conference, name="Finansiering")
    mine = SessionFactory(conference=conference, track=track)
    SessionFactory(conference=conference, track=other)
    SessionFactory(conference=conference, track=None)

    response = client.get(f"/malmo/tracks/{track.pk}.ics")

    assert list(events_of(response)) == [f"{mine.uid}@samla"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Lärkonferens: Samverkan"
    foreign = TrackFactory(name="Annan konferens")
    assert client.get(f"/malmo/tracks/{foreign.pk}.ics").status_code == 404


def workshop(conference, title, hour):
    return SessionFactory(
        conference=conference,
        title=title,
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        capacity=10,
        start=local(2027, 3, 16, hour, 0),
        end=local(2027, 3, 16, hour + 1, 0),
    )


def test_agenda_feed_after_a_workshop_swap_follows_the_signups(client, conference):
    plenary = SessionFactory(
        conference=conference, title="Plenum", kind=Session.Kind.PLENARY, requires_signup=False
    )
    lunch = SessionFactory(conference=conference, title="Lunch", kind=Session.Kind.MEAL)
    first = workshop(conference, "Workshop A", 14)
    second = workshop(conference, "Workshop B", 15)
    registration = RegistrationFactory(conference=conference)
    signup = SignupFactory(registration=registration, session=first)
    url = f"/agenda/{registration.calendar_token}.ics"
    before = client.get(url)

    signup.status = Signup.Status.CANCELLED
    signup.save(update_fields=["status", "updated_at"])
    SignupFactory(registration=registration, session=second)
    after = client.get(url)
    revalidated = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    expected_before = {f"{s.uid}@samla" for s in (plenary, lunch, first)}
    expected_after = {f"{s.uid}@samla" for s in (plenary, lunch, second)}
    assert set(events_of(before)) == expected_before
    assert set(events_of(after)) == expected_after
    assert revalidated.status_code == 200
    assert after["Cache-Control"] == "private, max-age=0, must-revalidate"


def test_agenda_feed_leaves_out_waiting_and_other_peoples_workshops(client, conference):
    waiting = workshop(conference, "Full workshop", 14)
    others = workshop(conference, "Någon annans", 15)
    registration = RegistrationFactory(conference=conference)
    SignupFactory(
        registration=registration,
        session=waiting,
        status=Signup.Status.WAITING,
        waiting_since=timezone.now(),
    )
    SignupFactory(session=others, registration=RegistrationFactory(conference=conference))

    events = events_of(client.get(f"/agenda/{registration.calendar_token}.ics"))

    assert events == {}


def test_agenda_feed_answers_304_until_signups_change(client, conference):
    session = workshop(conference, "Workshop A", 14)
    registration = RegistrationFactory(conference=conference)
    url = f"/agenda/{registration.calendar_token}.ics"
    etag = client.get(url)["ETag"]

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    SignupFactory(registration=registration, session=session)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304
    assert changed.status_code == 200


def test_agenda_feed_is_in_the_registrations_language(client, conference):
    SessionFactory(conference=conference, title="Välkomna", title_en="Welcome")
    registration = RegistrationFactory(conference=conference, language="en")

    response = client.get(f"/agenda/{registration.calendar_token}.ics")

    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Welcome"]
    assert str(calendar["X-WR-CALNAME"]) == "Learning conference: my agenda"


def test_agenda_feed_with_unknown_token_is_not_found(client, conference):
    assert client.get("/agenda/not-a-token.ics").status_code == 404
