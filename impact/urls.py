from django.urls import path

from . import views

app_name = "impact"
urlpatterns = [
    path("r/<str:token>/certificate.pdf", views.certificate_download, name="certificate-download"),
    path("intyg/<str:code>/", views.verify, name="verify"),
]
