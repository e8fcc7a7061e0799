"""Material: files and links attached to sessions, and when attendees see them. Part of the
programme area."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conference import materials as service
from conference.errors import ProgrammeError
from conference.models import Session, SessionMaterial
from conference.presenters import UNLINKED_KINDS

from ..access import organiser_required
from ..material_forms import MaterialForm
from .conferences import form_error_add

AREA = "programme"


def _sessions(conference):
    return list(
        Session.objects.filter(conference=conference)
        .exclude(kind__in=UNLINKED_KINDS)
        .order_by("start", "id")
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def material_list(request, conference):
    form = MaterialForm(request.POST or None, request.FILES or None, sessions=_sessions(conference))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.material_add(
                    session=form.chosen_session(),
                    title=data["title"],
                    title_en=data["title_en"],
                    upload=data["file"],
                    url=data["url"],
                    visibility=data["visibility"],
                )
            except ProgrammeError as error:
                form_error_add(form, error)
            else:
                messages.success(request, _("The material is added."))
                return redirect("organiser:materials", slug=conference.slug)
    with timezone.override(conference.time_zone):
        return render(
            request,
            "organiser/materials.html",
            {
                "conference": conference,
                "nav_active": AREA,
                "form": form,
                "materials": service.materials_all(conference=conference),
            },
            status=status,
        )


@organiser_required
@require_POST
def material_delete(request, conference, pk):
    material = SessionMaterial.objects.filter(session__conference=conference, pk=pk).first()
    if material is None:
        raise Http404("material")
    service.material_delete(material=material)
    messages.success(request, _("The material is removed."))
    return redirect("organiser:materials", slug=conference.slug)
