from django.urls import path

from . import api

app_name = "conference-api"
urlpatterns = [
    path("conferences/", api.ConferenceList.as_view(), name="conferences"),
    path("conferences/<slug:slug>/", api.ConferenceDetail.as_view(), name="conference"),
    path("conferences/<slug:slug>/rooms/", api.RoomList.as_view(), name="rooms"),
    path("conferences/<slug:slug>/tracks/", api.TrackList.as_view(), name="tracks"),
    path("conferences/<slug:slug>/speakers/", api.SpeakerList.as_view(), name="speakers"),
    path("conferences/<slug:slug>/sessions/", api.SessionList.as_view(), name="sessions"),
    path(
        "conferences/<slug:slug>/sessions/<str:code>/",
        api.SessionDetail.as_view(),
        name="session",
    ),
]
