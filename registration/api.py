"""The registration API.

Creating a registration always answers 202 {"code": "check_email"}, whether the address was new
or already registered: the private token goes only to the e-mail address, so the API never
reveals whether someone else is registered (`already_registered` is only returned to
organisers). The token then reads, changes and cancels the registration.
"""

import re

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import permissions, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from conference.api_errors import ApiError
from conference.ids import MAX_ID
from conference.models import CODE_ALPHABET, Conference, Session
from conference.selectors import conferences_for_user

from . import exports, selectors, services
from .errors import RegistrationError
from .models import Diet, Registration, Sector

# Conflicts with the state of the conference answer 409; bad input 400.
CONFLICT_CODES = {
    "registration_closed",
    "registration_not_open",
    "conference_full",
    "session_full",
    "already_registered",
    "registration_cancelled",
    "no_offer",
    "offer_expired",
}


def _api_error(error: RegistrationError) -> ApiError:
    code = status.HTTP_409_CONFLICT if error.code in CONFLICT_CODES else 400
    errors = {error.field: [str(error.message)]} if error.field else None
    return ApiError(code, error.code, error.message, errors)


ERROR = inline_serializer(
    "RegistrationApiError",
    {
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(required=False),
    },
)


SESSION_CODE = re.compile(f"^[{CODE_ALPHABET}]{{8}}$")


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "pattern": SESSION_CODE.pattern},
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        ],
        "description": "The session's `id` as the sessions API publishes it (its code, e.g. "
        '"K7PQ2M9X"), or its integer database id.',
    }
)
class SessionRefField(serializers.Field):
    """A session or meal named by its code (a string, as the sessions API gives it) or by its
    id (a whole number a database id can be, conference.ids). Returns a str or an int."""

    default_error_messages = {"invalid": _lazy("Enter a session code or id.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.id_field = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def to_internal_value(self, data):
        if isinstance(data, str) and SESSION_CODE.match(data):
            return data
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        return self.id_field.run_validation(data)

    def to_representation(self, value):
        return value


def _id_field():
    return SessionRefField()


def _session_ids(slug: str, data: dict) -> dict:
    """`data` with the session codes in "sessions" and "meals" turned into ids."""
    for field in ("sessions", "meals"):
        if data.get(field):
            data[field] = selectors.session_ids_for_refs(conference_slug=slug, refs=data[field])
    return data


class DetailsSerializer(serializers.Serializer):
    # Lengths are checked by the service (with the same message in the form and the API);
    # the generous caps here only stop absurd payloads early.
    name = serializers.CharField(max_length=20_000, allow_blank=True)
    organisation = serializers.CharField(max_length=20_000, allow_blank=True, required=False)
    sector = serializers.ChoiceField(choices=Sector.choices)
    diets = serializers.ListField(
        child=serializers.ChoiceField(choices=Diet.choices), required=False, max_length=20
    )
    diet_other = serializers.CharField(max_length=20_000, allow_blank=True, required=False)
    accessibility = serializers.CharField(max_length=20_000, allow_blank=True, required=False)
    language = serializers.ChoiceField(choices=Session.Language.choices, required=False)
    public_listing = serializers.BooleanField(required=False)
    meals = serializers.ListField(child=_id_field(), required=False, max_length=50)


class CreateSerializer(DetailsSerializer):
    email = serializers.CharField(max_length=20_000)
    sessions = serializers.ListField(child=_id_field(), required=False, max_length=50)
    consent = serializers.BooleanField()
    join_waiting_list = serializers.BooleanField(default=True)
    answers = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="The conference's own questions: {question id: answer}. An answer is a "
        "choice's index (one choice), a list of indexes (several), a text, a whole number, or "
        "true/false (yes or no).",
    )


class UpdateSerializer(DetailsSerializer):
    sessions = serializers.ListField(child=_id_field(), required=False, max_length=50)
    join_waiting_list = serializers.BooleanField(default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class SignupOut(serializers.Serializer):
    session = serializers.IntegerField(source="session_id")
    code = serializers.CharField(source="session.code")
    title = serializers.CharField(source="session.title")
    start = serializers.DateTimeField(source="session.start")
    end = serializers.DateTimeField(source="session.end")
    status = serializers.CharField()
    offer_expires_at = serializers.DateTimeField()


class RegistrationOut(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sessions = serializers.SerializerMethodField()
    meals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Registration
        fields = [
            "conference",
            "status",
            "name",
            "email",
            "organisation",
            "sector",
            "diets",
            "diet_other",
            "accessibility",
            "language",
            "public_listing",
            "meals",
            "sessions",
            "waiting_since",
            "offer_expires_at",
            "created_at",
        ]

    @extend_schema(exclude=True)
    def get_sessions(self, obj) -> list:
        return SignupOut(selectors.registration_signups(registration=obj), many=True).data


# One bound instance, shared by every request and thread: `run_validation` keeps no state on
# it, and a new serializer per request spent ~0.4 ms copying its fields (a tenth of a
# registration in a rush, measured in bench/registration_profile.py).
CREATE_INPUT = CreateSerializer()


def _valid(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class JsonOnly(DefaultContentNegotiation):
    """Answers always in JSON, whatever the Accept header says (after DRF's "ignore client
    content negotiation" recipe): parsing Accept cost a twentieth of a registration's CPU time
    in a rush. Request bodies are still matched by their content type."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _answer_keys(answers: dict) -> dict[int, object]:
    if not all(str(key).isdigit() and len(str(key)) <= 10 for key in answers):
        raise RegistrationError(
            "invalid_answer", _("That question is not on this form."), "answers"
        )
    return {int(key): value for key, value in answers.items()}


class RegistrationCreate(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []  # anonymous: no session, so no CSRF dance for clients
    # The hot path of a rush: JSON only, no browsable page to negotiate.
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly

    @extend_schema(
        request=CreateSerializer,
        responses={
            202: OpenApiResponse(ERROR, description="Always the same: check your e-mail."),
            400: OpenApiResponse(ERROR, description="invalid_input, invalid_session, "
                                 "invalid_meal, sessions_overlap, invalid_answer, "
                                 "answer_required"),
            409: OpenApiResponse(ERROR, description="registration_closed, registration_not_open, "
                                 "conference_full, session_full (with join_waiting_list=false)"),
        },
        summary="Register for a conference",
    )  # fmt: skip
    def post(self, request, slug):
        data = _session_ids(slug, CREATE_INPUT.run_validation(request.data))
        arguments = services.registration_arguments(data, waitlist_field="join_waiting_list")
        try:
            if "answers" in data:
                services.registration_create_answered(
                    conference_slug=slug, answers=_answer_keys(data["answers"]), **arguments
                )
            else:  # the hot path of a rush: one look-up of required questions, no answers
                if services.questions_required_exist(conference_slug=slug):
                    raise RegistrationError(
                        "answer_required",
                        _("This conference has questions that must be answered."),
                        "answers",
                    )
                services.registration_create(conference_slug=slug, **arguments)
        except RegistrationError as error:
            raise _api_error(error) from None
        return Response(
            {
                "code": "check_email",
                "detail": _(
                    "Thank you. We have sent an e-mail with your registration and your "
                    "private link."
                ),
            },
            status=status.HTTP_202_ACCEPTED,
        )


class RegistrationDetail(APIView):
    """Read, change (PATCH) or cancel (DELETE) a registration with its private token."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: RegistrationOut, 404: ERROR})
    def get(self, request, token):
        registration = selectors.registration_get_by_token(token=token)
        return Response(RegistrationOut(registration).data)

    @extend_schema(
        request=UpdateSerializer, responses={200: RegistrationOut, 400: ERROR, 409: ERROR}
    )
    def patch(self, request, token):
        registration = selectors.registration_get_by_token(token=token)
        data = _session_ids(registration.conference.slug, _valid(UpdateSerializer, request.data))
        try:
            with transaction.atomic():
                details = {k: data[k] for k in services.DETAIL_FIELDS if k in data}
                if details or "meals" in data:
                    services.registration_update(
                        registration=registration, meal_ids=data.get("meals"), **details
                    )
                if "sessions" in data:
                    services.signups_change(
                        registration=registration,
                        session_ids=data["sessions"],
                        waitlist_ok=data.get("join_waiting_list", False),
                    )
        except RegistrationError as error:
            raise _api_error(error) from None
        registration.refresh_from_db()
        return Response(RegistrationOut(registration).data)

    @extend_schema(responses={200: RegistrationOut, 404: ERROR}, summary="Cancel")
    def delete(self, request, token):
        registration = selectors.registration_get_by_token(token=token)
        services.registration_cancel(registration=registration)
        registration.refresh_from_db()
        return Response(RegistrationOut(registration).data)


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


def _organised(request, slug) -> Conference:
    conference = conferences_for_user(request.user).filter(slug=slug).first()
    if conference is None:
        raise ApiError(404, "not_found", _("Not found."))
    return conference


class OrganiserRegistrationOut(RegistrationOut):
    id = serializers.IntegerField(read_only=True)

    class Meta(RegistrationOut.Meta):
        fields = ["id", *RegistrationOut.Meta.fields]


class OrganiserRegistrations(APIView):
    """Organisers: every registration of a conference they organise; POST adds one by hand."""

    permission_classes = [IsStaff]

    @extend_schema(responses={200: OrganiserRegistrationOut(many=True)})
    def get(self, request, slug):
        conference = _organised(request, slug)
        registrations = selectors.registration_list(
            conference=conference,
            search=request.query_params.get("q", "")[:100],
            status=request.query_params.get("status", "")[:20],
        )
        return Response(OrganiserRegistrationOut(registrations, many=True).data)

    @extend_schema(request=CreateSerializer, responses={201: OrganiserRegistrationOut, 409: ERROR})
    def post(self, request, slug):
        conference = _organised(request, slug)
        data = _session_ids(slug, CREATE_INPUT.run_validation(request.data))
        try:
            registration, _created = services.registration_create(
                conference=conference,
                actor=request.user,
                by_organiser=True,
                **services.registration_arguments(data, waitlist_field="join_waiting_list"),
            )
        except RegistrationError as error:
            raise _api_error(error) from None
        return Response(OrganiserRegistrationOut(registration).data, status=201)


class OrganiserExport(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={(200, "text/csv"): bytes})
    def get(self, request, slug):
        conference = _organised(request, slug)
        response = HttpResponse(
            exports.registrations_csv(conference=conference), content_type="text/csv"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{conference.slug}-registrations.csv"'
        )
        return response
