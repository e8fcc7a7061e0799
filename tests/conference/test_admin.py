"""Organisers see and edit only the conferences they organise, in the admin and the API."""

import pytest
from django.contrib.auth.models import Permission

from conference.models import Session
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, UserFactory, local

pytestmark = pytest.mark.django_db


def organiser_of(*conferences, username="anna"):
    user = UserFactory(username=username)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="conference"))
    for conference in conferences:
        conference.organisers.add(user)
    return user


@pytest.fixture
def two_conferences(db):
    mine = ConferenceFactory(slug="mine", name="Min konferens")
    theirs = ConferenceFactory(slug="theirs", name="Deras konferens", is_published=False)
    return mine, theirs


def test_organiser_sees_only_own_conferences_in_admin(client, two_conferences):
    mine, theirs = two_conferences
    client.force_login(organiser_of(mine))

    response = client.get("/admin/conference/conference/")

    assert list(response.context["cl"].queryset) == [mine]


def test_organiser_cannot_open_another_conference_in_admin(client, two_conferences):
    mine, theirs = two_conferences
    client.force_login(organiser_of(mine))

    response = client.get(f"/admin/conference/conference/{theirs.pk}/change/")

    assert response.status_code == 302
    assert response.url == "/admin/"


def test_organiser_sees_only_own_sessions(client, two_conferences):
    mine, theirs = two_conferences
    own = SessionFactory(conference=mine)
    SessionFactory(conference=theirs)
    client.force_login(organiser_of(mine))

    response = client.get("/admin/conference/session/")

    assert list(response.context["cl"].queryset) == [own]


def test_organiser_cannot_edit_session_of_another_conference(client, two_conferences):
    mine, theirs = two_conferences
    foreign = SessionFactory(conference=theirs, title="Orörd")
    client.force_login(organiser_of(mine))

    response = client.post(f"/admin/conference/session/{foreign.pk}/change/", {"title": "Kapad"})

    foreign.refresh_from_db()
    assert response.status_code == 302
    assert foreign.title == "Orörd"


def test_organiser_cannot_move_a_session_into_another_conference(client, two_conferences):
    mine, theirs = two_conferences
    client.force_login(organiser_of(mine))

    response = client.post("/admin/conference/session/add/", session_form(theirs))

    assert response.status_code == 200
    assert "conference" in response.context["adminform"].form.errors
    assert Session.objects.count() == 0


def test_superuser_sees_all_conferences(client, two_conferences):
    client.force_login(UserFactory(username="root", is_superuser=True))

    response = client.get("/admin/conference/conference/")

    assert len(response.context["cl"].queryset) == 2


def session_form(conference, **overrides):
    data = {
        "conference": conference.pk,
        "title": "Workshop",
        "title_en": "",
        "kind": "workshop",
        "language": "sv",
        "status": "scheduled",
        "start_0": "2027-03-16",
        "start_1": "13:00",
        "end_0": "2027-03-16",
        "end_1": "14:00",
        "capacity": "",
        "abstract": "",
        "abstract_en": "",
        "description": "",
        "description_en": "",
    }
    data.update(overrides)
    return data


def test_admin_add_session_saves_through_service(client, two_conferences):
    mine, _theirs = two_conferences
    client.force_login(organiser_of(mine))

    response = client.post("/admin/conference/session/add/", session_form(mine))

    session = Session.objects.get()
    assert response.status_code == 302
    assert (session.start, session.conference) == (local(2027, 3, 16, 13, 0), mine)


