import pytest
from django.urls import reverse

from conference.models import Session
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, SpeakerFactory, local

pytestmark = pytest.mark.django_db


def test_conference_list_shows_only_published(client):
    ConferenceFactory(name="Synlig", is_published=True)
    ConferenceFactory(name="Hemlig", is_published=False)

    response = client.get("/")

    assert response.status_code == 200
    assert [c.name for c in response.context["conferences"]] == ["Synlig"]


def test_programme_page_in_swedish_uses_swedish_formats(client, conference):
    room = RoomFactory(conference=conference, name="Aulan")
    SessionFactory(
        conference=conference,
        title="Välkomna",
        title_en="Welcome",
        room=room,
        start=local(2027, 3, 16, 12, 0),
        end=local(2027, 3, 16, 13, 30),
    )

    response = client.get("/malmo/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert "Välkomna" in html
    assert "16 mars 2027 kl. 12.00" in html
    assert "12.00–13.30" in html
    assert "tisdag 16 mars" in html


def test_programme_page_in_english_uses_english_texts(client, conference):
    SessionFactory(
        conference=conference,
        title="Välkomna",
        title_en="Welcome",
        start=local(2027, 3, 16, 12, 0),
        end=local(2027, 3, 16, 13, 30),
    )

    response = client.get("/en/malmo/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Welcome" in html
    assert "Välkomna" not in html
    assert "12:00–13:30" in html
    assert "Tuesday 16 March" in html
    assert 'href="/malmo/"' in html


def test_programme_page_marks_cancelled_sessions(client, conference):
    SessionFactory(conference=conference, title="Inställt", status=Session.Status.CANCELLED)

    html = client.get("/en/malmo/").content.decode()

    assert "Cancelled" in html
    assert 'class="title cancelled"' in html


def test_unpublished_conference_is_a_translated_404(client):
    ConferenceFactory(slug="utkast", is_published=False)

    swedish = client.get("/utkast/")
    english = client.get("/en/utkast/")

    assert (swedish.status_code, english.status_code) == (404, 404)
    assert "Sidan finns inte" in swedish.content.decode()
    assert "Page not found" in english.content.decode()


def test_unknown_session_is_404(client, conference):
    assert client.get("/malmo/sessions/NOPE1234/").status_code == 404


def test_session_page_shows_speakers_room_and_time(client, conference):
    room = RoomFactory(conference=conference, name="Sal B", notes="plan 2")
    session = SessionFactory(conference=conference, title="Partnerskap", room=room)
    session.speakers.add(SpeakerFactory(conference=conference, name="Anna Exempel"))

    html = client.get(session.get_absolute_url()).content.decode()

    assert "Partnerskap" in html
    assert "Anna Exempel" in html
    assert "Sal B (plan 2)" in html
    assert "13.00–13.45" in html


def test_session_of_another_conference_is_404(client, conference):
    other = SessionFactory(conference=ConferenceFactory(slug="annan"))

    response = client.get(f"/malmo/sessions/{other.code}/")

    assert response.status_code == 404


def test_speakers_page_lists_speakers_with_their_sessions(client, conference):
    session = SessionFactory(conference=conference, title="Historia")
    session.speakers.add(SpeakerFactory(conference=conference, name="Bo", organisation="MAH"))

    html = client.get(reverse("conference:speakers", args=["malmo"])).content.decode()

    assert "Bo" in html
    assert "MAH" in html
    assert "Historia" in html


@pytest.mark.parametrize("count", [1, 50])
def test_programme_page_runs_fixed_queries(
    client, conference, programme_of, count, django_assert_num_queries
):
    programme_of(conference, count)

    # conference, rooms, tracks, sessions, speakers, funder logos, registration counts
    with django_assert_num_queries(7):
        response = client.get("/malmo/")
    # The timetable is kept until the programme changes: conference, registration counts.
    with django_assert_num_queries(2):
        cached = client.get("/malmo/")

    assert response.content.decode().count('class="slot ') == count
    assert cached.content == response.content


def test_programme_page_shows_a_moved_session_at_once(client, conference):
    from conference import services

    session = SessionFactory(conference=conference, title="Flyttas")
    client.get("/malmo/")

    session.start, session.end = local(2027, 3, 16, 16, 0), local(2027, 3, 16, 17, 0)
    services.session_save(session=session)
    html = client.get("/malmo/").content.decode()

    assert "16.00–17.00" in html


@pytest.mark.parametrize("count", [1, 50])
def test_speakers_page_runs_fixed_queries(
    client, conference, programme_of, count, django_assert_num_queries
):
    programme_of(conference, count)

    with django_assert_num_queries(3):
        response = client.get("/malmo/speakers/")

    assert len(response.context["speakers"]) == count
