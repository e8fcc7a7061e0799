"""Team: a conference's organisers and door volunteers, their doors, devices and printed
log-ins; inviting people by e-mail and the page where an invitee sets a password."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.http import urlsafe_base64_decode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from checkin.errors import CheckinError
from checkin.models import Checkpoint, DoorLoginLink
from checkin.selectors import team_member, team_members
from checkin.services import (
    TeamRole,
    checkpoints_ensure_current,
    door_link_create,
    door_link_revoke,
    is_deactivated,
    team_home_url,
    team_invitation_accept,
    team_invite,
    team_invite_again,
    team_invite_tokens,
    team_remove,
    team_set_role,
)
from conference.qr import QUIET_ZONE, qr_modules

from ..access import organiser_required

# The secrets of printed log-ins this organiser just made, by link id: only a hash is stored,
# so the QR code can be shown only from here, in the session that made it.
NEW_LINKS_KEY = "organiser_team_new_links"
INVITE_TOKEN_KEY = "organiser_team_invite_token"  # noqa: S105 - a session key, not a secret
# Stands in for the token in the address once it is in the session (as Django's own password
# reset does), so that it does not leak through the Referer header or the browser history.
TOKEN_IN_SESSION = "set-password"  # noqa: S105 - a placeholder in the address


class DoorsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.label()


class MemberForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=TeamRole.choices, widget=forms.RadioSelect
    )
    doors = DoorsField(
        label=gettext_lazy("Doors"),
        queryset=Checkpoint.objects.none(),
        required=False,
        help_text=gettext_lazy("For door volunteers. None chosen: every door."),
    )

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doors"].queryset = Checkpoint.objects.filter(
            conference=conference
        ).select_related("session")


class InviteForm(MemberForm):
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=150)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mail"),
        choices=[("sv", gettext_lazy("Swedish")), ("en", gettext_lazy("English"))],
        widget=forms.RadioSelect,
    )

    field_order = ["email", "name", "role", "doors", "language"]


def _team_url(conference):
    return reverse("organiser:team", kwargs={"slug": conference.slug})


def _member_or_404(conference, user_id):
    member = team_member(conference, user_id)
    if member is None:
        raise Http404("member")
    return member


@organiser_required
def team(request, conference):
    checkpoints_ensure_current(conference=conference)
    if request.method == "POST":
        form = InviteForm(request.POST, conference=conference)
        if form.is_valid():
            data = form.cleaned_data
            try:
                team_invite(
                    conference=conference,
                    email=data["email"],
                    name=data["name"],
                    role=data["role"],
                    language=data["language"],
                    checkpoints=list(data["doors"]),
                    actor=request.user,
                )
            except CheckinError as error:
                field = "doors" if error.code == "wrong_checkpoint" else "email"
                form.add_error(field, error.message)
            else:
                messages.success(
                    request, _("%(email)s was invited by e-mail.") % {"email": data["email"]}
                )
                return redirect(_team_url(conference))
    else:
        language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("sv", "en") else "sv"
        form = InviteForm(
            conference=conference, initial={"role": TeamRole.DOOR, "language": language}
        )
    return render(
        request,
        "organiser/team.html",
        {
            "conference": conference,
            "nav_active": "team",
            "members": team_members(conference),
            "form": form,
        },
    )


@organiser_required
def member(request, conference, user_id):
    person = _member_or_404(conference, user_id)
    if request.method == "POST":
        form = MemberForm(request.POST, conference=conference)
        if form.is_valid():
            try:
                team_set_role(
                    conference=conference,
                    user=person.user,
                    role=form.cleaned_data["role"],
                    checkpoints=list(form.cleaned_data["doors"]),
                )
            except CheckinError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("The role of %(name)s was saved.") % {"name": person.name}
                )
                return redirect(_team_url(conference))
    else:
        form = MemberForm(
            conference=conference,
            initial={"role": person.role, "doors": [door.pk for door in person.doors]},
        )
    return render(
        request,
        "organiser/team_member.html",
        {
            "conference": conference,
            "nav_active": "team",
            "member": person,
            "form": form,
            "language_form": LanguageForm(initial={"language": request.LANGUAGE_CODE}),
        },
    )


@organiser_required
def remove(request, conference, user_id):
    person = _member_or_404(conference, user_id)
    if request.method == "POST":
        try:
            team_remove(conference=conference, user=person.user)
        except CheckinError as error:
            messages.error(request, error.message)
            return redirect("organiser:team-member", slug=conference.slug, user_id=user_id)
        messages.success(request, _("%(name)s was removed from the team.") % {"name": person.name})
        if person.user == request.user:
            return redirect("organiser:home")
        return redirect(_team_url(conference))
    return render(
        request,
        "organiser/team_remove.html",
        {"conference": conference, "nav_active": "team", "member": person},
    )


class LanguageForm(forms.Form):
    language = InviteForm.base_fields["language"]


@organiser_required
@require_POST
def invite_again(request, conference, user_id):
    person = _member_or_404(conference, user_id)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pick a language."))
        return redirect("organiser:team-member", slug=conference.slug, user_id=user_id)
    try:
        team_invite_again(
            conference=conference,
            user=person.user,
            language=form.cleaned_data["language"],
            actor=request.user,
        )
    except CheckinError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("A new invitation was sent to %(email)s.") % {"email": person.user.email}
        )
    return redirect("organiser:team-member", slug=conference.slug, user_id=user_id)


@organiser_required
@require_POST
def link_create(request, conference, user_id):
    person = _member_or_404(conference, user_id)
    try:
        link, secret = door_link_create(conference=conference, user=person.user, actor=request.user)
    except CheckinError as error:
        messages.error(request, error.message)
        return redirect("organiser:team-member", slug=conference.slug, user_id=user_id)
    new_links = request.session.get(NEW_LINKS_KEY, {})
    new_links[str(link.pk)] = secret
    request.session[NEW_LINKS_KEY] = new_links
    return redirect("organiser:team-link", slug=conference.slug, user_id=user_id, link_id=link.pk)


def _link_or_404(conference, person, link_id):
    link = DoorLoginLink.objects.filter(pk=link_id, conference=conference, user=person.user).first()
    if link is None:
        raise Http404("link")
    return link


@organiser_required
@never_cache
def link_print(request, conference, user_id, link_id):
    person = _member_or_404(conference, user_id)
    link = _link_or_404(conference, person, link_id)
    secret = request.session.get(NEW_LINKS_KEY, {}).get(str(link.pk))
    url = qr = None
    if secret and link.revoked_at is None:
        url = request.build_absolute_uri(reverse("checkin:door-link", kwargs={"secret": secret}))
        qr = qr_svg(url, label=_("Log-in code for %(name)s") % {"name": person.name})
    return render(
        request,
        "organiser/team_link.html",
        {
            "conference": conference,
            "nav_active": "team",
            "member": person,
            "link": link,
            "url": url,
            "qr": qr,
        },
    )


@organiser_required
@require_POST
def link_revoke(request, conference, user_id, link_id):
    person = _member_or_404(conference, user_id)
    link = _link_or_404(conference, person, link_id)
    door_link_revoke(link=link, actor=request.user)
    new_links = request.session.get(NEW_LINKS_KEY, {})
    if new_links.pop(str(link.pk), None) is not None:
        request.session[NEW_LINKS_KEY] = new_links
    messages.success(request, _("The log-in code was revoked."))
    return redirect("organiser:team-member", slug=conference.slug, user_id=user_id)


def qr_svg(text: str, *, label: str) -> str:
    """The QR code of `text` as an SVG path, one square per dark module: sharp in print, and
    without style attributes that a content security policy would block."""
    modules = qr_modules(text)
    size = len(modules) + 2 * QUIET_ZONE
    squares = "".join(
        f"M{x + QUIET_ZONE} {y + QUIET_ZONE}h1v1h-1z"
        for y, row in enumerate(modules)
        for x, dark in enumerate(row)
        if dark
    )
    return mark_safe(  # noqa: S308 - built from numbers and an escaped label only
        f'<svg class="team-qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{squares}"/></svg>'
    )


# The invitee's side ------------------------------------------------------------------------


def _invited_user(uidb64):
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    # A switched-off account's old link must not open it again.
    return None if user is None or is_deactivated(user) else user


@sensitive_post_parameters()
@never_cache
def welcome(request, uidb64, token):
    """The link in an invitation: the invitee sets a password, is logged in and sent to the
    workspace (organisers) or the doors (volunteers). Expires after PASSWORD_RESET_TIMEOUT and
    works once: setting the password spends the token."""
    user = _invited_user(uidb64)
    if token != TOKEN_IN_SESSION:
        if user is not None and team_invite_tokens.check_token(user, token):
            request.session[INVITE_TOKEN_KEY] = token
            return redirect("organiser:team-welcome", uidb64=uidb64, token=TOKEN_IN_SESSION)
        return _welcome_refused(request)
    token = request.session.get(INVITE_TOKEN_KEY, "")
    if user is None or not team_invite_tokens.check_token(user, token):
        return _welcome_refused(request)
    if request.method == "POST":
        form = SetPasswordForm(user, request.POST)
        if form.is_valid():
            team_invitation_accept(user=user, password=form.cleaned_data["new_password1"])
            del request.session[INVITE_TOKEN_KEY]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your password is set."))
            return redirect(team_home_url(user))
    else:
        form = SetPasswordForm(user)
    return render(
        request,
        "organiser/team_welcome.html",
        {"form": form, "invitee": user},
    )


def _welcome_refused(request):
    return render(
        request,
        "organiser/team_welcome_refused.html",
        {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        status=400,
    )
