"""schedule.xml and schedule.json validate against the voc/schedule schemas in ../shared/schemas
(next to the repository in CI; a clone elsewhere skips these tests)."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache

from conference.models import Session
from conference.services import session_cancel
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    local,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "schemas"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def xml_schema():
    path = SCHEMAS / "schedule.xml.xsd"
    if not path.exists():
        pytest.skip(f"{path} is absent: the schedule schemas live next to the repository in CI")
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(path)))


@pytest.fixture(scope="module")
def json_validator():
    path = SCHEMAS / "schedule.schema.json"
    if not path.exists():
        pytest.skip(f"{path} is absent: the schedule schemas live next to the repository in CI")
    import jsonschema

    return jsonschema.Draft6Validator(
        json.loads(path.read_text()), format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )


def assert_valid_xml(schema, content: bytes):
    from lxml import etree

    document = etree.fromstring(content)
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)
    return document


def assert_valid_json(validator, content: bytes):
    document = json.loads(content)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []
    return document


def build_lk2017():
    """Like the 2017 demo: lunch to lunch over two days, parallel seminars and workshops."""
    conference = ConferenceFactory(
        slug="larkonferens-2017",
        name="Lärkonferens 2017",
        name_en="Learning conference 2017",
        start=local(2027, 3, 16, 12, 0),
        end=local(2027, 3, 17, 13, 30),
    )
    aula, room_a, room_b = (
        RoomFactory(conference=conference, name=name, position=i)
        for i, name in enumerate(["Aulan", "Sal A", "Sal B"])
    )
    track = TrackFactory(conference=conference, name="Samverkan", colour="#2b6cb0")
    ceo = SpeakerFactory(conference=conference, name="Anna Exempel", bio="Vd.")
    developer = SpeakerFactory(conference=conference, name="Bo Exempel")
    SessionFactory(
        conference=conference,
        title="Lunch",
        kind=Session.Kind.MEAL,
        start=local(2027, 3, 16, 12, 0),
        end=local(2027, 3, 16, 13, 0),
    )
    opening = SessionFactory(
        conference=conference,
        title="Välkomna",
        title_en="Welcome",
        kind=Session.Kind.PLENARY,
        room=aula,
        start=local(2027, 3, 16, 13, 0),
        end=local(2027, 3, 16, 14, 0),
    )
    opening.speakers.add(ceo)
    seminar = SessionFactory(
        conference=conference,
        title="Partnerskap över sektorsgränser",
        room=room_a,
        track=track,
        abstract="Hur kommuner, företag och idéburna samverkar.",
        start=local(2027, 3, 16, 14, 30),
        end=local(2027, 3, 16, 15, 30),
    )
    seminar.speakers.add(ceo, developer)
    SessionFactory(
        conference=conference,
        title="Workshop: mät effekterna",
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        room=room_b,
        start=local(2027, 3, 16, 14, 30),
        end=local(2027, 3, 16, 16, 0),
    )
    SessionFactory(
        conference=conference,
        title="Avslutning",
        kind=Session.Kind.PLENARY,
        room=aula,
        start=local(2027, 3, 17, 12, 0),
        end=local(2027, 3, 17, 13, 30),
    )
    return conference


def build_lk2018():
    """Like the 2018 demo: one day in the town hall, talks and a workshop."""
    conference = ConferenceFactory(
        slug="lk18",
        name="Lärkonferens 2018",
        venue_name="Kristianstads rådhus",
        venue_address="Stora torg, Kristianstad",
        city="Kristianstad",
        start=local(2028, 3, 9, 9, 0),
        end=local(2028, 3, 9, 16, 0),
    )
    hall = RoomFactory(conference=conference, name="Rådhussalen")
    talk = SessionFactory(
        conference=conference,
        title="Nationell strategi för sociala företag",
        kind=Session.Kind.KEYNOTE,
        room=hall,
        start=local(2028, 3, 9, 9, 30),
        end=local(2028, 3, 9, 10, 15),
    )
    talk.speakers.add(SpeakerFactory(conference=conference, name="Talare Tillväxtverket"))
    for hour in (11, 13, 14):
        SessionFactory(
            conference=conference,
            room=hall,
            start=local(2028, 3, 9, hour, 0),
            end=local(2028, 3, 9, hour, 45),
        )
    return conference


def build_swedish():
    conference = ConferenceFactory(slug="aao-test", name="Årsmöte för Ängelholm och Öresund")
    room = RoomFactory(conference=conference, name="Sälen på översta våningen")
    track = TrackFactory(conference=conference, name="Ägarskap & Återbruk")
    session = SessionFactory(
        conference=conference,
        title="Öppning: Åsa och Ängelholms väg framåt <&>",
        room=room,
        track=track,
        abstract="Räksmörgås – ÅÄÖ åäö.",
    )
    session.speakers.add(SpeakerFactory(conference=conference, name="Örjan Ålander"))
    return conference


BUILDERS = {"lk2017": build_lk2017, "lk2018": build_lk2018, "swedish": build_swedish}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_schedule_xml_validates_against_the_xsd(client, xml_schema, name):
    conference = BUILDERS[name]()

    response = client.get(f"/{conference.slug}/schedule.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    document = assert_valid_xml(xml_schema, response.content)
    titles = sorted(e.findtext("title") for e in document.iter("event"))
    assert titles == sorted(s.title for s in conference.sessions.all())


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_schedule_json_validates_against_the_json_schema(client, json_validator, name):
    conference = BUILDERS[name]()

    response = client.get(f"/{conference.slug}/schedule.json")

    assert response.status_code == 200
    document = assert_valid_json(json_validator, response.content)
    events = [
        event
        for day in document["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for event in room
    ]
    assert sorted(e["title"] for e in events) == sorted(s.title for s in conference.sessions.all())
    assert sorted(e["guid"] for e in events) == sorted(
        str(s.uid) for s in conference.sessions.all()
    )


def test_schedule_json_keeps_swedish_characters(client, json_validator):
    conference = build_swedish()

    response = client.get(f"/{conference.slug}/schedule.json")
    document = assert_valid_json(json_validator, response.content)

    day = document["schedule"]["conference"]["days"][0]
    (event,) = day["rooms"]["Sälen på översta våningen"]
    assert event["title"] == "Öppning: Åsa och Ängelholms väg framåt <&>"
    assert event["track"] == "Ägarskap & Återbruk"
    assert event["persons"] == [
        {"name": "Örjan Ålander", "guid": event["persons"][0]["guid"], "biography": None}
    ]
    assert event["duration"] == "00:45"


def test_schedule_xml_day_and_event_times_are_local_with_offset(client, xml_schema):
    conference = build_lk2017()

    document = assert_valid_xml(xml_schema, client.get(f"/{conference.slug}/schedule.xml").content)

    days = document.findall("day")
    assert [d.get("date") for d in days] == ["2027-03-16", "2027-03-17"]
    assert days[0].get("start") == "2027-03-16T12:00:00+01:00"
    assert days[1].get("end") == "2027-03-17T13:30:00+01:00"
    title = "Partnerskap över sektorsgränser"
    seminar = next(e for e in document.iter("event") if e.findtext("title") == title)
    assert seminar.findtext("date") == "2027-03-16T14:30:00+01:00"
    assert seminar.findtext("start") == "14:30"
    assert seminar.findtext("duration") == "01:00"
    assert seminar.findtext("room") == "Sal A"
    assert [p.text for p in seminar.iter("person")] == ["Anna Exempel", "Bo Exempel"]


def test_schedule_leaves_out_cancelled_sessions(client, xml_schema, json_validator):
    conference = build_lk2018()
    cancelled = conference.sessions.order_by("start").last()
    session_cancel(session=cancelled)

    xml = assert_valid_xml(xml_schema, client.get(f"/{conference.slug}/schedule.xml").content)
    data = assert_valid_json(
        json_validator, client.get(f"/{conference.slug}/schedule.json").content
    )

    assert str(cancelled.uid) not in [e.get("guid") for e in xml.iter("event")]
    guids = [
        e["guid"]
        for d in data["schedule"]["conference"]["days"]
        for r in d["rooms"].values()
        for e in r
    ]
    assert len(guids) == 3
    assert str(cancelled.uid) not in guids


def test_schedule_of_an_empty_programme_is_valid(client, xml_schema, json_validator):
    conference = ConferenceFactory(
        start=local(2027, 3, 16, 12, 0), end=local(2027, 3, 16, 12, 0) + timedelta(days=2)
    )

    xml = assert_valid_xml(xml_schema, client.get(f"/{conference.slug}/schedule.xml").content)
    data = assert_valid_json(
        json_validator, client.get(f"/{conference.slug}/schedule.json").content
    )

    assert len(xml.findall("day")) == 3
    assert data["schedule"]["conference"]["daysCount"] == 3
