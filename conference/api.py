"""The read API: published conferences and their programme."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from .api_errors import ApiError
from .ids import parse_id
from .models import Conference, Room, Session, Speaker, Track
from .selectors import conference_get_published, conference_list_published, session_queryset


class ConferenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Conference
        fields = [
            "slug",
            "name",
            "name_en",
            "tagline",
            "tagline_en",
            "description",
            "description_en",
            "venue_name",
            "venue_address",
            "city",
            "time_zone",
            "start",
            "end",
            "registration_opens",
            "registration_closes",
            "capacity",
            "contact_email",
            "url",
        ]

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "name_en", "capacity", "notes", "step_free"]


class TrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "name", "name_en", "colour"]


class SpeakerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "name", "title", "title_en", "organisation", "bio", "bio_en"]


class SessionSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="code", read_only=True)
    speakers = SpeakerSerializer(many=True, read_only=True)
    room = RoomSerializer(read_only=True, allow_null=True)
    track = TrackSerializer(read_only=True, allow_null=True)
    seats = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "uid",
            "title",
            "title_en",
            "kind",
            "status",
            "language",
            "abstract",
            "abstract_en",
            "description",
            "description_en",
            "start",
            "end",
            "room",
            "track",
            "speakers",
            "requires_signup",
            "seats",
        ]


class ConferenceList(generics.ListAPIView):
    serializer_class = ConferenceSerializer

    def get_queryset(self):
        return conference_list_published()


class ConferenceDetail(generics.RetrieveAPIView):
    serializer_class = ConferenceSerializer

    def get_object(self):
        return conference_get_published(slug=self.kwargs["slug"])


class ConferenceChildList(generics.ListAPIView):
    """A list that belongs to one published conference; unknown or unpublished: 404."""

    def get_conference(self):
        if not hasattr(self, "_conference"):
            self._conference = conference_get_published(slug=self.kwargs["slug"])
        return self._conference


class RoomList(ConferenceChildList):
    serializer_class = RoomSerializer

    def get_queryset(self):
        return Room.objects.filter(conference=self.get_conference())


class TrackList(ConferenceChildList):
    serializer_class = TrackSerializer

    def get_queryset(self):
        return Track.objects.filter(conference=self.get_conference())


class SpeakerList(ConferenceChildList):
    serializer_class = SpeakerSerializer

    def get_queryset(self):
        return Speaker.objects.filter(conference=self.get_conference()).order_by("name")


def _int_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    number = parse_id(value)
    if number is None:
        raise ApiError(
            400,
            "invalid_filter",
            _("“%(value)s” is not a valid %(name)s.") % {"value": value[:30], "name": name},
        )
    return number


@extend_schema(
    parameters=[
        OpenApiParameter("day", OpenApiTypes.DATE, description="YYYY-MM-DD, local date"),
        OpenApiParameter("room", OpenApiTypes.INT),
        OpenApiParameter("track", OpenApiTypes.INT),
        OpenApiParameter("kind", OpenApiTypes.STR, enum=Session.Kind.values),
    ]
)
class SessionList(ConferenceChildList):
    serializer_class = SessionSerializer

    def get_queryset(self):
        conference = self.get_conference()
        params = self.request.query_params
        sessions = session_queryset(conference)
        if day := params.get("day"):
            try:
                local_day = date.fromisoformat(day)
            except ValueError:
                raise ApiError(
                    400, "invalid_filter", _("The day must be a date such as 2017-03-16.")
                ) from None
            zone = ZoneInfo(conference.time_zone)
            start = datetime.combine(local_day, time.min, tzinfo=zone)
            end = datetime.combine(local_day + timedelta(days=1), time.min, tzinfo=zone)
            sessions = sessions.filter(start__gte=start, start__lt=end)
        if (room := _int_param(self.request, "room")) is not None:
            sessions = sessions.filter(room_id=room)
        if (track := _int_param(self.request, "track")) is not None:
            sessions = sessions.filter(track_id=track)
        if kind := params.get("kind"):
            if kind not in Session.Kind.values:
                raise ApiError(
                    400,
                    "invalid_filter",
                    _("Unknown kind “%(kind)s”; use one of: %(kinds)s.")
                    % {"kind": kind, "kinds": ", ".join(Session.Kind.values)},
                )
            sessions = sessions.filter(kind=kind)
        return sessions.select_related("room", "track")


class SessionDetail(generics.RetrieveAPIView):
    serializer_class = SessionSerializer
    lookup_field = "code"

    def get_queryset(self):
        return session_queryset(conference_get_published(slug=self.kwargs["slug"]))
