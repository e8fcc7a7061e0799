from django.urls import path

from . import views

app_name = "registration"
urlpatterns = [
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/register/thanks/", views.check_email, name="check-email"),
    path("<slug:slug>/participants/", views.participants, name="participants"),
    path("<slug:slug>/embed/register/", views.embed_register, name="embed-register"),
    path("r/<str:token>/", views.manage, name="manage"),
    path("r/<str:token>/workshops/", views.manage_sessions, name="manage-sessions"),
    path("r/<str:token>/details/", views.manage_details, name="manage-details"),
    path("r/<str:token>/accept/", views.manage_accept, name="manage-accept"),
    path("r/<str:token>/cancel/", views.manage_cancel, name="manage-cancel"),
    path("r/<str:token>/delete/", views.manage_delete, name="manage-delete"),
    path("r/<str:token>/data.json", views.manage_export, name="manage-export"),
    path("r/<str:token>/materials/<int:pk>/", views.manage_material, name="manage-material"),
]
