import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from registration.models import AuditEntry, EmailLog, Registration, Signup
from registration.seats import seat_counters_rebuild
from tests.factories import RegistrationFactory, UserFactory

from .conftest import register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


@pytest.fixture
def organiser(client, conference):
    user = UserFactory()
    conference.organisers.add(user)
    client.force_login(user)
    return user


def base(conference):
    return f"/en/organiser/{conference.slug}/registrations/"


@pytest.mark.parametrize(
    "page", ["", "list/", "export.csv", "catering/", "add/", "message/", "audit/", "emails/"]
)
def test_pages_hidden_from_other_staff_and_anonymous(client, conference, page):
    url = base(conference) + page
    anonymous = client.get(url)
    client.force_login(UserFactory())
    stranger = client.get(url)

    assert anonymous.status_code == 302
    assert stranger.status_code == 404


def test_superuser_sees_every_conference(client, conference):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get(base(conference)).status_code == 200


def test_overview_counts_per_session_and_waiting_lists_in_order(
    client, organiser, conference, workshops
):
    first = workshops[0]
    register(conference, email="a@example.org", name="Alfa", session_ids=[first.pk])
    register(conference, email="b@example.org", name="Beta", session_ids=[first.pk])
    register(conference, email="c@example.org", name="Gamma", session_ids=[first.pk])
    register(conference, email="d@example.org", name="Delta")

    html = client.get(base(conference)).content.decode()

    assert "<td>2</td><td>2</td><td>1<ol><li>" in html.replace("\n", "")
    assert html.index(">Gamma<") < html.index(">Delta<")
    assert '<ol id="waiting"><li><a' in html


def test_list_search_and_filters(client, organiser, conference):
    register(conference, email="a@example.org", name="Alfa", organisation="Kulturhuset")
    register(conference, email="b@example.org", name="Beta", sector="academia")

    by_text = client.get(base(conference) + "list/?q=KULTUR").context["registrations"]
    by_sector = client.get(base(conference) + "list/?sector=academia").context["registrations"]

    assert [r.name for r in by_text] == ["Alfa"]
    assert [r.name for r in by_sector] == ["Beta"]


@pytest.mark.parametrize("session", ["99999999999999999999999", "-1", "x"])
def test_list_ignores_a_session_filter_no_session_can_match(client, organiser, conference, session):
    register(conference, email="a@example.org", name="Alfa")

    response = client.get(base(conference) + f"list/?session={session}")

    assert response.status_code == 200
    assert [r.name for r in response.context["registrations"]] == ["Alfa"]


def test_list_query_count_does_not_grow(client, organiser, conference, workshops):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(base(conference) + "list/")
        return len(ctx)

    register(conference, email="a@example.org", session_ids=[workshops[0].pk])
    one = count()
    for i in range(3):
        register(conference, email=f"x{i}@example.org", session_ids=[workshops[2].pk])

    assert count() == one


def test_csv_export_escapes_formulas(client, organiser, conference):
    register(conference, name="=HYPERLINK(1)")

    response = client.get(base(conference) + "export.csv")

    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("id,status,name,email")
    assert "'=HYPERLINK(1)" in text


def test_catering_sums_meals_and_diets_of_confirmed(client, organiser, conference, lunch):
    register(conference, email="a@example.org", meal_ids=[lunch.pk], diets=["vegan"])
    register(conference, email="b@example.org", meal_ids=[lunch.pk], diets=["vegan", "halal"])
    register(conference, email="c@example.org", diet_other="Inga svampar")
    register(conference, email="d@example.org", meal_ids=[lunch.pk], diets=["vegan"])  # waiting

    sheet = client.get(base(conference) + "catering/").context["sheet"]

    assert sheet.meals == [(lunch, 2)]
    with translation.override("en"):
        assert [(str(label), n) for label, n in sheet.diets] == [("Vegan", 2), ("Halal", 1)]
    assert sheet.diet_other == ["Inga svampar"]


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
    assert organiser.username in client.get(base(conference) + "audit/").content.decode()


def test_message_to_all_confirmed_goes_in_background(client, organiser, conference):
    register(conference, email="a@example.org")
    register(conference, email="b@example.org")
    mail.outbox.clear()

    response = client.post(
        base(conference) + "message/", {"session": "", "subject": "Välkomna", "body": "Hej!"}
    )

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert EmailLog.objects.filter(kind="message").count() == 2


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
