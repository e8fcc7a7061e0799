"""Creating a conference, and copying one to new dates ("Kopiera konferens")."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from conference import services
from conference.errors import ProgrammeError
from impact.rules import rules_create_defaults

from ..access import organiser_required
from ..forms import ConferenceCopyForm, ConferenceCreateForm
from ..navigation import area_url


def form_error_add(form, error) -> None:
    """A refused change (any app's domain error: a `field` and a `message`) as a form error, on
    the field it concerns when the form has it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _not_allowed(request, conference=None):
    return render(
        request,
        "organiser/not_allowed.html",
        {"conference": conference, "nav_active": "dashboard"},
        status=403,
    )


@login_required(login_url="organiser:login")
def conference_create(request):
    if not services.conference_may_create(request.user):
        return _not_allowed(request)
    form = ConferenceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.conference_create(user=request.user, **form.cleaned_data)
        except ProgrammeError as error:
            form_error_add(form, error)
        else:
            # A new conference starts with the ready-made scheduled e-mails, each switchable off.
            rules_create_defaults(conference=conference)
            messages.success(
                request, _("%(name)s is created, not yet published.") % {"name": conference.name}
            )
            return redirect(area_url(conference, "programme"))
    return render(request, "organiser/conference_create.html", {"form": form})


@organiser_required
def conference_copy(request, conference):
    if not services.conference_may_create(request.user):
        return _not_allowed(request, conference)
    first_day = timezone.localtime(conference.start, ZoneInfo(conference.time_zone)).date()
    # A year on, on the same weekday: a Thursday conference stays a Thursday one. The names
    # are the Swedish and the English one, whatever the page's language.
    initial = {
        "name": f"{conference.name} (kopia)",
        "name_en": f"{conference.name_en} (copy)" if conference.name_en else "",
        "start_date": first_day + timedelta(weeks=52),
    }
    form = ConferenceCopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.conference_copy(
                source=conference, user=request.user, **form.cleaned_data
            )
        except ProgrammeError as error:
            form_error_add(form, error)
        else:
            rules_create_defaults(conference=copy)
            messages.success(
                request,
                _("%(name)s is created from %(source)s, not yet published.")
                % {"name": copy.name, "source": conference.name},
            )
            return redirect("organiser:dashboard", slug=copy.slug)
    return render(
        request,
        "organiser/conference_copy.html",
        {"conference": conference, "nav_active": "dashboard", "form": form},
    )
