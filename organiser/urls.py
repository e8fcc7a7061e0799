"""/organiser/…: each area of the workspace keeps its routes beside its views."""

from django.urls import path

from .views import (
    attendance,
    badges,
    catering,
    certificates,
    checkin,
    conferences,
    dashboard,
    emails,
    evaluation,
    home,
    materials,
    messages,
    programme,
    programme_import,
    public_face,
    questions,
    registrations,
    report,
    rooms,
    settings,
    speakers,
    team,
)

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

# Programme, speakers, rooms and themes (the programme editor).
urlpatterns += [
    path("<slug:slug>/programme/", programme.programme, name="programme"),
    path("<slug:slug>/programme/add/", programme.session_add, name="programme-add"),
    path("<slug:slug>/programme/check/", programme.session_check, name="programme-check"),
    path(
        "<slug:slug>/programme/import/",
        programme_import.programme_import_view,
        name="programme-import",
    ),
    path(
        "<slug:slug>/programme/import/template.csv",
        programme_import.programme_import_template,
        name="programme-import-template",
    ),
    path("<slug:slug>/programme/<int:pk>/", programme.session_edit, name="programme-edit"),
    path("<slug:slug>/programme/<int:pk>/move/", programme.session_move, name="programme-move"),
    path(
        "<slug:slug>/programme/<int:pk>/cancel/",
        programme.session_cancel,
        name="programme-cancel",
    ),
    path(
        "<slug:slug>/programme/<int:pk>/reinstate/",
        programme.session_reinstate,
        name="programme-reinstate",
    ),
    path("<slug:slug>/speakers/", speakers.speaker_list, name="speakers"),
    path("<slug:slug>/speakers/add/", speakers.speaker_add, name="speakers-add"),
    path("<slug:slug>/speakers/<int:pk>/", speakers.speaker_edit, name="speakers-edit"),
    path("<slug:slug>/speakers/<int:pk>/delete/", speakers.speaker_delete, name="speakers-delete"),
    path("<slug:slug>/rooms/", rooms.room_list, name="rooms"),
    path("<slug:slug>/rooms/add/", rooms.room_add, name="rooms-add"),
    path("<slug:slug>/rooms/<int:pk>/", rooms.room_edit, name="rooms-edit"),
    path("<slug:slug>/rooms/<int:pk>/delete/", rooms.room_delete, name="rooms-delete"),
    path("<slug:slug>/rooms/themes/add/", rooms.track_add, name="themes-add"),
    path("<slug:slug>/rooms/themes/<int:pk>/", rooms.track_edit, name="themes-edit"),
    path("<slug:slug>/rooms/themes/<int:pk>/delete/", rooms.track_delete, name="themes-delete"),
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
    # Scheduled e-mails (issue 12).
    path("<slug:slug>/emails/", emails.rule_list, name="emails"),
    path("<slug:slug>/emails/new/", emails.rule_edit, name="email-rule-new"),
    path("<slug:slug>/emails/defaults/", emails.rule_defaults, name="email-rule-defaults"),
    path("<slug:slug>/emails/<int:pk>/", emails.rule_edit, name="email-rule"),
    path("<slug:slug>/emails/<int:pk>/switch/", emails.rule_switch, name="email-rule-switch"),
    # Session materials (issue 12), part of the programme area.
    path("<slug:slug>/programme/materials/", materials.material_list, name="materials"),
    path(
        "<slug:slug>/programme/materials/<int:pk>/delete/",
        materials.material_delete,
        name="material-delete",
    ),
    # Evaluation (issue 12).
    path("<slug:slug>/evaluation/", evaluation.results, name="evaluation"),
    path(
        "<slug:slug>/evaluation/questions/<int:pk>/delete/",
        evaluation.question_delete,
        name="evaluation-question-delete",
    ),
    path("<slug:slug>/evaluation/export.csv", evaluation.export_csv, name="evaluation-csv"),
    path("<slug:slug>/evaluation/export.xlsx", evaluation.export_xlsx, name="evaluation-xlsx"),
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

# After the conference: registration questions, attendance, the report and certificates.
urlpatterns += [
    path("<slug:slug>/questions/", questions.question_list, name="questions"),
    path(
        "<slug:slug>/questions/municipalities/",
        questions.question_municipalities,
        name="question-municipalities",
    ),
    path("<slug:slug>/questions/<int:pk>/", questions.question_edit, name="question-edit"),
    path("<slug:slug>/questions/<int:pk>/move/", questions.question_move, name="question-move"),
    path(
        "<slug:slug>/questions/<int:pk>/delete/", questions.question_delete, name="question-delete"
    ),
    path("<slug:slug>/attendance/", attendance.attendance, name="attendance"),
    path("<slug:slug>/report/", report.report, name="report"),
    path("<slug:slug>/report/report.pdf", report.report_pdf_download, name="report-pdf"),
    path("<slug:slug>/report/report.xlsx", report.report_xlsx_download, name="report-xlsx"),
    path("<slug:slug>/report/report.csv", report.report_csv_download, name="report-csv"),
    path("<slug:slug>/report/certificates/", certificates.certificates, name="certificates"),
    path(
        "<slug:slug>/report/certificates/all.pdf",
        certificates.certificates_download,
        name="certificates-download",
    ),
    path(
        "<slug:slug>/report/certificates/send/",
        certificates.certificates_send,
        name="certificates-send",
    ),
]
