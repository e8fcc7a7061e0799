from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "checkin"
urlpatterns = [
    path("door/login/", views.DoorLoginView.as_view(), name="login"),
    path("door/logout/", auth_views.LogoutView.as_view(next_page="checkin:login"), name="logout"),
    path("door/", views.door_home, name="door"),
    path("door/code/<str:secret>/", views.door_link_login, name="door-link"),
    path("door/manifest.webmanifest", views.door_manifest, name="manifest"),
    path("door/sw.js", views.door_service_worker, name="service-worker"),
    path("door/<int:pk>/scan/", views.door_scan, name="scan"),
    path("r/<str:token>/badge.pdf", views.my_badge, name="my-badge"),
]
