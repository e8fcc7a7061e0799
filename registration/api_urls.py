from django.urls import path

from . import api

app_name = "registration-api"
urlpatterns = [
    path(
        "conferences/<slug:slug>/registrations/",
        api.RegistrationCreate.as_view(),
        name="create",
    ),
    path("registrations/<str:token>/", api.RegistrationDetail.as_view(), name="detail"),
    path(
        "organiser/conferences/<slug:slug>/registrations/",
        api.OrganiserRegistrations.as_view(),
        name="organiser-list",
    ),
    path(
        "organiser/conferences/<slug:slug>/registrations.csv",
        api.OrganiserExport.as_view(),
        name="organiser-csv",
    ),
]
