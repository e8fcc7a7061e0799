"""Namnbrickor: badge PDFs made in the background, and a person's badge code (revoke or
reissue) from their page. Rendering stays in checkin; these views only ask for it."""

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from checkin.errors import CheckinError
from checkin.models import BadgeJob
from checkin.selectors import badge_job_get, badge_jobs
from checkin.services import badge_code_reissue, badge_code_revoke, badge_job_create
from registration import selectors as registration_selectors

from ..access import organiser_required
from ..forms import BadgeJobForm


@organiser_required
@require_http_methods(["GET", "POST"])
def badges(request, conference):
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
            return redirect("organiser:badge-job", slug=conference.slug, pk=job.pk)
    else:
        form = BadgeJobForm(initial={"kind": BadgeJob.Kind.CARD})
    jobs = badge_jobs(conference)
    return render(
        request,
        "organiser/badges/list.html",
        {"conference": conference, "nav_active": "badges", "form": form, "jobs": jobs},
        status=400 if request.method == "POST" else 200,
    )


@organiser_required
def badge_job(request, conference, pk):
    job = badge_job_get(conference, pk)
    if job is None:
        raise Http404("badge job")
    return render(
        request,
        "organiser/badges/job.html",
        {"conference": conference, "nav_active": "badges", "job": job},
    )


@organiser_required
def badge_job_download(request, conference, pk):
    job = badge_job_get(conference, pk, ready=True)
    if job is None:
        raise Http404("badge job")
    return FileResponse(
        job.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{conference.slug}-{job.kind}.pdf",
    )


@organiser_required
@require_POST
def badge_code_action(request, conference, pk):
    """Revoke a registration's badge code, or reissue one (a lost badge)."""
    registration = registration_selectors.registration_in(conference=conference, pk=pk)
    if registration is None:
        raise Http404("registration")
    back = reverse("organiser:registration", args=[conference.slug, registration.pk])
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
    except CheckinError as error:
        messages.error(request, error.message)
    return redirect(f"{back}#badge-code")
