"""Public pages of impact: the attendee's certificate from the private link, and the
verification page a certificate's QR code opens."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from registration.selectors import registration_get_by_token

from .certificates import PDF_TYPE, certificate_render, certificate_verify
from .errors import ImpactError


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def certificate_download(request, token):
    registration = registration_get_by_token(token=token)
    conference = registration.conference
    if conference.end > timezone.now():
        message = _("Certificates of attendance can be downloaded once the conference is over.")
        return _refused(request, registration, message)
    try:
        pdf = certificate_render(registration=registration)
    except ImpactError as error:
        return _refused(request, registration, error.message)
    response = HttpResponse(pdf, content_type=PDF_TYPE)
    name = "intyg" if registration.language == "sv" else "certificate"
    response["Content-Disposition"] = f'attachment; filename="{name}-{conference.slug}.pdf"'
    return _private(response)


def _refused(request, registration, message):
    response = render(
        request,
        "impact/no_certificate.html",
        {"message": message, "registration": registration, "conference": registration.conference},
        status=409,
    )
    return _private(response)


def verify(request, code):
    certificate = certificate_verify(code=code)
    response = render(
        request,
        "impact/verify.html",
        {"certificate": certificate, "code": code[:16]},
        status=200 if certificate else 404,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
