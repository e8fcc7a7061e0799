"""Inställningar: the conference's own fields; publishing and unpublishing, each confirmed."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from conference import services
from conference.errors import ProgrammeError

from ..access import organiser_required
from ..forms import ConferenceSettingsForm
from .conferences import form_error_add


@organiser_required
def conference_settings(request, conference):
    form = ConferenceSettingsForm(request.POST or None, conference=conference)
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_update(conference=conference, **form.cleaned_data)
        except ProgrammeError as error:
            form_error_add(form, error)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("organiser:settings", slug=conference.slug)
    return render(
        request,
        "organiser/settings.html",
        {"conference": conference, "nav_active": "settings", "form": form},
    )


def _publish_toggle(request, conference, *, publish: bool):
    if request.method == "POST":
        try:
            if publish:
                services.conference_publish(conference=conference)
            else:
                services.conference_unpublish(conference=conference)
        except ProgrammeError as error:
            messages.error(request, error.message)
        else:
            if publish:
                messages.success(request, _("The conference is published: everyone can see it."))
            else:
                messages.success(
                    request, _("The conference is unpublished: only its organisers can see it.")
                )
        return redirect("organiser:dashboard", slug=conference.slug)
    return render(
        request,
        "organiser/publish_confirm.html",
        {"conference": conference, "nav_active": "dashboard", "publish": publish},
    )


@organiser_required
def conference_publish(request, conference):
    return _publish_toggle(request, conference, publish=True)


@organiser_required
def conference_unpublish(request, conference):
    return _publish_toggle(request, conference, publish=False)
