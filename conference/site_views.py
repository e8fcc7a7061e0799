"""What every visitor may read about who runs this Samla: the privacy notice (GDPR Art. 13),
the accessibility statement (lag 2018:1937, DOS-lagen) and the form to report a barrier."""

import logging
from smtplib import SMTPException

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .selectors import site_profile_get

logger = logging.getLogger(__name__)

# At most this many barrier reports an hour from one address, and from everyone together.
REPORTS_PER_HOUR_PER_CLIENT = 5
REPORTS_PER_HOUR = 100


def _language():
    return "en" if (translation.get_language() or "sv").startswith("en") else "sv"


def privacy_notice(request):
    profile = site_profile_get()
    return render(request, f"conference/site/privacy_{_language()}.html", {"profile": profile})


def accessibility_statement(request):
    profile = site_profile_get()
    return render(
        request, f"conference/site/accessibility_{_language()}.html", {"profile": profile}
    )


class BarrierReportForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("What did not work?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    where = forms.CharField(
        label=gettext_lazy("On which page (address or name)?"), max_length=500, required=False
    )
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address, if you want an answer"), required=False
    )


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _allowed(request) -> bool:
    """Count this report against the hourly limits; False once either is used up."""
    keys = (f"barrier-report:{_client(request)}", "barrier-report:all")
    limits = (REPORTS_PER_HOUR_PER_CLIENT, REPORTS_PER_HOUR)
    for key, limit in zip(keys, limits, strict=True):
        cache.add(key, 0, 60 * 60)
        try:
            if cache.incr(key) > limit:
                return False
        except ValueError:  # the key expired between add and incr
            cache.set(key, 1, 60 * 60)
    return True


def _recipients(profile) -> list[str]:
    if profile.contact_email:
        return [profile.contact_email]
    users = get_user_model().objects.filter(is_superuser=True, is_active=True)
    return [address for address in users.values_list("email", flat=True) if address]


def barrier_report(request):
    profile = site_profile_get()
    form = BarrierReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recipients = _recipients(profile)
        if not _allowed(request):
            form.add_error(None, _("Too many reports from here just now. Try again in an hour."))
        elif not recipients:
            form.add_error(None, _("Reports cannot be sent yet: no contact address is set."))
        else:
            data = form.cleaned_data
            with translation.override("sv"):
                body = render_to_string("conference/site/barrier_email.txt", {"report": data})
            message = EmailMessage(
                subject=_("Accessibility barrier reported"),
                body=body,
                to=recipients,
                reply_to=[data["email"]] if data["email"] else None,
            )
            try:
                message.send()
            except (SMTPException, OSError):
                logger.exception("barrier report not sent")
                form.add_error(
                    None,
                    _("Your report could not be sent. Please write to us instead: %(email)s")
                    % {"email": ", ".join(recipients)},
                )
            else:
                messages.success(request, _("Thank you. Your report has been sent."))
                return redirect("site:accessibility")
    return render(
        request, "conference/site/barrier_report.html", {"form": form, "profile": profile}
    )


def site_logo(request):
    """The organisation's logo for every page's header (Samla's own mark until an operator has
    uploaded one). A separate address, so that pages need no query for it."""
    profile = site_profile_get()
    if profile.logo:
        try:
            handle = profile.logo.open("rb")
        except OSError:
            handle = None
        if handle is not None:
            kind = "image/png" if profile.logo.name.lower().endswith(".png") else "image/jpeg"
            response = FileResponse(handle, content_type=kind)
            response["Cache-Control"] = "max-age=300"
            return response
    return redirect(static("favicon.svg"))
