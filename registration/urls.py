from django.urls import path

from . import organiser_views, views

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
    path(
        "organiser/<slug:slug>/registrations/",
        organiser_views.overview,
        name="organiser-overview",
    ),
    path(
        "organiser/<slug:slug>/registrations/list/",
        organiser_views.registration_list,
        name="organiser-list",
    ),
    path(
        "organiser/<slug:slug>/registrations/export.csv",
        organiser_views.export_csv,
        name="organiser-csv",
    ),
    path(
        "organiser/<slug:slug>/registrations/catering/",
        organiser_views.catering,
        name="organiser-catering",
    ),
    path(
        "organiser/<slug:slug>/registrations/add/",
        organiser_views.add,
        name="organiser-add",
    ),
    path(
        "organiser/<slug:slug>/registrations/<int:pk>/",
        organiser_views.detail,
        name="organiser-detail",
    ),
    path(
        "organiser/<slug:slug>/registrations/message/",
        organiser_views.message,
        name="organiser-message",
    ),
    path(
        "organiser/<slug:slug>/registrations/audit/",
        organiser_views.audit_trail,
        name="organiser-audit",
    ),
    path(
        "organiser/<slug:slug>/registrations/emails/",
        organiser_views.email_failures,
        name="organiser-emails",
    ),
]
