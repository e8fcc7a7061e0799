"""The team's rules: invitations, roles, removal, doors and printed log-ins."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from checkin.errors import CheckinError
from checkin.models import Checkpoint, DoorAssignment, DoorLoginLink
from checkin.selectors import can_scan, checkpoints_for_door, door_link_active
from checkin.services import (
    door_link_create,
    door_link_revoke,
    door_link_use,
    door_staff_assign,
    team_invitation_accept,
    team_invite,
    team_invite_tokens,
    team_remove,
    team_role,
    team_set_role,
)
from tests.factories import ConferenceFactory, UserFactory, local

pytestmark = pytest.mark.django_db
User = get_user_model()


def invite(conference, actor, email="ny@example.org", role="door", language="sv", **kwargs):
    return team_invite(
        conference=conference, email=email, role=role, language=language, actor=actor, **kwargs
    )


def test_team_invite_new_email_creates_inactive_account_and_mails_a_password_link(
    conference, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(conference, organiser, name="Nora Ny")

    user.refresh_from_db()
    assert (user.username, user.email, user.first_name) == (
        "ny@example.org",
        "ny@example.org",
        "Nora Ny",
    )
    assert user.is_active is False
    assert user.has_usable_password() is False
    assert team_role(conference, user) == "door"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny@example.org"]
    assert mail.outbox[0].subject == f"Du är med i teamet för {conference.name}"
    assert "/organiser/welcome/" in mail.outbox[0].body
    assert "/en/" not in mail.outbox[0].body


def test_team_invite_in_english_mails_an_english_link(
    conference, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(conference, organiser, language="en")

    assert mail.outbox[0].subject == f"You are in the team of {conference.name_en}"
    assert "/en/organiser/welcome/" in mail.outbox[0].body
    assert "The link works once, for 72 hours." in mail.outbox[0].body


def test_team_invite_existing_user_is_added_and_told_without_a_password_link(
    conference, organiser, django_capture_on_commit_callbacks
):
    known = UserFactory(username="kim", email="kim@example.org", is_staff=False)

    with django_capture_on_commit_callbacks(execute=True):
        user = invite(conference, organiser, email="KIM@example.org", role="organiser")

    assert user == known
    assert team_role(conference, known) == "organiser"
    assert User.objects.filter(email__iexact="kim@example.org").count() == 1
    assert len(mail.outbox) == 1
    assert "/welcome/" not in mail.outbox[0].body
    assert f"/organiser/{conference.slug}/" in mail.outbox[0].body


def test_team_invite_someone_in_the_team_is_refused_and_nothing_is_sent(
    conference, organiser, door_user, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(CheckinError) as caught,
    ):
        invite(conference, organiser, email=door_user.email, role="organiser")

    assert caught.value.code == "already_in_team"
    assert team_role(conference, door_user) == "door"
    assert mail.outbox == []


def test_team_invite_with_a_door_of_another_conference_is_refused_and_creates_no_account(
    conference, organiser
):
    other = ConferenceFactory()
    foreign = Checkpoint.objects.create(conference=other, kind="entrance", day=other.start.date())

    with pytest.raises(CheckinError) as caught:
        invite(conference, organiser, checkpoints=[foreign])

    assert caught.value.code == "wrong_checkpoint"
    assert User.objects.filter(email="ny@example.org").exists() is False


def test_invite_token_works_once(conference, organiser):
    user = invite(conference, organiser)
    token = team_invite_tokens.make_token(user)
    assert team_invite_tokens.check_token(user, token) is True

    team_invitation_accept(user=user, password="ett långt lösenord 2027")

    user.refresh_from_db()
    assert user.is_active is True
    assert user.check_password("ett långt lösenord 2027") is True
    assert team_invite_tokens.check_token(user, token) is False


def test_invite_token_expires_after_password_reset_timeout(conference, organiser, monkeypatch):
    user = invite(conference, organiser)
    token = team_invite_tokens.make_token(user)
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)

    monkeypatch.setattr(team_invite_tokens, "_now", lambda: later)

    assert team_invite_tokens.check_token(user, token) is False


def test_password_reset_token_is_no_invitation(conference, organiser):
    from django.contrib.auth.tokens import default_token_generator

    user = invite(conference, organiser)

    assert team_invite_tokens.check_token(user, default_token_generator.make_token(user)) is False


def test_team_set_role_makes_a_volunteer_an_organiser(conference, organiser, door_user):
    team_set_role(conference=conference, user=door_user, role="organiser")

    assert team_role(conference, door_user) == "organiser"
    assert DoorAssignment.objects.filter(conference=conference, user=door_user).exists() is False


def test_team_set_role_limits_a_volunteer_to_chosen_doors(
    conference, organiser, door_user, entrance, workshop_door
):
    team_set_role(conference=conference, user=door_user, role="door", checkpoints=[workshop_door])

    assert can_scan(door_user, conference.pk, workshop_door.pk) is True
    assert can_scan(door_user, conference.pk, entrance.pk) is False
    assert checkpoints_for_door(door_user, conference) == [workshop_door]


def test_door_volunteer_without_chosen_doors_may_scan_everywhere(
    conference, door_user, entrance, workshop_door
):
    assert can_scan(door_user, conference.pk, entrance.pk) is True
    assert can_scan(door_user, conference.pk, workshop_door.pk) is True
    assert checkpoints_for_door(door_user, conference) == [
        entrance,
        *Checkpoint.objects.filter(conference=conference).exclude(pk=entrance.pk),
    ]


def test_team_set_role_refuses_to_demote_the_last_organiser(conference, organiser):
    with pytest.raises(CheckinError) as caught:
        team_set_role(conference=conference, user=organiser, role="door")

    assert caught.value.code == "last_organiser"
    assert team_role(conference, organiser) == "organiser"
    assert DoorAssignment.objects.filter(user=organiser).exists() is False


def test_team_remove_takes_away_door_access_and_printed_log_ins(
    conference, organiser, door_user, entrance
):
    link, secret = door_link_create(conference=conference, user=door_user, actor=organiser)

    team_remove(conference=conference, user=door_user)

    assert team_role(conference, door_user) is None
    assert can_scan(door_user, conference.pk, entrance.pk) is False
    link.refresh_from_db()
    assert link.revoked_at is not None
    with pytest.raises(CheckinError) as caught:
        door_link_use(secret=secret)
    assert caught.value.code == "link_revoked"


def test_team_remove_refuses_the_last_organiser(conference, organiser):
    with pytest.raises(CheckinError) as caught:
        team_remove(conference=conference, user=organiser)

    assert caught.value.code == "last_organiser"
    assert list(conference.organisers.all()) == [organiser]


def test_door_link_stores_only_a_hash_and_logs_in_for_its_conference(
    conference, organiser, door_user
):
    link, secret = door_link_create(conference=conference, user=door_user, actor=organiser)

    used = door_link_use(secret=secret)

    assert used == link
    assert secret not in link.secret_hash
    assert DoorLoginLink.objects.filter(secret_hash=secret).exists() is False
    assert link.expires_at == conference.end + timedelta(days=1)
    assert door_link_active(link.pk, door_user) == link
    used.refresh_from_db()
    assert used.last_used_at is not None


def test_door_link_refused_after_revocation(conference, organiser, door_user):
    link, secret = door_link_create(conference=conference, user=door_user, actor=organiser)

    door_link_revoke(link=link, actor=organiser)

    with pytest.raises(CheckinError) as caught:
        door_link_use(secret=secret)
    assert (caught.value.code, caught.value.status) == ("link_revoked", 403)
    assert door_link_active(link.pk, door_user) is None


def test_door_link_refused_after_expiry(conference, organiser, door_user):
    link, secret = door_link_create(conference=conference, user=door_user, actor=organiser)
    DoorLoginLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(CheckinError) as caught:
        door_link_use(secret=secret)

    assert caught.value.code == "link_expired"
    assert door_link_active(link.pk, door_user) is None


def test_door_link_refused_for_a_wrong_secret(conference, organiser, door_user):
    door_link_create(conference=conference, user=door_user, actor=organiser)

    with pytest.raises(CheckinError) as caught:
        door_link_use(secret="not-the-secret")

    assert caught.value.code == "link_revoked"


def test_door_link_only_for_volunteers_of_that_conference(conference, organiser):
    stranger = UserFactory(is_staff=False)
    door_staff_assign(conference=conference, user=organiser)

    with pytest.raises(CheckinError) as not_staff:
        door_link_create(conference=conference, user=stranger, actor=organiser)
    with pytest.raises(CheckinError) as is_organiser:
        door_link_create(conference=conference, user=organiser, actor=organiser)

    assert (not_staff.value.code, is_organiser.value.code) == (
        "not_door_staff",
        "organiser_has_login",
    )
    assert DoorLoginLink.objects.count() == 0


def test_door_link_not_made_after_the_conference(organiser):
    past = ConferenceFactory(start=local(2020, 3, 1, 9, 0), end=local(2020, 3, 1, 17, 0))
    volunteer = UserFactory(is_staff=False)
    door_staff_assign(conference=past, user=volunteer)

    with pytest.raises(CheckinError) as caught:
        door_link_create(conference=past, user=volunteer, actor=organiser)

    assert caught.value.code == "conference_over"


def test_door_staff_assign_keeps_doors_when_none_given(conference, door_user, workshop_door):
    door_staff_assign(conference=conference, user=door_user, checkpoints=[workshop_door])

    door_staff_assign(conference=conference, user=door_user)

    assignment = DoorAssignment.objects.get(conference=conference, user=door_user)
    assert list(assignment.checkpoints.all()) == [workshop_door]


def test_live_check_in_names_the_volunteer_who_scanned_not_the_device(
    client, conference, organiser, door_user, entrance, badge
):
    from django.urls import reverse

    from checkin.services import scan_submit

    door_user.first_name, door_user.last_name = "Vera", "Volontär"
    door_user.save(update_fields=["first_name", "last_name"])
    for _ in range(2):
        scan_submit(
            checkpoint=entrance,
            scan_id=str(uuid.uuid4()),
            code=badge,
            device_id="5f3a9c1e-0000-4000-8000-000000000000",
            actor=door_user,
        )
    client.force_login(organiser)

    response = client.get(reverse("organiser:checkin", args=[conference.slug]))

    html = response.content.decode()
    assert "<td>Vera Volontär</td>" in html
    assert "5f3a9c1e" not in html


def test_door_link_refused_for_someone_who_organises_another_conference(
    conference, organiser, door_user
):
    link, secret = door_link_create(conference=conference, user=door_user, actor=organiser)

    ConferenceFactory().organisers.add(door_user)

    with pytest.raises(CheckinError) as caught:
        door_link_use(secret=secret)
    assert caught.value.code == "organiser_has_login"
    assert door_link_active(link.pk, door_user) is None
    with pytest.raises(CheckinError) as again:
        door_link_create(conference=conference, user=door_user, actor=organiser)
    assert again.value.code == "organiser_has_login"


def test_door_link_refused_for_staff_accounts(conference, organiser):
    staff = UserFactory(is_staff=True)
    door_staff_assign(conference=conference, user=staff)

    with pytest.raises(CheckinError) as caught:
        door_link_create(conference=conference, user=staff, actor=organiser)

    assert caught.value.code == "organiser_has_login"


def test_team_invite_when_the_mail_server_fails_keeps_the_member_and_raises_nothing(
    conference, organiser, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("checkin.services.team.send_mail", refuse)

    with django_capture_on_commit_callbacks(execute=True):
        user = invite(conference, organiser)

    assert team_role(conference, user) == "door"
    assert mail.outbox == []


def test_team_invite_of_a_deactivated_account_is_refused_and_does_not_reopen_it(
    conference, organiser, django_capture_on_commit_callbacks
):
    switched_off = UserFactory(email="av@example.org", is_active=False)
    switched_off.set_password("gammalt-lösen-1")
    switched_off.save(update_fields=["password"])

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(CheckinError) as refused,
    ):
        invite(conference, organiser, email="av@example.org", role="organiser")
    with pytest.raises(CheckinError) as accept:
        team_invitation_accept(user=switched_off, password="nytt-lösen-123")

    switched_off.refresh_from_db()
    assert (refused.value.code, accept.value.code) == ("account_deactivated", "account_deactivated")
    assert (switched_off.is_active, team_role(conference, switched_off), len(mail.outbox)) == (
        False,
        None,
        0,
    )
