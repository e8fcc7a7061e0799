"""The conference's public face: funder acknowledgement, embedding on other websites, and how
long personal data is kept (with running the anonymisation early). Linked from Inställningar."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from checkin.services.retention import conference_anonymise
from conference import services
from conference.embed import embed_urls
from conference.errors import ProgrammeError
from conference.selectors import funder_logos

from ..access import organiser_required
from ..forms import EmbedOriginsForm, FunderLogoForm, FundingForm, RetentionForm
from .conferences import form_error_add


def _save(request, conference, form, success):
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_update(conference=conference, **form.cleaned_data)
        except ProgrammeError as error:
            form_error_add(form, error)
        else:
            messages.success(request, success)
            return True
    return False


@organiser_required
def funders(request, conference):
    adding = request.method == "POST" and request.POST.get("part") == "logo"
    form = FundingForm(None if adding else request.POST or None, conference=conference)
    logo_form = FunderLogoForm(request.POST if adding else None, request.FILES if adding else None)
    if adding:
        if logo_form.is_valid():
            data = logo_form.cleaned_data
            try:
                services.funder_logo_add(
                    conference=conference,
                    image=data["image"],
                    alt_text=data["alt_text"],
                    alt_text_en=data["alt_text_en"],
                )
            except ProgrammeError as error:
                form_error_add(logo_form, error)
            else:
                messages.success(request, _("The logo is added."))
                return redirect("organiser:funders", slug=conference.slug)
    elif _save(request, conference, form, _("The funding statement is saved.")):
        return redirect("organiser:funders", slug=conference.slug)
    return render(
        request,
        "organiser/funders.html",
        {
            "conference": conference,
            "nav_active": "settings",
            "form": form,
            "logo_form": logo_form,
            "logos": funder_logos(conference=conference),
        },
        status=400 if request.method == "POST" else 200,
    )


@organiser_required
@require_POST
def funder_logo_delete(request, conference, logo_id):
    logo = next((x for x in funder_logos(conference=conference) if x.pk == logo_id), None)
    if logo is None:
        raise Http404("logo")
    services.funder_logo_delete(logo=logo)
    messages.success(request, _("The logo is removed."))
    return redirect("organiser:funders", slug=conference.slug)


def _snippets(conference) -> list[dict]:
    """The snippets to paste, per language: the programme and the button, each with the script
    and as a plain frame. Titles in the snippet's own language (they name the frame)."""
    sections = []
    for code in ("sv", "en"):
        urls = embed_urls(conference, code)
        with translation.override(code):
            name = conference.localized("name")
            kinds = [("programme", _("Programme"), 900), ("register", _("Registration"), 220)]
            items = []
            for kind, what, height in kinds:
                title = escape(f"{name}: {what}")
                address = escape(urls[kind])
                items.append(
                    {
                        "kind": kind,
                        "script": f'<div data-samla-embed="{address}" data-samla-title="{title}">'
                        f'<a href="{address}">{title}</a></div>\n'
                        f'<script src="{escape(urls["script"])}" defer></script>',
                        "frame": f'<iframe src="{address}" title="{title}" width="100%" '
                        f'height="{height}" style="border:0"></iframe>',
                    }
                )
        sections.append({"code": code, "items": items})
    return sections


@organiser_required
def embed(request, conference):
    form = EmbedOriginsForm(request.POST or None, conference=conference)
    if _save(request, conference, form, _("The websites are saved.")):
        return redirect("organiser:embed", slug=conference.slug)
    return render(
        request,
        "organiser/embed.html",
        {
            "conference": conference,
            "nav_active": "settings",
            "form": form,
            "snippets": _snippets(conference),
        },
        status=400 if request.method == "POST" else 200,
    )


@organiser_required
def retention(request, conference):
    form = RetentionForm(request.POST or None, conference=conference)
    if _save(request, conference, form, _("The retention period is saved.")):
        return redirect("organiser:retention", slug=conference.slug)
    return render(
        request,
        "organiser/retention.html",
        {
            "conference": conference,
            "nav_active": "settings",
            "form": form,
            "due": conference.anonymise_after,
            "is_due": conference.anonymise_after <= timezone.now(),
        },
        status=400 if request.method == "POST" else 200,
    )


@organiser_required
def retention_run(request, conference):
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        conference_anonymise(conference=conference, actor=request.user)
        messages.success(request, _("The personal data of this conference is anonymised."))
        return redirect("organiser:retention", slug=conference.slug)
    return render(
        request,
        "organiser/retention_run.html",
        {"conference": conference, "nav_active": "settings"},
    )
