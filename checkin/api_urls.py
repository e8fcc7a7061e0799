from django.urls import path

from . import api

app_name = "checkin-api"
urlpatterns = [
    path("checkin/checkpoints/", api.CheckpointList.as_view(), name="checkpoints"),
    path("checkin/checkpoints/<int:pk>/scans/", api.ScanCreate.as_view(), name="scan"),
    path("checkin/checkpoints/<int:pk>/list/", api.DoorListView.as_view(), name="list"),
    path("checkin/checkpoints/<int:pk>/sync/", api.SyncView.as_view(), name="sync"),
    path("checkin/checkpoints/<int:pk>/search/", api.SearchView.as_view(), name="search"),
    path("checkin/checkpoints/<int:pk>/status/", api.StatusView.as_view(), name="status"),
]
