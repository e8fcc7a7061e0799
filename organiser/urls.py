"""/organiser/…: each area of the workspace keeps its routes beside its views."""

from django.urls import path

from .views import conferences, dashboard, home, public_face, settings, team

app_name = "organiser"
urlpatterns = [
    path("login/", home.OrganiserLoginView.as_view(), name="login"),
    path("logout/", home.OrganiserLogoutView.as_view(), name="logout"),
    path("", home.conference_list, name="home"),
    # The workspace's core: a new conference, a copy, publishing, settings.
    path("new/", conferences.conference_create, name="conference-create"),
    path("<slug:slug>/", dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/copy/", conferences.conference_copy, name="conference-copy"),
    path("<slug:slug>/publish/", settings.conference_publish, name="publish"),
    path("<slug:slug>/unpublish/", settings.conference_unpublish, name="unpublish"),
    path("<slug:slug>/settings/", settings.conference_settings, name="settings"),
]

# Team: organisers and door volunteers, their printed log-ins, and the invitee's welcome page.
urlpatterns += [
    path("welcome/<str:uidb64>/<str:token>/", team.welcome, name="team-welcome"),
    path("<slug:slug>/team/", team.team, name="team"),
    path("<slug:slug>/team/<int:user_id>/", team.member, name="team-member"),
    path("<slug:slug>/team/<int:user_id>/remove/", team.remove, name="team-remove"),
    path("<slug:slug>/team/<int:user_id>/invite/", team.invite_again, name="team-invite-again"),
    path("<slug:slug>/team/<int:user_id>/codes/", team.link_create, name="team-link-create"),
    path(
        "<slug:slug>/team/<int:user_id>/codes/<int:link_id>/",
        team.link_print,
        name="team-link",
    ),
    path(
        "<slug:slug>/team/<int:user_id>/codes/<int:link_id>/revoke/",
        team.link_revoke,
        name="team-link-revoke",
    ),
]

# The public face: funder acknowledgement, embedding on other websites, personal data retention.
urlpatterns += [
    path("<slug:slug>/settings/funders/", public_face.funders, name="funders"),
    path(
        "<slug:slug>/settings/funders/<int:logo_id>/delete/",
        public_face.funder_logo_delete,
        name="funder-logo-delete",
    ),
    path("<slug:slug>/settings/embed/", public_face.embed, name="embed"),
    path("<slug:slug>/settings/retention/", public_face.retention, name="retention"),
    path("<slug:slug>/settings/retention/run/", public_face.retention_run, name="retention-run"),
]
