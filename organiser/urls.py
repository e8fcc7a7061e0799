"""/organiser/…: each area of the workspace keeps its routes beside its views."""

from django.urls import path

from .views import dashboard, home, programme, programme_import, rooms, speakers

app_name = "organiser"
urlpatterns = [
    path("login/", home.OrganiserLoginView.as_view(), name="login"),
    path("logout/", home.OrganiserLogoutView.as_view(), name="logout"),
    path("", home.conference_list, name="home"),
    path("<slug:slug>/", dashboard.dashboard, name="dashboard"),
]

# Programme, speakers, rooms and themes (the programme editor).
urlpatterns += [
    path("<slug:slug>/programme/", programme.programme, name="programme"),
    path("<slug:slug>/programme/add/", programme.session_add, name="programme-add"),
    path("<slug:slug>/programme/check/", programme.session_check, name="programme-check"),
    path(
        "<slug:slug>/programme/import/",
        programme_import.programme_import_view,
        name="programme-import",
    ),
    path(
        "<slug:slug>/programme/import/template.csv",
        programme_import.programme_import_template,
        name="programme-import-template",
    ),
    path("<slug:slug>/programme/<int:pk>/", programme.session_edit, name="programme-edit"),
    path("<slug:slug>/programme/<int:pk>/move/", programme.session_move, name="programme-move"),
    path(
        "<slug:slug>/programme/<int:pk>/cancel/",
        programme.session_cancel,
        name="programme-cancel",
    ),
    path(
        "<slug:slug>/programme/<int:pk>/reinstate/",
        programme.session_reinstate,
        name="programme-reinstate",
    ),
    path("<slug:slug>/speakers/", speakers.speaker_list, name="speakers"),
    path("<slug:slug>/speakers/add/", speakers.speaker_add, name="speakers-add"),
    path("<slug:slug>/speakers/<int:pk>/", speakers.speaker_edit, name="speakers-edit"),
    path("<slug:slug>/speakers/<int:pk>/delete/", speakers.speaker_delete, name="speakers-delete"),
    path("<slug:slug>/rooms/", rooms.room_list, name="rooms"),
    path("<slug:slug>/rooms/add/", rooms.room_add, name="rooms-add"),
    path("<slug:slug>/rooms/<int:pk>/", rooms.room_edit, name="rooms-edit"),
    path("<slug:slug>/rooms/<int:pk>/delete/", rooms.room_delete, name="rooms-delete"),
    path("<slug:slug>/rooms/themes/add/", rooms.track_add, name="themes-add"),
    path("<slug:slug>/rooms/themes/<int:pk>/", rooms.track_edit, name="themes-edit"),
    path("<slug:slug>/rooms/themes/<int:pk>/delete/", rooms.track_delete, name="themes-delete"),
]
