"""Check-in API for door devices: token auth (or the scanner page's session), JSON only."""

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

from . import api_schema, rights
from .door_session import DoorSessionEnded, door_scope
from .errors import CheckinError
from .guard import short_code_missed, short_code_refused
from .models import Verdict, is_short_code, normalise_code
from .presenters import scan_payload, verdict_title
from .selectors import (
    can_scan,
    checkpoint_get,
    conferences_for_door,
    door_list,
    door_other_badges,
    door_search,
    doors_by_conference,
    registrations_changed_at,
)
from .services import checkpoints_ensure_current, scan_submit, scans_sync

MAX_BATCH = 2000


class CachedTokenAuthentication(TokenAuthentication):
    """Token auth whose answer is kept in the shared cache until a right changes (see rights)."""

    def authenticate_credentials(self, key):
        parent = super().authenticate_credentials
        return rights.cached("token", key, lambda: parent(key))


class DoorView(APIView):
    # Token first: an unauthenticated request gets 401 with a WWW-Authenticate header.
    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def scope(self):
        """The one conference a printed log-in limits this session to (None: no limit)."""
        try:
            return door_scope(self.request)
        except DoorSessionEnded:
            raise ApiError(
                403, "door_login_ended", _("Your door log-in is no longer valid.")
            ) from None

    def initial(self, request, *args, **kwargs):
        # One read of the rights version for the token and the door checks of this request.
        self._rights_pin = rights.pin()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        rights.unpin(getattr(self, "_rights_pin", None))
        self._rights_pin = None
        return super().finalize_response(request, response, *args, **kwargs)

    def checkpoint(self, pk):
        user = self.request.user
        scope = self.scope()

        def load():
            checkpoint = checkpoint_get(pk)
            allowed = checkpoint is not None and can_scan(
                user, checkpoint.conference_id, checkpoint.pk
            )
            return checkpoint, allowed

        checkpoint, allowed = rights.cached("door", f"{user.pk}:{pk}", load)
        if checkpoint is None:
            raise ApiError(404, "checkpoint_not_found", _("No such checkpoint."))
        if not allowed or (scope is not None and checkpoint.conference_id != scope):
            raise ApiError(403, "not_door_staff", _("You are not door staff at this conference."))
        return checkpoint


def _refuse_guessing(user):
    if short_code_refused(user):
        raise ApiError(
            429,
            "too_many_misses",
            _("Too many unknown short codes. Wait a few minutes, or scan the QR code."),
        )


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
        only = self.scope()
        conferences = list(conferences_for_door(request.user, only=only).order_by("-start"))
        for conference in conferences:
            # Doors exist for a device that only ever used its token, too.
            checkpoints_ensure_current(conference=conference)
        doors = doors_by_conference(request.user, conferences)
        for conference in conferences:
            for checkpoint in doors[conference.pk]:
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
        short = is_short_code(normalise_code(str(data.get("code") or "")))
        if short:
            _refuse_guessing(request.user)
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
        if short and result.verdict == Verdict.UNKNOWN_CODE:
            short_code_missed(request.user)
        return Response(scan_payload(result))


class DoorListView(DoorView):
    @api_schema.door_list
    def get(self, request, pk):
        checkpoint = self.checkpoint(pk)
        return Response(
            {
                "checkpoint": {"id": checkpoint.pk, "label": checkpoint.label()},
                "generated_at": timezone.now().isoformat(),
                "changed_at": _iso(registrations_changed_at(checkpoint.conference_id)),
                "hash": "sha256",
                "titles": {v: verdict_title(v) for v in _verdicts()},
                "people": door_list(checkpoint),
                "other_conferences": door_other_badges(checkpoint),
            }
        )


class StatusView(DoorView):
    @api_schema.door_status
    def get(self, request, pk):
        checkpoint = self.checkpoint(pk)
        return Response({"changed_at": _iso(registrations_changed_at(checkpoint.conference_id))})


def _iso(moment):
    return moment.isoformat() if moment is not None else None


def _verdicts():
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
        shorts = [
            isinstance(item, dict) and is_short_code(normalise_code(str(item.get("code") or "")))
            for item in items
        ]
        if any(shorts):
            _refuse_guessing(request.user)
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
        misses = sum(
            1
            for short, result in zip(shorts, results, strict=True)
            if short
            and not isinstance(result, CheckinError)
            and result.verdict == Verdict.UNKNOWN_CODE
        )
        if misses:
            short_code_missed(request.user, misses)
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
