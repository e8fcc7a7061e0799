"""/organiser/…: each area of the workspace keeps its routes beside its views."""

from django.urls import path

from .views import dashboard, home

app_name = "organiser"
urlpatterns = [
    path("login/", home.OrganiserLoginView.as_view(), name="login"),
    path("logout/", home.OrganiserLogoutView.as_view(), name="logout"),
    path("", home.conference_list, name="home"),
    path("<slug:slug>/", dashboard.dashboard, name="dashboard"),
]
