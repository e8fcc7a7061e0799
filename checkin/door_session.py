"""A phone logged in with a printed code (a `DoorLoginLink`) may scan at that one conference and
open nothing else. The session remembers the link; every door request checks that the link
still holds, so revoking it, removing the volunteer or the end of the conference takes effect
on the phone's next request."""

from django.contrib.auth import login, logout

from .selectors import door_link_active

SESSION_KEY = "checkin_door_link"


class DoorSessionEnded(Exception):
    """The printed log-in this session began with no longer holds; the session is logged out."""


def door_session_start(request, link) -> None:
    login(request, link.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = link.pk


def is_door_link_session(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session


def door_scope(request) -> int | None:
    """The id of the only conference this session may scan at, or None for a password log-in.
    Logs out and raises `DoorSessionEnded` when the printed log-in no longer holds."""
    if not is_door_link_session(request):
        return None
    link = door_link_active(request.session[SESSION_KEY], request.user)
    if link is None:
        logout(getattr(request, "_request", request))
        raise DoorSessionEnded
    return link.conference_id
