"""OpenAPI descriptions of the check-in API. The views parse and answer by hand (a door scans
every second or two, and a serializer round trip per scan costs more than the lookup), so
these serializers document the shapes for drf-spectacular and are not used at run time."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

from .models import Verdict

ERROR = inline_serializer(
    "CheckinError", {"code": serializers.CharField(), "detail": serializers.CharField()}
)


def _person_fields():
    return {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "organisation": serializers.CharField(),
        "status": serializers.CharField(),
    }


PERSON = inline_serializer("DoorPerson", _person_fields())
SCAN_IN = {
    "scan_id": serializers.UUIDField(help_text="Made by the device; a retry sends it again."),
    "code": serializers.CharField(
        required=False,
        help_text="The badge code as scanned, or its short code as typed (K7QM-3XPD, any case).",
    ),
    "registration_id": serializers.IntegerField(
        required=False, help_text="Instead of a code: a person picked by name search."
    ),
    "device_id": serializers.CharField(required=False),
    "scanned_at": serializers.DateTimeField(
        required=False, help_text="When the device scanned (offline scans); ISO 8601 with zone."
    ),
}
SCAN_OUT = inline_serializer(
    "ScanResult",
    {
        "scan_id": serializers.UUIDField(),
        "verdict": serializers.ChoiceField(choices=Verdict.choices),
        "title": serializers.CharField(),
        "detail": serializers.CharField(),
        "is_duplicate": serializers.BooleanField(),
        "scanned_at": serializers.DateTimeField(),
        # Null for an unknown code; `entry` is the earlier entry, null on a first one.
        "person": inline_serializer("ScanPerson", _person_fields(), allow_null=True),
        "entry": inline_serializer(
            "ScanEntry",
            {
                "at": serializers.DateTimeField(),
                "checkpoint": serializers.CharField(),
                "device": serializers.CharField(),
            },
            allow_null=True,
        ),
    },
)
ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 429: ERROR}

checkpoint_list = extend_schema(
    summary="Checkpoints this door user may scan at",
    responses={
        200: inline_serializer(
            "Checkpoint",
            {
                "id": serializers.IntegerField(),
                "conference": serializers.SlugField(),
                "kind": serializers.CharField(),
                "label": serializers.CharField(),
            },
            many=True,
        ),
        **ERRORS,
    },
)
scan_create = extend_schema(
    summary="Submit one scan; the same scan_id again answers the first verdict",
    request=inline_serializer("ScanRequest", SCAN_IN),
    responses={200: SCAN_OUT, **ERRORS},
)
door_list = extend_schema(
    summary="The checkpoint's list for deciding offline (code hashes, never codes)",
    responses={
        200: inline_serializer(
            "DoorList",
            {
                "checkpoint": serializers.DictField(),
                "generated_at": serializers.DateTimeField(),
                "changed_at": serializers.DateTimeField(
                    help_text="The conference's last registration or badge change"
                ),
                "hash": serializers.CharField(),
                "titles": serializers.DictField(child=serializers.CharField()),
                "people": serializers.ListField(child=serializers.DictField()),
                "other_conferences": serializers.DictField(
                    child=serializers.CharField(),
                    help_text="Code hash → name of the organisers' other conference it is for",
                ),
            },
        ),
        **ERRORS,
    },
)
door_status = extend_schema(
    summary="When the conference's registrations or badges last changed (is my list stale?)",
    responses={
        200: inline_serializer("DoorStatus", {"changed_at": serializers.DateTimeField()}),
        **ERRORS,
    },
)
sync = extend_schema(
    summary="Sync a batch of offline scans: the earliest scan of a badge wins",
    request=inline_serializer(
        "SyncRequest",
        {
            "device_id": serializers.CharField(required=False),
            "scans": serializers.ListField(child=inline_serializer("SyncScan", SCAN_IN)),
        },
    ),
    responses={
        200: inline_serializer(
            "SyncResult", {"results": serializers.ListField(child=serializers.DictField())}
        ),
        **ERRORS,
    },
)
search = extend_schema(
    summary="Search people at this checkpoint by name",
    parameters=[OpenApiParameter("q", str, description="Part of a name or organisation")],
    responses={
        200: inline_serializer(
            "SearchResult", {"results": serializers.ListField(child=serializers.DictField())}
        ),
        **ERRORS,
    },
)


class DoorTokenScheme(OpenApiAuthenticationExtension):
    """Door devices' token, the same header as DRF's TokenAuthentication."""

    target_class = "checkin.api.CachedTokenAuthentication"
    name = "doorTokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        scheme_word = "Token"  # noqa: S105 - the Authorization header's scheme, not a secret
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=scheme_word
        )
