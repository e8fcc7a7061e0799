"""A conference's team: organisers (`Conference.organisers`) and door volunteers
(`DoorAssignment`), invited by e-mail.

An invitee without an account gets one, inactive and without a usable password, and an e-mail
with a one-time link (`team_invite_tokens`) to set a password. The token is Django's password
reset token under its own salt: it expires after `PASSWORD_RESET_TIMEOUT` and setting the
password (which changes the hash it is made from) spends it. Someone who already has an account
is added and told by e-mail. E-mails leave after commit, once per invitation.
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.models import Conference

from ..errors import CheckinError
from ..models import DoorAssignment
from ..rights import rights_changed
from .doors import door_staff_assign, door_staff_unassign

logger = logging.getLogger(__name__)


class TeamRole(models.TextChoices):
    ORGANISER = "organiser", gettext_lazy("Organiser")
    DOOR = "door", gettext_lazy("Door volunteer")


class TeamInviteTokenGenerator(PasswordResetTokenGenerator):
    """Its own salt, so that a password reset token is no invitation and the other way round.
    The hash covers `is_active`, so accepting (which activates the account) spends the token
    even for someone who had a password already."""

    key_salt = "samla.checkin.services.team.TeamInviteTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


team_invite_tokens = TeamInviteTokenGenerator()


def is_deactivated(user) -> bool:
    """Switched off by the site's operator: inactive although its owner has been in (a usable
    password or a past log-in). Unlike an invited account, no invitation may open it again."""
    return not user.is_active and (user.has_usable_password() or user.last_login is not None)


def needs_password(user) -> bool:
    """Invited and not yet in: the account waits for its owner to set a password."""
    if is_deactivated(user):
        return False
    return not user.is_active or not user.has_usable_password()


def team_role(conference: Conference, user) -> str | None:
    if conference.organisers.filter(pk=user.pk).exists():
        return TeamRole.ORGANISER
    if DoorAssignment.objects.filter(conference=conference, user=user).exists():
        return TeamRole.DOOR
    return None


def _user_for_email(email: str, name: str):
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None:
        return user, False
    username = email[: User._meta.get_field("username").max_length]
    if User.objects.filter(username__iexact=username).exists():
        raise CheckinError(
            "username_taken", _("An account with this user name exists; ask the site's operator.")
        )
    user = User(username=username, email=email, first_name=name[:150], is_active=False)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Someone invited the same address at the same moment; a second try finds the account.
        raise CheckinError(
            "try_again", _("Someone invited this address just now. Try again.")
        ) from None
    return user, True


def team_invite(
    *,
    conference: Conference,
    email: str,
    role: str,
    language: str,
    actor,
    name: str = "",
    checkpoints=(),
):
    """Add the person with this e-mail to the team of `conference` as `role` (door volunteers
    at `checkpoints`, none = every door) and e-mail them in `language` after commit. Refused,
    with nothing changed, for someone already in the team."""
    email = email.strip()
    if role not in TeamRole.values:
        raise CheckinError("bad_role", _("Pick a role."))
    if language not in dict(settings.LANGUAGES):
        raise CheckinError("bad_language", _("Pick a language."))
    with transaction.atomic():
        user, _created = _user_for_email(email, name.strip())
        if is_deactivated(user):
            raise CheckinError(
                "account_deactivated",
                _("This account is switched off; ask the site's operator."),
            )
        if team_role(conference, user) is not None:
            raise CheckinError("already_in_team", _("This person is in the team already."))
        if role == TeamRole.ORGANISER:
            conference.organisers.add(user)
        else:
            door_staff_assign(conference=conference, user=user, checkpoints=list(checkpoints))
        transaction.on_commit(
            partial(
                _send_team_email,
                conference_id=conference.pk,
                user_id=user.pk,
                role=role,
                language=language,
                actor_name=_person_name(actor),
            )
        )
    return user


def team_invite_again(*, conference: Conference, user, language: str, actor) -> None:
    """E-mail a new invitation (a fresh link) to someone invited who has not set a password yet,
    after commit. Earlier links keep working until they expire or the password is set."""
    if not needs_password(user):
        raise CheckinError("already_active", _("This person has logged in already."))
    role = team_role(conference, user)
    if role is None:
        raise CheckinError("not_in_team", _("This person is not in the team."), 404)
    if language not in dict(settings.LANGUAGES):
        raise CheckinError("bad_language", _("Pick a language."))
    transaction.on_commit(
        partial(
            _send_team_email,
            conference_id=conference.pk,
            user_id=user.pk,
            role=role,
            language=language,
            actor_name=_person_name(actor),
        )
    )


def team_set_role(*, conference: Conference, user, role: str, checkpoints=()) -> None:
    """Make a team member an organiser or a door volunteer (at `checkpoints`, none = all)."""
    current = team_role(conference, user)
    if current is None:
        raise CheckinError("not_in_team", _("This person is not in the team."), 404)
    if role not in TeamRole.values:
        raise CheckinError("bad_role", _("Pick a role."))
    with transaction.atomic():
        if role == TeamRole.ORGANISER:
            if current == TeamRole.DOOR:
                door_staff_unassign(conference=conference, user=user)
            conference.organisers.add(user)
        else:
            if current == TeamRole.ORGANISER:
                _refuse_last_organiser(conference, user)
                conference.organisers.remove(user)
            door_staff_assign(conference=conference, user=user, checkpoints=list(checkpoints))


def team_remove(*, conference: Conference, user) -> None:
    """Take `user` out of the team: no longer an organiser, no longer door staff, their printed
    log-ins revoked. Takes effect on their next request. The last organiser cannot leave."""
    if team_role(conference, user) is None:
        raise CheckinError("not_in_team", _("This person is not in the team."), 404)
    with transaction.atomic():
        if conference.organisers.filter(pk=user.pk).exists():
            _refuse_last_organiser(conference, user)
            conference.organisers.remove(user)
        door_staff_unassign(conference=conference, user=user)
    rights_changed()  # at once, and again after commit


def _refuse_last_organiser(conference: Conference, user) -> None:
    if not conference.organisers.exclude(pk=user.pk).exists():
        raise CheckinError(
            "last_organiser", _("A conference needs an organiser: add another one first.")
        )


def team_invitation_accept(*, user, password: str) -> None:
    """Set the invitee's password (already validated) and open the account. Spends the token.
    A deactivated account stays closed (the operator switched it off)."""
    if is_deactivated(user):
        raise CheckinError(
            "account_deactivated", _("This account is switched off; ask the site's operator.")
        )
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])


def team_home_url(user) -> str:
    """Where someone lands after accepting: the workspace for organisers, else the doors."""
    if user.is_superuser or Conference.objects.filter(organisers=user).exists():
        return reverse("organiser:home")
    return reverse("checkin:door")


def _person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _send_team_email(*, conference_id, user_id, role, language, actor_name):
    user = get_user_model().objects.get(pk=user_id)
    conference = Conference.objects.get(pk=conference_id)
    with translation.override(language):
        if needs_password(user):
            path = reverse(
                "organiser:team-welcome",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": team_invite_tokens.make_token(user),
                },
            )
        elif role == TeamRole.ORGANISER:
            path = reverse("organiser:dashboard", kwargs={"slug": conference.slug})
        else:
            path = reverse("checkin:door")
        context = {
            "conference_name": conference.localized("name", language),
            "role": TeamRole(role).label,
            "is_organiser": role == TeamRole.ORGANISER,
            "url": f"{settings.SITE_URL}{path}",
            "invited": needs_password(user),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "actor_name": actor_name,
            "username": user.get_username(),
        }
        subject = _("You are in the team of %(conference)s") % {
            "conference": context["conference_name"]
        }
        body = render_to_string("checkin/email/team_invite.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:
        # The person is in the team already (committed); the organiser can send the
        # invitation again from the member's page. A failed send must not fail their request.
        logger.exception("Could not send the team e-mail to user %s", user_id)
