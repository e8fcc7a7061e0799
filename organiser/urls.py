"""/organiser/…: each area of the workspace keeps its routes beside its views."""

from django.urls import path

from .views import conferences, dashboard, home, settings

app_name = "organiser"
urlpatterns = [
    path("login/", home.OrganiserLoginView.as_view(), name="login"),
    path("logout/", home.OrganiserLogoutView.as_view(), name="logout"),
    path("", home.conference_list, name="home"),
    # The workspace's core: a new conference, a copy, publishing, settings.
    path("new/", conferences.conference_create, name="conference-create"),
    path("<slug:slug>/", dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/copy/", conferences.conference_copy, name="conference-copy"),
    path("<slug:slug>/publish/", settings.conference_publish, name="publish"),
    path("<slug:slug>/unpublish/", settings.conference_unpublish, name="unpublish"),
    path("<slug:slug>/settings/", settings.conference_settings, name="settings"),
]
