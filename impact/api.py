"""The report for organisers, read-only: GET /api/organiser/conferences/<slug>/report/.

Only aggregates: counts of breakdowns below the small-group limit are null."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from conference.api_errors import ApiError
from conference.selectors import conferences_for_user

from .report import report_get
from .report_formats import report_data


def _breakdown(name):
    return inline_serializer(
        name,
        {
            "key": serializers.CharField(),
            "title": serializers.CharField(),
            "multiple": serializers.BooleanField(),
            "rows": inline_serializer(
                f"{name}Row",
                {
                    "key": serializers.CharField(),
                    "label": serializers.CharField(),
                    "confirmed": serializers.IntegerField(
                        allow_null=True, help_text="null: fewer than `small_group` people"
                    ),
                    "present": serializers.IntegerField(
                        allow_null=True, help_text="null: fewer than `small_group` people"
                    ),
                },
                many=True,
            ),
        },
    )


class ReportSerializer(serializers.Serializer):
    conference = serializers.CharField()
    made_at = serializers.DateTimeField()
    time_zone = serializers.CharField()
    small_group = serializers.IntegerField()
    registered = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    waiting = serializers.IntegerField()
    present = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    no_show_rate = serializers.FloatField(allow_null=True)
    returning = serializers.IntegerField(allow_null=True)
    days = inline_serializer(
        "ReportDay",
        {"day": serializers.DateField(), "present": serializers.IntegerField()},
        many=True,
    )
    sessions = inline_serializer(
        "ReportSession",
        {
            "id": serializers.IntegerField(),
            "title": serializers.CharField(),
            "start": serializers.DateTimeField(),
            "end": serializers.DateTimeField(),
            "room": serializers.CharField(),
            "capacity": serializers.IntegerField(allow_null=True),
            "taken": serializers.IntegerField(allow_null=True),
            "waiting_peak": serializers.IntegerField(allow_null=True),
            "present": serializers.IntegerField(),
            "head_count": serializers.BooleanField(),
        },
        many=True,
    )
    sectors = _breakdown("ReportSectors")
    questions = serializers.ListField(child=_breakdown("ReportQuestion"))
    timeline = inline_serializer(
        "ReportTimeline",
        {
            "day": serializers.DateField(),
            "registrations": serializers.IntegerField(),
            "cancellations": serializers.IntegerField(),
        },
        many=True,
    )
    definitions = serializers.ListField(child=serializers.CharField())


class OrganiserReport(APIView):
    """The attendance and impact report of a conference the user organises (404 otherwise)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ReportSerializer})
    def get(self, request, slug):
        conference = conferences_for_user(request.user).filter(slug=slug).first()
        if conference is None:
            raise ApiError(404, "not_found", _("Not found."))
        return Response(
            ReportSerializer(
                report_data(report_get(conference=conference, viewer=request.user))
            ).data
        )
