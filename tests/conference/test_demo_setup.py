import json
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from conference.management.commands.demo_setup import DEFAULT_FIXTURE
from conference.models import CODE_ALPHABET, Conference, Session
from conference.services import session_check_rules
from tests.factories import ConferenceFactory, local

pytestmark = pytest.mark.django_db

FIXTURE = json.loads(DEFAULT_FIXTURE.read_text(encoding="utf-8"))


def demo_setup():
    out = StringIO()
    call_command("demo_setup", stdout=out)
    return out.getvalue()


def fixture_count(model):
    return sum(1 for row in FIXTURE if row["model"] == model)


def test_demo_setup_on_empty_database_loads_both_conferences():
    output = demo_setup()

    malmo = Conference.objects.get(slug="malmo-2017")
    kristianstad = Conference.objects.get(slug="kristianstad-2018")
    assert (malmo.is_published, kristianstad.is_published) == (True, True)
    assert timezone.localtime(malmo.start) == local(2017, 3, 16, 12, 0)
    assert timezone.localtime(malmo.end) == local(2017, 3, 17, 13, 30)
    assert str(malmo.registration_closes) == "2017-03-07"
    assert timezone.localtime(kristianstad.start) == local(2018, 3, 9, 9, 0)
    assert kristianstad.capacity == 130
    assert Session.objects.count() == fixture_count("conference.session")
    assert malmo.sessions.filter(kind="workshop", requires_signup=True).count() == 5
    assert "http://127.0.0.1:8000/admin/" in output
    assert "http://127.0.0.1:8000/organiser/login/" in output
    assert "organiser / samla-organiser-demo" in output
    assert "door / samla-door-demo" in output


def test_demo_setup_run_twice_adds_nothing_and_keeps_changes():
    demo_setup()
    Conference.objects.filter(slug="malmo-2017").update(name="Ändrat namn")
    counts = (Conference.objects.count(), Session.objects.count(), get_user_model().objects.count())

    output = demo_setup()

    assert (
        Conference.objects.count(),
        Session.objects.count(),
        get_user_model().objects.count(),
    ) == counts
    assert Conference.objects.get(slug="malmo-2017").name == "Ändrat namn"
    assert "already there, kept as it is" in output


def test_demo_setup_after_one_conference_deleted_restores_only_that_one():
    demo_setup()
    Conference.objects.filter(slug="malmo-2017").update(name="Ändrat namn")
    # Session.room is PROTECT, so the sessions go first.
    Session.objects.filter(conference__slug="kristianstad-2018").delete()
    Conference.objects.get(slug="kristianstad-2018").delete()

    demo_setup()

    assert Conference.objects.get(slug="malmo-2017").name == "Ändrat namn"
    assert Conference.objects.get(slug="kristianstad-2018").sessions.count() == sum(
        1
        for row in FIXTURE
        if row["model"] == "conference.session" and row["fields"]["conference"] == 1801
    )


def test_demo_setup_when_fixture_ids_are_taken_leaves_existing_rows_alone():
    existing = ConferenceFactory(pk=1701, slug="egen", name="Egen konferens")

    demo_setup()

    existing.refresh_from_db()
    assert (existing.slug, existing.name) == ("egen", "Egen konferens")
    assert Conference.objects.filter(slug="malmo-2017").exclude(pk=1701).count() == 1


def test_demo_sessions_pass_every_programme_rule():
    demo_setup()
    sessions = list(Session.objects.select_related("conference", "room", "track"))

    for session in sessions:
        session_check_rules(session=session, speakers=list(session.speakers.all()))

    assert len(sessions) == fixture_count("conference.session")


def test_demo_sessions_keep_the_fixture_codes_and_uids():
    demo_setup()
    wanted = {
        (row["fields"]["code"], row["fields"]["uid"])
        for row in FIXTURE
        if row["model"] == "conference.session"
    }

    stored = {(code, str(uid)) for code, uid in Session.objects.values_list("code", "uid")}

    assert stored == wanted
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code, _uid in stored)


def test_demo_setup_gives_organiser_both_conferences_and_admin_rights():
    demo_setup()

    organiser = get_user_model().objects.get(username="organiser")
    assert (organiser.is_staff, organiser.is_superuser) == (True, False)
    assert sorted(organiser.organised_conferences.values_list("slug", flat=True)) == [
        "kristianstad-2018",
        "malmo-2017",
    ]
    assert organiser.check_password("samla-organiser-demo")
    for perm in (
        "conference.add_session",
        "conference.change_conference",
        "conference.delete_room",
        "registration.view_registration",
        "registration.change_registration",
    ):
        assert organiser.has_perm(perm), perm


def test_demo_setup_puts_door_user_in_door_staff_group_only():
    demo_setup()

    door = get_user_model().objects.get(username="door")
    assert list(door.groups.values_list("name", flat=True)) == ["door staff"]
    assert (door.is_superuser, door.is_staff) == (False, False)
    assert door.organised_conferences.count() == 0
    assert door.has_perm("conference.change_session") is False
    assert sorted(door.door_assignments.values_list("conference__slug", flat=True)) == [
        "kristianstad-2018",
        "malmo-2017",
    ]


def test_demo_fixture_loads_with_plain_loaddata():
    call_command("loaddata", str(DEFAULT_FIXTURE), verbosity=0)

    assert Conference.objects.filter(slug__in=["malmo-2017", "kristianstad-2018"]).count() == 2
    assert Session.objects.count() == fixture_count("conference.session")


def test_demo_fixture_uses_only_example_email_addresses():
    text = DEFAULT_FIXTURE.read_text(encoding="utf-8")

    domains = set(re.findall(r"@([\w.-]+)", text))

    assert domains <= {"example.org", "example.com", "example.net"}


def test_demo_programme_pages_show_the_seminar_in_both_languages(client):
    demo_setup()

    swedish = client.get("/malmo-2017/")
    english = client.get("/en/malmo-2017/")
    listed = client.get("/api/conferences/kristianstad-2018/sessions/")

    assert swedish.status_code == 200
    assert "Vad är det som är så bra med samverkan?" in swedish.content.decode()
    assert english.status_code == 200
    assert "What is so good about collaboration?" in english.content.decode()
    assert listed.status_code == 200
    assert len(listed.json()) == Conference.objects.get(slug="kristianstad-2018").sessions.count()
