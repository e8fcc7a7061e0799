"""Talare: the conference's speakers, added, corrected and deleted through conference.catalogue."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from conference import catalogue
from conference.errors import ProgrammeError
from conference.models import Speaker
from conference.selectors import speakers_for

from ..access import organiser_required
from ..programme_forms import SpeakerForm
from .owned import owned_or_404


def _list_url(conference):
    return reverse("organiser:speakers", kwargs={"slug": conference.slug})


@organiser_required
def speaker_list(request, conference):
    return render(
        request,
        "organiser/speakers.html",
        {
            "conference": conference,
            "nav_active": "speakers",
            "speakers": speakers_for(conference=conference),
        },
    )


@organiser_required
def speaker_add(request, conference):
    return _speaker_form(request, conference, Speaker(conference=conference))


@organiser_required
def speaker_edit(request, conference, pk):
    return _speaker_form(
        request, conference, owned_or_404(Speaker.objects, conference=conference, pk=pk)
    )


def _speaker_form(request, conference, speaker):
    if request.method == "POST":
        form = SpeakerForm(request.POST, request.FILES, instance=speaker)
        if form.is_valid():
            try:
                catalogue.speaker_save(speaker=form.instance)
            except ProgrammeError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("%(name)s is saved.") % {"name": speaker.name})
                return redirect(_list_url(conference))
    else:
        form = SpeakerForm(instance=speaker)
    return render(
        request,
        "organiser/speaker_form.html",
        {
            "conference": conference,
            "nav_active": "speakers",
            "form": form,
            "speaker": speaker if speaker.pk else None,
        },
    )


@organiser_required
def speaker_delete(request, conference, pk):
    speaker = owned_or_404(Speaker.objects, conference=conference, pk=pk)
    error = None
    if request.method == "POST":
        try:
            catalogue.speaker_delete(speaker=speaker)
        except ProgrammeError as refused:
            error = refused.message
        else:
            messages.success(request, _("%(name)s is deleted.") % {"name": speaker.name})
            return redirect(_list_url(conference))
    return render(
        request,
        "organiser/confirm_delete.html",
        {
            "conference": conference,
            "nav_active": "speakers",
            "thing": speaker.name,
            "error": error,
            "back_url": _list_url(conference),
        },
        status=400 if error else 200,
    )
