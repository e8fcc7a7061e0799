"""The attendee's evaluation and certificate, by the private link (no account), and the public
certificate check."""

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
    path("r/<str:token>/certificate.pdf", views.certificate_download, name="certificate-download"),
    path("intyg/<str:code>/", views.verify, name="verify"),
]
