"""Who may open the organiser's workspace, and for which conference.

An organiser sees only the conferences they organise (superusers: all). Anyone else, a door
volunteer included, gets 404 for a conference's pages, so that its existence is not revealed.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from checkin.door_session import is_door_link_session
from conference.models import Conference
from conference.selectors import conferences_for_user


def refuse_door_link_session(request) -> None:
    """A phone logged in with a volunteer's printed code may scan, nothing else."""
    if is_door_link_session(request):
        raise Http404("door log-in")


def organised_conference(user, slug: str) -> Conference:
    conference = conferences_for_user(user).filter(slug=slug).first()
    if conference is None:
        raise Http404("conference")
    return conference


def organiser_required(view):
    """Log-in required; the view gets `conference` (the one named by `slug`) instead of `slug`."""

    @login_required(login_url="organiser:login")
    @wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        refuse_door_link_session(request)
        conference = organised_conference(request.user, slug)
        request.organiser_conference = conference
        return view(request, conference, *args, **kwargs)

    return wrapped
