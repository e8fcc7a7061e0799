"""Routes of the programme's exports; conference/urls.py adds them to the "conference" namespace."""

from django.urls import path

from . import export_views as views

urlpatterns = [
    path("<slug:slug>/programme.ics", views.programme_ics, name="programme-ics"),
    path("<slug:slug>/sessions/<str:code>.ics", views.session_ics, name="session-ics"),
    path("<slug:slug>/tracks/<int:track_id>.ics", views.track_ics, name="track-ics"),
    path("agenda/<str:token>.ics", views.agenda_feed, name="agenda-feed"),
    path("<slug:slug>/programme.pdf", views.programme_pdf, name="programme-pdf"),
    path("<slug:slug>/schedule.xml", views.schedule_xml, name="schedule-xml"),
    path("<slug:slug>/schedule.json", views.schedule_json, name="schedule-json"),
    path("<slug:slug>/programme.csv", views.programme_csv, name="programme-csv"),
    path("<slug:slug>/rooms/<int:room_id>/today/", views.room_today, name="room-today"),
]
