import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext as _

from conference.models import Session
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SignupFactory,
    SpeakerFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organiser(conference):
    user = UserFactory(username="arrangor")
    conference.organisers.add(user)
    return user


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_programme_csv_lists_every_session_for_an_organiser(client, conference, organiser):
    room = RoomFactory(conference=conference, name="Aulan")
    session = SessionFactory(
        conference=conference,
        title="Välkomna",
        title_en="Welcome",
        room=room,
        start=local(2027, 3, 16, 12, 0),
        end=local(2027, 3, 16, 13, 0),
        capacity=80,
    )
    session.speakers.add(SpeakerFactory(conference=conference, name="Åsa", organisation="MSI"))
    client.force_login(organiser)

    response = client.get("/malmo/programme.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="malmo-programme.csv"'
    assert response["Cache-Control"] == "private, max-age=0, must-revalidate"
    header, row = read_csv(response)
    with translation.override("sv"):
        assert header[:6] == [_("Code"), _("Date"), _("Starts"), _("Ends"), _("Room"), _("Title")]
        expected_kind, expected_no = _("Seminar"), _("no")
    assert row == [
        session.code,
        "2027-03-16",
        "12:00",
        "13:00",
        "Aulan",
        "Välkomna",
        "Welcome",
        expected_kind,
        "",
        "Åsa",
        "MSI",
        "Svenska",
        "80",
        expected_no,
        "Planerat",
        "0",
    ]


def test_programme_csv_is_for_organisers_only(client, conference):
    anonymous = client.get("/malmo/programme.csv")
    client.force_login(UserFactory(username="annan", is_staff=True))
    other_staff = client.get("/malmo/programme.csv")
    client.force_login(UserFactory(username="deltagare", is_staff=False))
    not_staff = client.get("/malmo/programme.csv")

    assert anonymous.status_code == 302
    assert "/admin/login/" in anonymous["Location"]
    assert other_staff.status_code == 403
    assert not_staff.status_code == 403


def test_programme_csv_for_a_superuser(client, conference):
    client.force_login(UserFactory(username="root", is_superuser=True))

    assert client.get("/malmo/programme.csv").status_code == 200


def test_room_today_sheet_shows_that_rooms_day(client, conference, organiser):
    hall = RoomFactory(conference=conference, name="Aulan", notes="Plan 2")
    other = RoomFactory(conference=conference, name="Sal B")
    SessionFactory(
        conference=conference,
        title="Öppning",
        room=hall,
        start=local(2027, 3, 16, 12, 0),
        end=local(2027, 3, 16, 13, 0),
    )
    SessionFactory(
        conference=conference,
        title="Fika",
        kind=Session.Kind.BREAK,
        start=local(2027, 3, 16, 15, 0),
        end=local(2027, 3, 16, 15, 30),
    )
    SessionFactory(
        conference=conference,
        title="I en annan sal",
        room=other,
        start=local(2027, 3, 16, 12, 0),
        end=local(2027, 3, 16, 13, 0),
    )
    SessionFactory(
        conference=conference,
        title="Andra dagen",
        room=hall,
        start=local(2027, 3, 17, 9, 0),
        end=local(2027, 3, 17, 10, 0),
    )
    client.force_login(organiser)

    response = client.get(f"/malmo/rooms/{hall.pk}/today/?date=2027-03-16")
    next_day = client.get(f"/malmo/rooms/{hall.pk}/today/?date=2027-03-17")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Aulan</h1>" in html
    assert "tisdag 16 mars 2027" in html
    assert "12.00–13.00" in html
    assert "Öppning" in html
    assert "Fika" in html
    assert "I en annan sal" not in html
    assert "Andra dagen" not in html
    # Print styles and the print button's script are static files (the CSP forbids inline).
    assert '<link rel="stylesheet" href="/static/conference/room_today.css">' in html
    assert '<script src="/static/conference/room_today.js" defer></script>' in html
    assert "onclick" not in html
    assert "Andra dagen" in next_day.content.decode()


def test_room_today_sheet_refuses_bad_dates_and_strangers(client, conference, organiser):
    room = RoomFactory(conference=conference)
    foreign = RoomFactory(conference=ConferenceFactory())

    anonymous = client.get(f"/malmo/rooms/{room.pk}/today/")
    client.force_login(organiser)
    bad_date = client.get(f"/malmo/rooms/{room.pk}/today/?date=16/3")
    wrong_room = client.get(f"/malmo/rooms/{foreign.pk}/today/")

    assert anonymous.status_code == 302
    assert bad_date.status_code == 400
    with translation.override("sv"):
        assert bad_date.content.decode() == _("Give the date as YYYY-MM-DD.")
    assert wrong_room.status_code == 404


def build(conference, programme_of, size):
    sessions = programme_of(conference, size)
    registration = RegistrationFactory(conference=conference)
    workshop = sessions[0]
    workshop.requires_signup = True
    workshop.kind = Session.Kind.WORKSHOP
    workshop.save()
    SignupFactory(registration=registration, session=workshop)
    return sessions, registration


EXPORTS = {
    "programme.ics": lambda c, s, r: f"/{c.slug}/programme.ics",
    "session.ics": lambda c, s, r: f"/{c.slug}/sessions/{s[-1].code}.ics",
    "track.ics": lambda c, s, r: f"/{c.slug}/tracks/{s[0].track_id}.ics",
    "agenda.ics": lambda c, s, r: f"/agenda/{r.calendar_token}.ics",
    "schedule.xml": lambda c, s, r: f"/{c.slug}/schedule.xml",
    "schedule.json": lambda c, s, r: f"/{c.slug}/schedule.json",
    "programme.pdf": lambda c, s, r: f"/{c.slug}/programme.pdf",
    "programme.csv": lambda c, s, r: f"/{c.slug}/programme.csv",
    "room today": lambda c, s, r: f"/{c.slug}/rooms/{s[0].room_id}/today/",
}
QUERIES = {
    "programme.ics": 5,
    "session.ics": 3,
    "track.ics": 6,
    "agenda.ics": 6,
    "schedule.xml": 5,
    "schedule.json": 5,
    "programme.pdf": 7,  # with the funder logos
    "programme.csv": 8,
    "room today": 8,
}


@pytest.mark.parametrize("export", sorted(EXPORTS))
@pytest.mark.parametrize("size", [1, 50])
def test_export_runs_a_fixed_number_of_queries(
    client, conference, organiser, programme_of, export, size, django_assert_num_queries
):
    sessions, registration = build(conference, programme_of, size)
    url = EXPORTS[export](conference, sessions, registration)
    client.force_login(organiser)
    with CaptureQueriesContext(connection):
        client.get("/malmo/")  # loads the session and user once, like any organiser's visit

    with django_assert_num_queries(QUERIES[export]):
        response = client.get(url)

    assert response.status_code == 200
