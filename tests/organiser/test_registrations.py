"""Anmälningar in the workspace: list, waiting lists, a person's page, adding, correcting,
the change log and failed e-mails, each only for the conference's organisers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from checkin.models import Checkpoint
from checkin.services import badge_code_for, checkpoints_ensure, scan_submit
from registration.models import AuditEntry, EmailLog, Registration, Signup
from registration.seats import seat_counters_rebuild
from tests.factories import RegistrationFactory, UserFactory
from tests.registration.conftest import register, workshop

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


def base(conference):
    return f"/en/organiser/{conference.slug}/registrations/"


def test_superuser_sees_every_conference(client, conference):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get(base(conference)).status_code == 200


def test_waiting_lists_count_per_session_and_queue_in_order(
    client, organiser, conference, workshops
):
    first = workshops[0]
    register(conference, email="a@example.org", name="Alfa", session_ids=[first.pk])
    register(conference, email="b@example.org", name="Beta", session_ids=[first.pk])
    register(conference, email="c@example.org", name="Gamma", session_ids=[first.pk])
    register(conference, email="d@example.org", name="Delta")

    html = client.get(base(conference) + "waiting/").content.decode()

    assert "<td>2</td><td>2</td><td>1<ol><li>" in html.replace("\n", "")
    assert html.index(">Gamma<") < html.index(">Delta<")
    assert '<ol id="waiting"><li><a' in html


def test_list_search_and_filters(client, organiser, conference):
    register(conference, email="a@example.org", name="Alfa", organisation="Kulturhuset")
    register(conference, email="b@example.org", name="Beta", sector="academia")

    by_text = client.get(base(conference) + "?q=KULTUR").context["registrations"]
    by_sector = client.get(base(conference) + "?sector=academia").context["registrations"]

    assert [r.name for r in by_text] == ["Alfa"]
    assert [r.name for r in by_sector] == ["Beta"]


@pytest.mark.parametrize("session", ["99999999999999999999999", "-1", "x"])
def test_list_ignores_a_session_filter_no_session_can_match(client, organiser, conference, session):
    register(conference, email="a@example.org", name="Alfa")

    response = client.get(base(conference) + f"?session={session}")

    assert response.status_code == 200
    assert [r.name for r in response.context["registrations"]] == ["Alfa"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_list_runs_the_same_queries_at_3_and_50_registrations(client, organiser, conference):
    conference.capacity = 100
    conference.save(update_fields=["capacity"])
    sessions = [workshop(conference, capacity=100, title=f"W{i}") for i in range(3)]
    for i in range(3):
        register(conference, email=f"a{i}@example.org", session_ids=[sessions[0].pk])
    small = _queries(client, base(conference))
    for i in range(47):
        register(conference, email=f"b{i}@example.org", session_ids=[sessions[i % 3].pk])

    large = _queries(client, base(conference))

    assert Registration.objects.count() == 50
    assert large == small


def test_person_page_runs_the_same_queries_with_few_and_many_signups(
    client, organiser, conference, lunch
):
    conference.capacity = 100
    conference.save(update_fields=["capacity"])
    sessions = [
        workshop(
            conference,
            capacity=100,
            title=f"W{i}",
            start=conference.start + (i + 1) * (lunch.end - lunch.start) * 2,
        )
        for i in range(6)
    ]
    few, _ = register(conference, email="few@example.org", session_ids=[sessions[0].pk])
    many, _ = register(
        conference,
        email="many@example.org",
        session_ids=[s.pk for s in sessions],
        meal_ids=[lunch.pk],
    )
    from registration.services import registration_correct, registration_update

    registration_update(registration=many, name="Många Namn")
    registration_correct(registration=many, actor=organiser, organisation="Ny organisation")
    badge_code_for(many)
    checkpoints_ensure(conference=conference)
    for checkpoint in Checkpoint.objects.filter(conference=conference)[:3]:
        scan_submit(
            checkpoint=checkpoint,
            scan_id=f"6f1c2b57-0c1f-4e55-9a44-{checkpoint.pk:012d}",
            code=many.badge_codes.get().code,
        )
    badge_code_for(few)

    with_few = _queries(client, base(conference) + f"{few.pk}/")
    with_many = _queries(client, base(conference) + f"{many.pk}/")

    assert Signup.objects.filter(registration=many).count() == 6
    assert with_many == with_few


def test_person_page_shows_everything_and_the_change_log_in_words(
    client, organiser, conference, workshops, lunch
):
    first, second, _later = workshops
    person, _ = register(
        conference,
        name="Anna Andersson",
        session_ids=[first.pk],
        meal_ids=[lunch.pk],
        diets=["vegan"],
    )
    from registration.services import registration_correct, signups_change

    signups_change(registration=person, session_ids=[second.pk])
    registration_correct(registration=person, actor=organiser, name="Anna Ek")
    checkpoints_ensure(conference=conference)
    entrance = Checkpoint.objects.filter(conference=conference, kind="entrance").first()
    scan_submit(
        checkpoint=entrance,
        scan_id="6f1c2b57-0c1f-4e55-9a44-000000000001",
        code=badge_code_for(person).code,
        actor=organiser,
    )

    with translation.override("sv"):
        response = client.get(f"/organiser/{conference.slug}/registrations/{person.pk}/")

    html = response.content.decode()
    changes = [sentence for _entry, sentence in response.context["changes"]]
    assert response.status_code == 200
    assert changes == [
        "Olga Organisatör ändrade: namn.",
        "Anna Ek anmälde sig till ”Finansiering”. Anna Ek avbokade platsen i ”Partnerskap”.",
        "Anna Ek anmälde sig. Workshoppar: ”Partnerskap”.",
    ]
    assert "Vegansk" in html
    assert "Lunch" in html
    assert "Finansiering" in html
    assert "Olga Organisatör" in html
    assert "Bekräftelse" in html


def test_manual_add_cancel_and_move_are_audited_with_the_organiser(
    client, organiser, conference, workshops
):
    first, second, _ = workshops
    response = client.post(
        base(conference) + "add/",
        {
            "name": "Per Persson",
            "email": "per@example.org",
            "sector": "private",
            "language": "sv",
            "consent": "on",
            "sessions": [first.pk],
        },
    )
    registration = Registration.objects.get()
    detail = base(conference) + f"{registration.pk}/"

    client.post(detail, {"action": "move", "from_session": first.pk, "to_session": second.pk})
    client.post(detail, {"action": "cancel"})

    assert response.status_code == 302
    assert response["Location"] == base(conference) + f"{registration.pk}/"
    assert Signup.objects.get(registration=registration, session=second).status == "cancelled"
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert list(
        AuditEntry.objects.filter(registration=registration)
        .order_by("id")
        .values_list("action", "actor_label")
    ) == [
        ("registered", organiser.username),
        ("sessions_changed", organiser.username),
        ("cancelled", organiser.username),
    ]
    audit = client.get(base(conference) + "audit/").content.decode()
    assert "Olga Organisatör cancelled the registration." in audit


def _correction(person, **changes):
    data = {
        "action": "correct",
        "name": person.name,
        "email": person.email,
        "organisation": person.organisation,
        "sector": person.sector,
        "language": person.language,
    }
    return {**data, **changes}


def test_correct_details_from_the_page_saves_and_audits(client, organiser, conference):
    person, _ = register(conference, name="Ana Andersson", email="ana@example.org")

    response = client.post(
        base(conference) + f"{person.pk}/",
        _correction(person, name="Anna Andersson", email="anna.a@example.org"),
    )

    person.refresh_from_db()
    assert response.status_code == 302
    assert (person.name, person.email) == ("Anna Andersson", "anna.a@example.org")
    entry = AuditEntry.objects.filter(registration=person).order_by("-id").first()
    assert (entry.action, entry.actor, entry.details) == (
        "details_corrected",
        organiser,
        {"fields": ["name", "email"]},
    )


def test_correct_details_bad_input_form_error_nothing_changed(client, organiser, conference):
    person, _ = register(conference, name="Ana Andersson", email="ana@example.org")
    register(conference, name="Bo", email="bo@example.org")
    before = AuditEntry.objects.count()

    taken = client.post(
        base(conference) + f"{person.pk}/",
        _correction(person, name="Anna", email="BO@example.org"),
    )
    unsafe = client.post(base(conference) + f"{person.pk}/", _correction(person, name="<b>Anna"))

    person.refresh_from_db()
    assert taken.status_code == 400
    assert taken.context["correct"].errors == {
        "email": ["Someone else is registered with this e-mail address."]
    }
    assert unsafe.context["correct"].errors == {
        "name": ["Please leave out the characters < and >."]
    }
    assert (person.name, person.email) == ("Ana Andersson", "ana@example.org")
    assert AuditEntry.objects.count() == before


def test_email_failures_page_lists_failed_sends(client, organiser, conference):
    registration = RegistrationFactory(conference=conference)
    seat_counters_rebuild(conference=conference)  # a row made without the services
    EmailLog.objects.create(
        conference=conference,
        registration=registration,
        kind="confirmation",
        to=registration.email,
        status="failed",
        attempts=5,
        error="AnymailAPIError: 401",
    )

    html = client.get(base(conference) + "emails/").content.decode()

    assert "AnymailAPIError: 401" in html
    assert registration.email in html


def test_person_page_shows_the_place_in_the_conference_queue(client, organiser, conference):
    for i in range(3):
        register(conference, email=f"a{i}@example.org")
    register(conference, email="first@example.org")
    second, _ = register(conference, email="second@example.org", name="Andra i kön")

    response = client.get(f"/organiser/{conference.slug}/registrations/{second.pk}/")

    assert '<dd id="status">På väntelistan (nummer 2 i kön)</dd>' in response.content.decode()
