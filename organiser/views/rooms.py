"""Lokaler och teman: the conference's rooms and themes, through conference.catalogue."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from conference import catalogue
from conference.errors import ProgrammeError
from conference.models import Room, Track
from conference.selectors import rooms_and_tracks

from ..access import organiser_required
from ..programme_forms import RoomForm, TrackForm
from .owned import owned_or_404


def _list_url(conference):
    return reverse("organiser:rooms", kwargs={"slug": conference.slug})


@organiser_required
def room_list(request, conference):
    rooms, tracks = rooms_and_tracks(conference=conference)
    return render(
        request,
        "organiser/rooms.html",
        {"conference": conference, "nav_active": "rooms", "rooms": rooms, "tracks": tracks},
    )


@organiser_required
def room_add(request, conference):
    position = Room.objects.filter(conference=conference).count()
    return _form(request, conference, Room(conference=conference, position=position))


@organiser_required
def room_edit(request, conference, pk):
    return _form(request, conference, owned_or_404(Room.objects, conference=conference, pk=pk))


@organiser_required
def track_add(request, conference):
    return _form(request, conference, Track(conference=conference))


@organiser_required
def track_edit(request, conference, pk):
    return _form(request, conference, owned_or_404(Track.objects, conference=conference, pk=pk))


def _form(request, conference, thing):
    is_room = isinstance(thing, Room)
    form_class = RoomForm if is_room else TrackForm
    save = catalogue.room_save if is_room else catalogue.track_save
    if request.method == "POST":
        form = form_class(request.POST, instance=thing)
        if form.is_valid():
            try:
                save(**{"room" if is_room else "track": form.instance})
            except ProgrammeError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("%(name)s is saved.") % {"name": thing.name})
                return redirect(_list_url(conference))
    else:
        form = form_class(instance=thing)
    return render(
        request,
        "organiser/room_form.html",
        {
            "conference": conference,
            "nav_active": "rooms",
            "form": form,
            "is_room": is_room,
            "thing": thing if thing.pk else None,
        },
    )


@organiser_required
def room_delete(request, conference, pk):
    room = owned_or_404(Room.objects, conference=conference, pk=pk)
    return _delete(request, conference, room, catalogue.room_delete, "room")


@organiser_required
def track_delete(request, conference, pk):
    track = owned_or_404(Track.objects, conference=conference, pk=pk)
    return _delete(request, conference, track, catalogue.track_delete, "track")


def _delete(request, conference, thing, delete, keyword):
    error = None
    if request.method == "POST":
        try:
            delete(**{keyword: thing})
        except ProgrammeError as refused:
            error = refused.message
        else:
            messages.success(request, _("%(name)s is deleted.") % {"name": thing.name})
            return redirect(_list_url(conference))
    return render(
        request,
        "organiser/confirm_delete.html",
        {
            "conference": conference,
            "nav_active": "rooms",
            "thing": thing.name,
            "error": error,
            "back_url": _list_url(conference),
        },
        status=400 if error else 200,
    )
