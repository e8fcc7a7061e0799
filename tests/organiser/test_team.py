"""The team pages: listing, inviting, roles, removal, printed log-ins and the invitee's welcome."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from checkin.models import Checkpoint, DoorAssignment, DoorLoginLink
from checkin.services import (
    checkpoints_ensure,
    door_link_create,
    door_staff_assign,
    team_invite,
)
from tests.factories import ConferenceFactory, UserFactory, local

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _fresh_door_caches():
    from checkin import rights

    rights.clear()
    yield
    rights.clear()


@pytest.fixture(autouse=True)
def _swedish():
    # A request to an /en/ page leaves English active in this thread, and reverse() follows it.
    with translation.override("sv"):
        yield


@pytest.fixture
def conference():
    conference = ConferenceFactory(slug="lk")
    checkpoints_ensure(conference=conference)
    return conference


@pytest.fixture
def entrance(conference):
    return Checkpoint.objects.get(
        conference=conference, kind="entrance", day=local(2027, 3, 16, 0, 0).date()
    )


@pytest.fixture
def organiser(conference):
    user = UserFactory(username="anna", first_name="Anna", last_name="Arrangör")
    conference.organisers.add(user)
    return user


@pytest.fixture
def volunteer(conference):
    user = UserFactory(username="vera", first_name="Vera", last_name="Volontär", is_staff=False)
    door_staff_assign(conference=conference, user=user)
    return user


def url(name, conference, **kwargs):
    return reverse(f"organiser:{name}", kwargs={"slug": conference.slug, **kwargs})


def team_urls(conference, member, link):
    """Every team page and action, with the method it answers to."""
    ids = {"user_id": member.pk}
    return [
        ("get", url("team", conference)),
        ("post", url("team", conference)),
        ("get", url("team-member", conference, **ids)),
        ("post", url("team-member", conference, **ids)),
        ("get", url("team-remove", conference, **ids)),
        ("post", url("team-remove", conference, **ids)),
        ("post", url("team-invite-again", conference, **ids)),
        ("post", url("team-link-create", conference, **ids)),
        ("get", url("team-link", conference, link_id=link.pk, **ids)),
        ("post", url("team-link-revoke", conference, link_id=link.pk, **ids)),
    ]


def invite_data(**overrides):
    data = {"email": "ny@example.org", "name": "Nils Ny", "role": "door", "language": "sv"}
    data.update(overrides)
    return data


def test_team_page_lists_organisers_then_volunteers_with_role_doors_and_state(
    client, conference, organiser, volunteer, entrance
):
    team_invite(
        conference=conference,
        email="inbjuden@example.org",
        name="Ida Inbjuden",
        role="door",
        language="sv",
        checkpoints=[entrance],
        actor=organiser,
    )
    Token.objects.create(user=volunteer)
    client.force_login(organiser)

    response = client.get(url("team", conference))

    assert response.status_code == 200
    rows = [
        (m.name, m.role, [d.pk for d in m.doors], m.invited) for m in response.context["members"]
    ]
    assert rows == [
        ("Anna Arrangör", "organiser", [], False),
        ("Ida Inbjuden", "door", [entrance.pk], True),
        ("Vera Volontär", "door", [], False),
    ]
    html = response.content.decode()
    assert "Dörrvolontär" in html
    assert "Inbjuden" in html
    assert "Enhetsnyckel sedan" in html


def test_team_page_in_english(client, conference, organiser, volunteer):
    client.force_login(organiser)

    response = client.get("/en" + url("team", conference))

    assert response.status_code == 200
    assert "Door volunteer" in response.content.decode()
    assert "Invite someone" in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_team_page_queries_do_not_grow_with_the_team(client, conference, organiser, size):
    for n in range(size - 1):
        user = UserFactory(username=f"dorr{n}", is_staff=False)
        door_staff_assign(conference=conference, user=user)
        door_link_create(conference=conference, user=user, actor=organiser)
        Token.objects.create(user=user)
    client.force_login(organiser)
    client.get(url("team", conference))  # warm the session and content types

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("team", conference))

    assert len(response.context["members"]) == size
    assert len(queries) == 10, [q["sql"][:100] for q in queries]


def test_invite_door_volunteer_by_form_mails_once_and_lists_them(
    client, conference, organiser, entrance, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("team", conference), invite_data(doors=[entrance.pk]))

    assert response.status_code == 302
    user = User.objects.get(email="ny@example.org")
    assignment = DoorAssignment.objects.get(conference=conference, user=user)
    assert list(assignment.checkpoints.all()) == [entrance]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Du är med i teamet för {conference.name}"


def test_invite_with_a_bad_email_shows_a_swedish_form_error_and_saves_nothing(
    client, conference, organiser
):
    client.force_login(organiser)

    response = client.post(url("team", conference), invite_data(email="inte-en-adress"))

    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_email_error"><li>Ange en giltig mejladress.</li></ul>' in (
        response.content.decode()
    )
    assert User.objects.filter(first_name="Nils").exists() is False


def test_invite_someone_in_the_team_shows_a_form_error(
    client, conference, organiser, volunteer, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("team", conference), invite_data(email=volunteer.email))

    assert "<li>Personen är redan med i teamet.</li>" in response.content.decode()
    assert mail.outbox == []


def accept_link(body):
    return re.search(r"https?://[^/\s]+(/\S*/welcome/\S+/)", body).group(1)


def test_invitee_sets_a_password_once_and_lands_at_the_doors(
    client, conference, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("team", conference), invite_data())
    client.logout()
    link = accept_link(mail.outbox[0].body)

    opened = client.get(link)
    form_page = client.get(opened["Location"])
    done = client.post(
        opened["Location"],
        {"new_password1": "ett långt lösenord 2027", "new_password2": "ett långt lösenord 2027"},
    )
    again = client.get(link)

    assert opened.status_code == 302
    assert opened["Location"].endswith("/set-password/")
    assert form_page.status_code == 200
    assert "Välj ditt lösenord" in form_page.content.decode()
    assert done.status_code == 302
    assert done["Location"] == reverse("checkin:door")
    assert client.get(reverse("checkin:door")).status_code == 200
    assert again.status_code == 400
    user = User.objects.get(email="ny@example.org")
    assert user.is_active is True


def test_invited_organiser_lands_in_the_workspace(
    client, conference, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("team", conference), invite_data(role="organiser", language="en"))
    client.logout()
    opened = client.get(accept_link(mail.outbox[0].body))

    done = client.post(
        opened["Location"],
        {"new_password1": "a long password 2027", "new_password2": "a long password 2027"},
    )

    assert opened["Location"].startswith("/en/organiser/welcome/")
    assert done["Location"] == "/en/organiser/"


def test_welcome_page_shows_djangos_password_errors_in_swedish(
    client, conference, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("team", conference), invite_data())
    client.logout()
    opened = client.get(accept_link(mail.outbox[0].body))

    response = client.post(opened["Location"], {"new_password1": "abc", "new_password2": "abd"})

    assert response.status_code == 200
    assert "<li>De två lösenordsfälten stämmer inte överens.</li>" in response.content.decode()
    assert User.objects.get(email="ny@example.org").is_active is False


def test_welcome_with_a_made_up_token_is_refused(client, conference, organiser):
    user = team_invite(
        conference=conference, email="ny@example.org", role="door", language="sv", actor=organiser
    )
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))

    made_up = client.get(reverse("organiser:team-welcome", args=[uidb64, "abc-123"]))
    placeholder = client.get(reverse("organiser:team-welcome", args=[uidb64, "set-password"]))
    bad_uid = client.get(reverse("organiser:team-welcome", args=["zzzz", "abc-123"]))

    assert (made_up.status_code, placeholder.status_code, bad_uid.status_code) == (400, 400, 400)


def test_welcome_link_of_an_account_switched_off_since_is_refused_and_keeps_it_closed(
    client, conference, organiser
):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from checkin.services import team_invite_tokens

    user = team_invite(
        conference=conference, email="ny@example.org", role="door", language="sv", actor=organiser
    )
    # The owner had been in before; the operator has switched the account off since.
    user.set_password("gammalt-lösen-1")
    user.save(update_fields=["password"])
    token = team_invite_tokens.make_token(user)
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))

    opened = client.get(reverse("organiser:team-welcome", args=[uidb64, token]))

    user.refresh_from_db()
    assert (opened.status_code, user.is_active) == (400, False)


def test_member_role_change_limits_doors(client, conference, organiser, volunteer, entrance):
    client.force_login(organiser)

    response = client.post(
        url("team-member", conference, user_id=volunteer.pk),
        {"role": "door", "doors": [entrance.pk]},
    )

    assert response.status_code == 302
    assignment = DoorAssignment.objects.get(conference=conference, user=volunteer)
    assert list(assignment.checkpoints.all()) == [entrance]


def test_demoting_the_last_organiser_shows_an_error(client, conference, organiser):
    client.force_login(organiser)

    response = client.post(url("team-member", conference, user_id=organiser.pk), {"role": "door"})

    assert response.status_code == 200
    assert "<li>En konferens behöver en arrangör: lägg till en till först.</li>" in (
        response.content.decode()
    )
    assert list(conference.organisers.all()) == [organiser]


def test_removed_volunteer_is_refused_on_the_next_request_on_page_and_api(
    client, conference, organiser, volunteer, entrance, django_capture_on_commit_callbacks
):
    door = APIClient()
    door.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=volunteer).key}")
    api_list = reverse("checkin-api:list", kwargs={"pk": entrance.pk})
    assert door.get(api_list).status_code == 200
    phone = client.__class__()
    phone.force_login(volunteer)
    assert phone.get(reverse("checkin:scan", args=[entrance.pk])).status_code == 200
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post(url("team-remove", conference, user_id=volunteer.pk))

    assert removed.status_code == 302
    assert phone.get(reverse("checkin:scan", args=[entrance.pk])).status_code == 403
    refused = door.get(api_list)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_door_staff")


def test_volunteer_limited_to_one_door_may_not_scan_at_another(
    client, conference, volunteer, entrance
):
    other_day = Checkpoint.objects.get(
        conference=conference, kind="entrance", day=local(2027, 3, 17, 0, 0).date()
    )
    door_staff_assign(conference=conference, user=volunteer, checkpoints=[entrance])
    door = APIClient()
    door.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=volunteer).key}")

    allowed = door.get(reverse("checkin-api:list", kwargs={"pk": entrance.pk}))
    refused = door.post(
        reverse("checkin-api:scan", kwargs={"pk": other_day.pk}), {"code": "X"}, format="json"
    )
    listed = door.get(reverse("checkin-api:checkpoints"))

    assert allowed.status_code == 200
    assert (refused.status_code, refused.json()["code"]) == (403, "not_door_staff")
    assert [row["id"] for row in listed.json()] == [entrance.pk]
    client.force_login(volunteer)
    home = client.get(reverse("checkin:door"))
    assert [[d.pk for d in doors] for _c, doors in home.context["groups"]] == [[entrance.pk]]
    assert client.get(reverse("checkin:scan", args=[other_day.pk])).status_code == 403


def test_printed_log_in_scopes_the_phone_to_its_conference(
    client, conference, organiser, volunteer, entrance
):
    elsewhere = ConferenceFactory(slug="annan")
    checkpoints_ensure(conference=elsewhere)
    door_staff_assign(conference=elsewhere, user=volunteer)
    elsewhere_door = Checkpoint.objects.filter(conference=elsewhere).first()
    link, secret = door_link_create(conference=conference, user=volunteer, actor=organiser)

    login = client.get(reverse("checkin:door-link", args=[secret]))
    home = client.get(reverse("checkin:door"))

    assert login.status_code == 302
    assert [c.pk for c, _doors in home.context["groups"]] == [conference.pk]
    assert client.get(reverse("checkin:scan", args=[entrance.pk])).status_code == 200
    assert client.get(reverse("checkin:scan", args=[elsewhere_door.pk])).status_code == 403
    api = client.get(reverse("checkin-api:list", kwargs={"pk": elsewhere_door.pk}))
    assert api.status_code == 403
    assert client.get(reverse("organiser:home")).status_code == 404
    assert client.get(reverse("organiser:dashboard", args=[elsewhere.slug])).status_code == 404


def test_printed_log_in_is_refused_after_revocation_on_the_next_request(
    client, conference, organiser, volunteer, entrance
):
    link, secret = door_link_create(conference=conference, user=volunteer, actor=organiser)
    client.get(reverse("checkin:door-link", args=[secret]))
    api_list = reverse("checkin-api:list", kwargs={"pk": entrance.pk})
    first = client.get(api_list)
    assert first.status_code == 200, first.content
    workspace = client.__class__()
    workspace.force_login(organiser)

    workspace.post(url("team-link-revoke", conference, user_id=volunteer.pk, link_id=link.pk))

    refused = client.get(api_list)
    assert (refused.status_code, refused.json()["code"]) == (403, "door_login_ended")
    assert client.get(reverse("checkin:door")).status_code == 302
    again = client.get(reverse("checkin:door-link", args=[secret]))
    assert again.status_code == 403


def test_printed_log_in_for_another_conference_secret_is_refused(client):
    response = client.get(reverse("checkin:door-link", args=["not-a-real-secret"]))

    assert response.status_code == 403
    assert "Den här inloggningskoden gäller inte längre." in response.content.decode()


def test_make_printed_log_in_shows_its_qr_once_to_its_maker(
    client, conference, organiser, volunteer
):
    client.force_login(organiser)
    other_organiser = UserFactory(username="bo")
    conference.organisers.add(other_organiser)

    made = client.post(url("team-link-create", conference, user_id=volunteer.pk))
    page = client.get(made["Location"])
    client.force_login(other_organiser)
    elsewhere = client.get(made["Location"])

    link = DoorLoginLink.objects.get(user=volunteer)
    assert made.status_code == 302
    assert page.status_code == 200
    assert page.context["qr"].startswith('<svg class="team-qr"')
    assert "/door/code/" in page.context["url"]
    assert elsewhere.status_code == 200
    assert elsewhere.context["qr"] is None
    assert link.expires_at == conference.end + __import__("datetime").timedelta(days=1)


def test_another_organiser_gets_404_for_every_team_page_and_action(
    client, conference, organiser, volunteer
):
    link, _secret = door_link_create(conference=conference, user=volunteer, actor=organiser)
    stranger = UserFactory(username="annan")
    ConferenceFactory(slug="egen").organisers.add(stranger)
    client.force_login(stranger)

    answers = [
        getattr(client, method)(u).status_code
        for method, u in team_urls(conference, volunteer, link)
    ]

    assert answers == [404] * 10
    assert DoorAssignment.objects.filter(conference=conference, user=volunteer).exists()
    link.refresh_from_db()
    assert link.revoked_at is None


def test_door_volunteer_gets_404_for_every_team_page_and_action(
    client, conference, organiser, volunteer
):
    link, _secret = door_link_create(conference=conference, user=volunteer, actor=organiser)
    client.force_login(volunteer)

    answers = [
        getattr(client, method)(u).status_code
        for method, u in team_urls(conference, volunteer, link)
    ]

    assert answers == [404] * 10
    assert client.get(url("dashboard", conference)).status_code == 404


def test_member_of_another_conference_is_404_in_this_team(client, conference, organiser):
    outsider = UserFactory(username="ute", is_staff=False)
    door_staff_assign(conference=ConferenceFactory(slug="tredje"), user=outsider)
    client.force_login(organiser)

    assert client.get(url("team-member", conference, user_id=outsider.pk)).status_code == 404
    assert client.post(url("team-remove", conference, user_id=outsider.pk)).status_code == 404


def test_team_is_in_the_workspace_navigation(client, conference, organiser):
    client.force_login(organiser)

    response = client.get(url("team", conference))

    assert f'href="{url("team", conference)}" aria-current="page"' in response.content.decode()


def test_invite_again_mails_a_fresh_link_that_works(
    client, conference, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("team", conference), invite_data())
    user = User.objects.get(email="ny@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("team-invite-again", conference, user_id=user.pk), {"language": "en"}
        )

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == f"You are in the team of {conference.name_en}"
    client.logout()
    opened = client.get(accept_link(mail.outbox[1].body))
    assert opened.status_code == 302


def test_invite_again_is_refused_for_someone_who_has_logged_in(
    client, conference, organiser, volunteer, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("team-invite-again", conference, user_id=volunteer.pk), {"language": "sv"}
        )

    assert response.status_code == 302
    assert mail.outbox == []
    page = client.get(response["Location"])
    assert "Personen har redan loggat in." in page.content.decode()


def test_organiser_who_leaves_is_sent_to_their_conference_list(client, conference, organiser):
    other = UserFactory(username="bo")
    conference.organisers.add(other)
    client.force_login(organiser)

    response = client.post(url("team-remove", conference, user_id=organiser.pk))

    assert response["Location"] == reverse("organiser:home")
    assert list(conference.organisers.all()) == [other]
