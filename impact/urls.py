"""The attendee's evaluation, by the private link (no account)."""

from django.urls import path

from . import views

app_name = "impact"
urlpatterns = [
    path("r/<str:token>/evaluation/", views.evaluation, name="evaluation"),
    path(
        "r/<str:token>/evaluation/sessions/<int:pk>/",
        views.session_feedback,
        name="session-feedback",
    ),
]