def test_admin_room_clash_shows_translated_error_and_saves_nothing(client, two_conferences):
    mine, _theirs = two_conferences
    room = RoomFactory(conference=mine, name="Aulan")
    SessionFactory(conference=mine, title="Först", room=room)
    client.force_login(organiser_of(mine))

    response = client.post(
        "/admin/conference/session/add/",
        session_form(mine, room=room.pk),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    errors = response.context["adminform"].form.errors
    assert response.status_code == 200
    assert errors["room"] == ["Aulan is already booked for “Först” at 16 March 2027, 13:00."]
    assert Session.objects.count() == 1


def test_admin_session_outside_conference_is_refused(client, two_conferences):
    mine, _theirs = two_conferences
    client.force_login(organiser_of(mine))

    response = client.post(
        "/admin/conference/session/add/",
        session_form(mine, start_0="2027-03-20", end_0="2027-03-20"),
    )

    assert response.status_code == 200
    assert Session.objects.count() == 0


def test_admin_duplicate_action_copies_session(client, two_conferences):
    mine, _theirs = two_conferences
    session = SessionFactory(conference=mine, room=RoomFactory(conference=mine))
    client.force_login(organiser_of(mine))

    client.post(
        "/admin/conference/session/",
        {"action": "duplicate_sessions", "_selected_action": [session.pk]},
    )

    assert Session.objects.filter(conference=mine).count() == 2


def test_admin_changelist_warns_about_speaker_clashes(client, two_conferences):
    from tests.factories import SpeakerFactory

    mine, _theirs = two_conferences
    speaker = SpeakerFactory(conference=mine, name="Bo")
    for title in ("A", "B"):
        SessionFactory(conference=mine, title=title).speakers.add(speaker)
    client.force_login(organiser_of(mine))

    response = client.get(
        f"/admin/conference/session/?conference__id__exact={mine.pk}", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert [str(m) for m in response.context["messages"]] == ["Bo is in both “A” and “B”."]


def test_organiser_grid_shows_own_conference_and_hides_others(client, two_conferences):
    mine, theirs = two_conferences
    SessionFactory(conference=mine, title="Rutnät", room=RoomFactory(conference=mine))
    client.force_login(organiser_of(mine))

    own = client.get(f"/organiser/{mine.slug}/grid/")
    other = client.get(f"/organiser/{theirs.slug}/grid/")

    assert own.status_code == 200
    assert "Rutnät" in own.content.decode()
    assert other.status_code == 404


def test_organiser_grid_requires_login(client, two_conferences):
    mine, _theirs = two_conferences

    response = client.get(f"/organiser/{mine.slug}/grid/")

    assert response.status_code == 302


def test_unpublished_conference_of_organiser_is_hidden_from_public_api(client, two_conferences):
    _mine, theirs = two_conferences
    client.force_login(organiser_of(theirs, username="bo"))

    response = client.get(f"/api/conferences/{theirs.slug}/")

    assert response.status_code == 404


def test_admin_room_rename_marks_programme_changed(client, two_conferences):
    mine, _theirs = two_conferences
    room = RoomFactory(conference=mine, name="Sal A")
    before = mine.programme_changed_at
    client.force_login(organiser_of(mine))

    response = client.post(
        f"/admin/conference/room/{room.pk}/change/",
        {
            "conference": mine.pk,
            "name": "Sal Alfa",
            "name_en": "",
            "capacity": "30",
            "notes": "",
            "step_free": "on",
            "position": "0",
        },
    )

    mine.refresh_from_db()
    assert response.status_code == 302
    assert mine.programme_changed_at > before


def test_admin_bulk_delete_of_sessions_marks_programme_changed(client, two_conferences):
    mine, _theirs = two_conferences
    session = SessionFactory(conference=mine)
    before = mine.programme_changed_at
    client.force_login(organiser_of(mine))

    client.post(
        "/admin/conference/session/",
        {"action": "delete_selected", "_selected_action": [session.pk], "post": "yes"},
    )

    mine.refresh_from_db()
    assert Session.objects.count() == 0
    assert mine.programme_changed_at > before


def test_conference_list_links_the_organiser_pages(client, two_conferences):
    mine, _theirs = two_conferences
    client.force_login(organiser_of(mine))

    html = client.get("/admin/conference/conference/").content.decode()

    for path in ("grid", "registrations", "checkin", "badges"):
        assert f'href="/organiser/{mine.slug}/{path}/"' in html


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1", ""])
def test_session_changelist_with_bad_conference_filter_not_a_500(client, two_conferences, value):
    mine, theirs = two_conferences
    client.force_login(organiser_of(mine))

    response = client.get(f"/admin/conference/session/?conference__id__exact={value}")

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.url == "/admin/conference/session/?e=1"


@pytest.mark.parametrize("model", ["conference", "session", "speaker", "room", "track"])
@pytest.mark.parametrize(
    "query",
    [
        "conference__id__exact=abc",
        "room__id__exact=abc",
        "track__id__exact=1e99",
        "day=abc",
        "kind=%3Cscript%3E",
        "status=x",
        "requires_signup__exact=maybe",
        "o=abc",
        "p=abc",
        "q=" + "x" * 5000,
    ],
)
def test_admin_changelists_bad_filters_not_a_500(client, two_conferences, model, query):
    mine, theirs = two_conferences
    SessionFactory(conference=mine)
    client.force_login(organiser_of(mine))

    response = client.get(f"/admin/conference/{model}/?{query}")

    assert response.status_code in (200, 302)


def test_conference_list_in_swedish_names_its_columns_in_swedish(client, two_conferences):
    mine, _theirs = two_conferences
    client.force_login(organiser_of(mine))

    html = client.get("/admin/conference/conference/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert "Arrangörssidor" in html
    assert "Organiser pages" not in html
