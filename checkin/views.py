from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from conference.ids import parse_id
from conference.models import Conference
from conference.selectors import conferences_for_user
from registration.models import Registration, Sector

from .badges import render_sheet
from .errors import CheckinError
from .models import BadgeJob, Verdict
from .presenters import verdict_title
from .selectors import (
    can_scan,
    checkpoint_get,
    checkpoints_for,
    conferences_for_door,
    duplicates_for,
    is_organiser,
    live_counts,
)
from .services import (
    badge_code_for,
    badge_code_reissue,
    badge_code_revoke,
    badge_job_create,
    checkpoints_ensure_current,
)

door_required = login_required(login_url="checkin:login")


class DoorLoginView(auth_views.LoginView):
    template_name = "checkin/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("checkin:door")


@door_required
def door_home(request):
    conferences = list(conferences_for_door(request.user).order_by("-start"))
    groups = []
    for conference in conferences:
        checkpoints_ensure_current(conference=conference)
        groups.append((conference, checkpoints_for(conference)))
    status = 200 if groups else 403
    return render(request, "checkin/door_home.html", {"groups": groups}, status=status)


def _scanner_strings():
    strings = {f"verdict_{v}": verdict_title(v) for v in Verdict.values}
    strings.update(
        {
            "online": _("Online"),
            "offline": _("Offline: deciding on this phone"),
            "queued": _("%(n)s scans waiting to sync"),
            "synced": _("All scans synced"),
            "offline_note": _("Offline: saved on this phone, will sync"),
            "checked_in_at": _("Checked in at %(time)s"),
            "camera_off": _("Camera not available. Use a scanner or search by name."),
            "no_results": _("No one found."),
            "check_in": _("Check in"),
            "list_loaded": _("%(n)s people on this device"),
            "ok_detail": _("Let them in."),
            "unknown_detail": _("The code is unknown or was replaced. Send them to the desk."),
            "cancelled_detail": _("This registration was cancelled."),
            "waiting_detail": _("On the waiting list, without a seat. Ask them to see the desk."),
            "not_signed_up_detail": _("No place in this session. The desk can help."),
            "error": _("Could not check this scan. Try again."),
        }
    )
    return strings


@door_required
def door_scan(request, pk):
    checkpoint = checkpoint_get(pk)
    if checkpoint is None:
        raise Http404("checkpoint")
    if not can_scan(request.user, checkpoint.conference_id):
        raise PermissionDenied
    config = {
        "checkpoint": checkpoint.pk,
        "scanUrl": reverse("checkin-api:scan", kwargs={"pk": checkpoint.pk}),
        "listUrl": reverse("checkin-api:list", kwargs={"pk": checkpoint.pk}),
        "syncUrl": reverse("checkin-api:sync", kwargs={"pk": checkpoint.pk}),
        "searchUrl": reverse("checkin-api:search", kwargs={"pk": checkpoint.pk}),
        "csrf": get_token(request),
        "strings": _scanner_strings(),
    }
    return render(
        request,
        "checkin/scanner.html",
        {"checkpoint": checkpoint, "conference": checkpoint.conference, "config": config},
    )


def _organised(request, slug) -> Conference:
    conference = get_object_or_404(Conference, slug=slug)
    if not is_organiser(request.user, conference):
        raise PermissionDenied
    return conference


@door_required
def live(request, slug):
    conference = _organised(request, slug)
    checkpoints_ensure_current(conference=conference)
    selected = request.GET.get("missing")
    selected = parse_id(selected)
    with timezone.override(conference.time_zone):
        counts = live_counts(conference, missing_for=selected)
        duplicates = list(duplicates_for(conference)[:50])
        return render(
            request,
            "checkin/live.html",
            {
                "conference": conference,
                "counts": counts,
                "selected": selected,
                "duplicates": duplicates,
                "now": timezone.now(),
            },
        )


# Badges ------------------------------------------------------------------------------------------


def _pdf(data: bytes, filename: str, *, inline=True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def my_badge(request, token):
    """An attendee's own badge, by their private link. Issues the code on first download."""
    registration = get_object_or_404(
        Registration.objects.select_related("conference"), manage_token=token
    )
    try:
        code = badge_code_for(registration)
    except CheckinError as error:
        return render(
            request,
            "checkin/no_badge.html",
            {"message": error.message, "conference": registration.conference},
            status=409,
        )
    pdf = render_sheet(registration.conference, [(registration, code.code)], layout="a6")
    return _pdf(pdf, f"badge-{registration.conference.slug}.pdf")


class BadgeJobForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("Layout"), choices=BadgeJob.Kind.choices)
    sector = forms.ChoiceField(
        label=_lazy("Sector"), choices=[("", _lazy("All"))] + Sector.choices, required=False
    )
    q = forms.CharField(
        label=_lazy("Name or organisation contains"), required=False, max_length=100
    )
    since = forms.DateField(label=_lazy("Registered on or after"), required=False)

    def filters(self):
        data = self.cleaned_data
        filters = {key: data[key] for key in ("sector", "q") if data.get(key)}
        if data.get("since"):
            filters["since"] = data["since"].isoformat()
        return filters


@door_required
def badges(request, slug):
    conference = _organised(request, slug)
    if request.method == "POST":
        form = BadgeJobForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                job = badge_job_create(
                    conference=conference,
                    kind=form.cleaned_data["kind"],
                    filters=form.filters(),
                    actor=request.user,
                )
            return redirect("checkin:badge-job", slug=conference.slug, pk=job.pk)
    else:
        form = BadgeJobForm(initial={"kind": BadgeJob.Kind.CARD})
    jobs = BadgeJob.objects.filter(conference=conference).order_by("-created_at")[:20]
    return render(
        request,
        "checkin/badges_page.html",
        {"conference": conference, "form": form, "jobs": jobs},
    )


@door_required
def badge_job(request, slug, pk):
    conference = _organised(request, slug)
    job = get_object_or_404(BadgeJob, conference=conference, pk=pk)
    return render(request, "checkin/badge_job.html", {"conference": conference, "job": job})


@door_required
def badge_job_download(request, slug, pk):
    conference = _organised(request, slug)
    job = get_object_or_404(BadgeJob, conference=conference, pk=pk, status=BadgeJob.Status.DONE)
    return FileResponse(
        job.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{conference.slug}-{job.kind}.pdf",
    )


@staff_member_required
@require_POST
def badge_code_action(request, slug, pk):
    """Revoke a registration's badge code, or reissue one (a lost badge), from the organiser's
    registration page. Only for conferences the user organises; others get 404."""
    conference = conferences_for_user(request.user).filter(slug=slug).first()
    if conference is None:
        raise Http404("conference")
    registration = get_object_or_404(Registration, conference=conference, pk=pk)
    back = reverse("registration:organiser-detail", args=[conference.slug, registration.pk])
    action = request.POST.get("action")
    try:
        if action == "revoke":
            badge_code_revoke(registration=registration, actor=request.user)
            messages.success(request, _("The badge code was revoked."))
        elif action == "reissue":
            badge_code_reissue(registration=registration, actor=request.user)
            messages.success(
                request, _("A new badge code was issued; the old badge no longer works.")
            )
        else:
            messages.error(request, _("Pick revoke or reissue."))
            return redirect(f"{back}#badge-code", permanent=False)
    except CheckinError as error:
        messages.error(request, error.message)
    return redirect(f"{back}#badge-code")
