"""Intyg: what the certificates of attendance carry, all of them as one PDF, and sending them to
everyone present by e-mail (impact.certificates, impact.services)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from impact import selectors, services
from impact.attendance import attendance_get
from impact.certificates import PDF_TYPE, certificates_render
from impact.errors import ImpactError
from impact.models import CertificateSettings

from ..access import organiser_required
from ..impact_forms import CertificateSettingsForm

AREA = "report"


@organiser_required
@require_http_methods(["GET", "POST"])
def certificates(request, conference):
    options = CertificateSettings.objects.filter(conference=conference).first()
    initial = {}
    if options is not None:
        initial = {
            key: getattr(options, key)
            for key in ("issuer", "signer_name", "signer_title", "signer_title_en")
        }
    form = CertificateSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.certificate_settings_save(
            conference=conference,
            issuer=data["issuer"],
            signer_name=data["signer_name"],
            signer_title=data["signer_title"],
            signer_title_en=data["signer_title_en"],
            logo=data["logo"] or None,
            signature=data["signature"] or None,
        )
        messages.success(request, _("The certificate settings are saved."))
        return redirect("organiser:certificates", slug=conference.slug)
    return render(
        request,
        "organiser/certificates.html",
        {
            "conference": conference,
            "nav_active": AREA,
            "form": form,
            "options": options,
            "present": len(attendance_get(conference=conference).present()),
            **selectors.certificate_counts(conference=conference),
        },
        status=400 if request.method == "POST" else 200,
    )


@organiser_required
def certificates_download(request, conference):
    try:
        pdf = certificates_render(conference=conference)
    except ImpactError as error:
        messages.error(request, error.message)
        return redirect("organiser:certificates", slug=conference.slug)
    response = HttpResponse(pdf, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{conference.slug}-intyg.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@organiser_required
@require_POST
def certificates_send(request, conference):
    services.certificates_send(conference=conference, actor=request.user)
    messages.success(
        request,
        _(
            "The certificates are on their way to everyone present who has not had one yet. "
            "Failed e-mails show under Registrations."
        ),
    )
    return redirect("organiser:certificates", slug=conference.slug)
