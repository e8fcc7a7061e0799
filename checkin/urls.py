from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "checkin"
urlpatterns = [
    path("door/login/", views.DoorLoginView.as_view(), name="login"),
    path("door/logout/", auth_views.LogoutView.as_view(next_page="checkin:login"), name="logout"),
    path("door/", views.door_home, name="door"),
    path("door/manifest.webmanifest", views.door_manifest, name="manifest"),
    path("door/sw.js", views.door_service_worker, name="service-worker"),
    path("door/<int:pk>/scan/", views.door_scan, name="scan"),
    path("r/<str:token>/badge.pdf", views.my_badge, name="my-badge"),
    path("organiser/<slug:slug>/checkin/", views.live, name="live"),
    path(
        "organiser/<slug:slug>/registrations/<int:pk>/badge-code/",
        views.badge_code_action,
        name="badge-code",
    ),
    path("organiser/<slug:slug>/badges/", views.badges, name="badges"),
    path("organiser/<slug:slug>/badges/<int:pk>/", views.badge_job, name="badge-job"),
    path(
        "organiser/<slug:slug>/badges/<int:pk>/download/",
        views.badge_job_download,
        name="badge-job-download",
    ),
]
