from django.urls import path

from . import views

app_name = "conference"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("organiser/<slug:slug>/grid/", views.organiser_grid, name="organiser-grid"),
    path("<slug:slug>/", views.conference_detail, name="detail"),
    path("<slug:slug>/speakers/", views.speaker_list, name="speakers"),
    path("<slug:slug>/themes.css", views.themes_css, name="themes-css"),
    path("<slug:slug>/embed/programme/", views.embed_programme, name="embed-programme"),
    path("<slug:slug>/sessions/<str:code>/", views.session_detail, name="session"),
    path("<slug:slug>/materials/", views.materials, name="materials"),
    path("<slug:slug>/materials/<int:pk>/", views.material_file, name="material-file"),
]
from .export_urls import urlpatterns as export_urlpatterns  # noqa: E402

urlpatterns += export_urlpatterns
