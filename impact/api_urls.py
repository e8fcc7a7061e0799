from django.urls import path

from . import api

app_name = "impact-api"
urlpatterns = [
    path(
        "organiser/conferences/<slug:slug>/report/",
        api.OrganiserReport.as_view(),
        name="organiser-report",
    ),
]
