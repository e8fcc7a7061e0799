"""/organiser/…: each area of the workspace keeps its routes beside its views."""

from django.urls import path

from .views import badges, catering, checkin, dashboard, home, messages, registrations

app_name = "organiser"
urlpatterns = [
    path("login/", home.OrganiserLoginView.as_view(), name="login"),
    path("logout/", home.OrganiserLogoutView.as_view(), name="logout"),
    path("", home.conference_list, name="home"),
    path("<slug:slug>/", dashboard.dashboard, name="dashboard"),
]

# Anmälningar, Förtäring, Namnbrickor, Incheckning, Meddelanden ----------------------------------
urlpatterns += [
    path(
        "<slug:slug>/registrations/",
        registrations.registration_list,
        name="registrations",
    ),
    path(
        "<slug:slug>/registrations/add/",
        registrations.registration_add,
        name="registration-add",
    ),
    path(
        "<slug:slug>/registrations/export.csv",
        registrations.export_csv,
        name="registrations-csv",
    ),
    path(
        "<slug:slug>/registrations/export.xlsx",
        registrations.export_xlsx,
        name="registrations-xlsx",
    ),
    path(
        "<slug:slug>/registrations/waiting/",
        registrations.waiting_lists,
        name="registrations-waiting",
    ),
    path(
        "<slug:slug>/registrations/audit/",
        registrations.audit_trail,
        name="registrations-audit",
    ),
    path(
        "<slug:slug>/registrations/emails/",
        registrations.email_failures,
        name="registrations-emails",
    ),
    path(
        "<slug:slug>/registrations/<int:pk>/",
        registrations.registration_detail,
        name="registration",
    ),
    path(
        "<slug:slug>/registrations/<int:pk>/badge-code/",
        badges.badge_code_action,
        name="registration-badge-code",
    ),
    path("<slug:slug>/catering/", catering.catering, name="catering"),
    path("<slug:slug>/badges/", badges.badges, name="badges"),
    path("<slug:slug>/badges/<int:pk>/", badges.badge_job, name="badge-job"),
    path(
        "<slug:slug>/badges/<int:pk>/download/",
        badges.badge_job_download,
        name="badge-job-download",
    ),
    path("<slug:slug>/checkin/", checkin.live, name="checkin"),
    path("<slug:slug>/messages/", messages.compose, name="messages"),
    path("<slug:slug>/messages/<int:pk>/", messages.message_detail, name="message"),
]
