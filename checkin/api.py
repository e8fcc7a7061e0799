"""Check-in API for door devices: token auth (or the scanner page's session), JSON only."""

import time

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from conference.api_errors import ApiError
from conference.ids import parse_id

from . import api_schema
from .errors import CheckinError
from .presenters import scan_payload, verdict_title
from .selectors import (
    can_scan,
    checkpoint_get,
    checkpoints_for,
    conferences_for_door,
    door_list,
    door_search,
)
from .services import checkpoints_ensure_current, scan_submit, scans_sync

MAX_BATCH = 2000
# A door scans a badge every second or two; looking up its token, checkpoint and right to scan
# for every scan would double the queries. These answers are kept in the worker's memory for a
# short while, so revoking a token or a door assignment takes effect within that time.
CACHE_SECONDS = 30
_token_cache: dict = {}
_door_cache: dict = {}


def _cached(cache, key, load):
    now = time.monotonic()
    hit = cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    if len(cache) > 5000:
        cache.clear()
    cache[key] = (now + CACHE_SECONDS, value)
    return value


def clear_caches():
    _token_cache.clear()
    _door_cache.clear()


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        parent = super().authenticate_credentials
        return _cached(_token_cache, key, lambda: parent(key))


class DoorView(APIView):
    # Token first: an unauthenticated request gets 401 with a WWW-Authenticate header.
    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def checkpoint(self, pk):
        user = self.request.user

        def load():
            checkpoint = checkpoint_get(pk)
            allowed = checkpoint is not None and can_scan(user, checkpoint.conference_id)
            return checkpoint, allowed

        checkpoint, allowed = _cached(_door_cache, (user.pk, pk), load)
        if checkpoint is None:
            raise ApiError(404, "checkpoint_not_found", _("No such checkpoint."))
        if not allowed:
            raise ApiError(403, "not_door_staff", _("You are not door staff at this conference."))
        return checkpoint


def _error(error: CheckinError):
    return ApiError(error.status, error.code, error.message)


def _parse_time(value):
    if value in (None, ""):
        return None
    moment = parse_datetime(str(value))
    if moment is None or timezone.is_naive(moment):
        raise ApiError(
            400, "bad_time", _("The scan time must be an ISO 8601 date and time with a zone.")
        )
    return moment


def _registration_id(value):
    if value in (None, ""):
        return None
    number = parse_id(value)
    if number is None:
        raise ApiError(400, "bad_registration", _("Pick a person from the list."))
    return number


class CheckpointList(DoorView):
    @api_schema.checkpoint_list
    def get(self, request):
        rows = []
        for conference in conferences_for_door(request.user).order_by("-start"):
            # Doors exist for a device that only ever used its token, too.
            checkpoints_ensure_current(conference=conference)
            for checkpoint in checkpoints_for(conference):
                rows.append(
                    {
                        "id": checkpoint.pk,
                        "conference": conference.slug,
                        "kind": checkpoint.kind,
                        "label": checkpoint.label(),
                    }
                )
        return Response(rows)


class ScanCreate(DoorView):
    @api_schema.scan_create
    def post(self, request, pk):
        checkpoint = self.checkpoint(pk)
        data = request.data if isinstance(request.data, dict) else {}
        try:
            result = scan_submit(
                checkpoint=checkpoint,
                scan_id=data.get("scan_id"),
                code=str(data.get("code") or ""),
                registration_id=_registration_id(data.get("registration_id")),
                device_id=str(data.get("device_id") or ""),
                scanned_at=_parse_time(data.get("scanned_at")),
                actor=request.user,
            )
        except CheckinError as error:
            raise _error(error) from None
        return Response(scan_payload(result))


class DoorListView(DoorView):
    @api_schema.door_list
    def get(self, request, pk):
        checkpoint = self.checkpoint(pk)
        return Response(
            {
                "checkpoint": {"id": checkpoint.pk, "label": checkpoint.label()},
                "generated_at": timezone.now().isoformat(),
                "hash": "sha256",
                "titles": {v: verdict_title(v) for v in _verdicts()},
                "people": door_list(checkpoint),
            }
        )


def _verdicts():
    from .models import Verdict

    return Verdict.values


class SyncView(DoorView):
    @api_schema.sync
    def post(self, request, pk):
        checkpoint = self.checkpoint(pk)
        data = request.data if isinstance(request.data, dict) else {}
        items = data.get("scans")
        if not isinstance(items, list) or not items:
            raise ApiError(400, "no_scans", _("Send a list of scans."))
        if len(items) > MAX_BATCH:
            raise ApiError(
                400, "batch_too_large", _("Send at most %(n)s scans at a time.") % {"n": MAX_BATCH}
            )
        parsed = []
        for item in items:
            if not isinstance(item, dict):
                parsed.append({"scan_id": None})
                continue
            try:
                scanned_at = _parse_time(item.get("scanned_at"))
                registration_id = _registration_id(item.get("registration_id"))
            except ApiError:
                scanned_at, registration_id = None, None
            parsed.append({**item, "scanned_at": scanned_at, "registration_id": registration_id})
        results = scans_sync(
            checkpoint=checkpoint,
            scans=parsed,
            device_id=str(data.get("device_id") or ""),
            actor=request.user,
        )
        body = []
        for item, result in zip(items, results, strict=True):
            if isinstance(result, CheckinError):
                scan_id = item.get("scan_id") if isinstance(item, dict) else None
                body.append({"scan_id": scan_id, "code": result.code, "detail": result.message})
            else:
                body.append(scan_payload(result))
        return Response({"results": body})


class SearchView(DoorView):
    @api_schema.search
    def get(self, request, pk):
        checkpoint = self.checkpoint(pk)
        return Response({"results": door_search(checkpoint, request.query_params.get("q", ""))})
