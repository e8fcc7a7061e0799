import json

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registration.models import Registration

from .badges import render_sheet
from .door_session import DoorSessionEnded, door_scope, door_session_start
from .errors import CheckinError
from .models import Verdict
from .offline import SCANNER_ASSETS, SW_TEMPLATE, scanner_version
from .presenters import verdict_title
from .selectors import (
    can_scan,
    checkpoint_get,
    conferences_for_door,
    doors_by_conference,
)
from .services import (
    badge_code_for,
    checkpoints_ensure_current,
    door_link_use,
)

door_required = login_required(login_url="checkin:login")


def door_manifest(request):
    """The web app manifest: the door list is the app's start, the door pages its scope."""
    door = reverse("checkin:door")
    manifest = {
        "name": _("Samla door scanner"),
        "short_name": _("Samla door"),
        "description": _("Check people in at the door, also without a network."),
        "lang": get_language(),
        "start_url": door,
        "scope": door,
        "display": "standalone",
        "background_color": "#111111",
        "theme_color": "#22543d",
        "icons": [
            {
                "src": static(f"checkin/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


def door_service_worker(request):
    """The scanner's service worker, under the door pages' own path so that its scope covers
    them (/door/ and, in English, /en/door/). Public: it holds static URLs only."""
    response = render(
        request,
        SW_TEMPLATE,
        {
            "version": scanner_version(),
            "assets_json": json.dumps([static(name) for name in SCANNER_ASSETS]),
            "scope_json": json.dumps(reverse("checkin:door")),
            "start_json": json.dumps(reverse("checkin:door")),
        },
        content_type="text/javascript",
    )
    # Browsers check the worker for updates on navigation; never serve them a stale one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("checkin:door")
    return response


class DoorLoginView(auth_views.LoginView):
    template_name = "checkin/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("checkin:door")


def _door_scope_or_login(request):
    try:
        return door_scope(request), None
    except DoorSessionEnded:
        messages.error(request, _("Your door log-in is no longer valid. Ask the organisers."))
        return None, redirect("checkin:login")


@door_required
def door_home(request):
    scope, ended = _door_scope_or_login(request)
    if ended:
        return ended
    conferences = list(conferences_for_door(request.user, only=scope).order_by("-start"))
    for conference in conferences:
        checkpoints_ensure_current(conference=conference)
    doors = doors_by_conference(request.user, conferences)
    groups = [(conference, doors[conference.pk]) for conference in conferences]
    status = 200 if groups else 403
    return render(request, "checkin/door_home.html", {"groups": groups}, status=status)


def door_link_login(request, secret):
    """The address in a volunteer's printed QR code: logs this phone in to the door scanner of
    that conference only."""
    try:
        link = door_link_use(secret=secret)
    except CheckinError as error:
        return render(
            request, "checkin/door_link_refused.html", {"message": error.message}, status=403
        )
    door_session_start(request, link)
    return redirect("checkin:door")


def _scanner_strings():
    strings = {f"verdict_{v}": verdict_title(v) for v in Verdict.values}
    strings.update(
        {
            "online": _("Online"),
            "offline": _("Offline: deciding on this phone"),
            "queued": _("%(n)s scans waiting to sync"),
            "synced": _("All scans synced"),
            "no_queue": _("No scans waiting to sync"),
            "other_conference": _("The badge is for another conference: %(name)s"),
            "other_detail": _("Not valid here. Send them to the desk."),
            "offline_note": _("Offline: saved on this phone, will sync"),
            "checked_in_at": _("Checked in at %(time)s"),
            "camera_off": _("Camera not available. Use a scanner or search by name."),
            "no_results": _("No one found."),
            "check_in": _("Check in"),
            "ok_detail": _("Let them in."),
            "unknown_detail": _("The code is unknown or was replaced. Send them to the desk."),
            "cancelled_detail": _("This registration was cancelled."),
            "waiting_detail": _("On the waiting list, without a seat. Ask them to see the desk."),
            "not_signed_up_detail": _("No place in this session. The desk can help."),
            "error": _("Could not check this scan. Try again."),
            "list_loaded": _("%(n)s people on this device, list from %(time)s"),
            "no_list": _("No list on this device yet: it cannot decide without a network."),
            "list_stale": _(
                "Registrations changed after this device's list was made. Go online to refresh it."
            ),
            "storage_full": _(
                "This device's storage is full: scans are kept only until the page closes. "
                "Sync before you reload."
            ),
            "storage_refused": _(
                "This browser refused to save on the device: scans are kept only until the page "
                "closes. Sync before you reload."
            ),
        }
    )
    return strings


@door_required
def door_scan(request, pk):
    scope, ended = _door_scope_or_login(request)
    if ended:
        return ended
    checkpoint = checkpoint_get(pk)
    if checkpoint is None:
        raise Http404("checkpoint")
    if scope is not None and checkpoint.conference_id != scope:
        raise PermissionDenied
    if not can_scan(request.user, checkpoint.conference_id, checkpoint.pk):
        raise PermissionDenied
    config = {
        "checkpoint": checkpoint.pk,
        "scanUrl": reverse("checkin-api:scan", kwargs={"pk": checkpoint.pk}),
        "listUrl": reverse("checkin-api:list", kwargs={"pk": checkpoint.pk}),
        "syncUrl": reverse("checkin-api:sync", kwargs={"pk": checkpoint.pk}),
        "searchUrl": reverse("checkin-api:search", kwargs={"pk": checkpoint.pk}),
        "statusUrl": reverse("checkin-api:status", kwargs={"pk": checkpoint.pk}),
        "zxingWasm": static("vendor/zxing-wasm/zxing_reader.wasm"),
        "version": scanner_version(),
        "csrf": get_token(request),
        "strings": _scanner_strings(),
    }
    return render(
        request,
        "checkin/scanner.html",
        {
            "checkpoint": checkpoint,
            "conference": checkpoint.conference,
            "config": config,
            "scanner_version": scanner_version(),
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
    pdf = render_sheet(
        registration.conference, [(registration, code.code, code.short_code)], layout="a6"
    )
    return _pdf(pdf, f"badge-{registration.conference.slug}.pdf")
