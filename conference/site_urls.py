from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import site_views

app_name = "site"
urlpatterns = [
    path("site-logo/", site_views.site_logo, name="logo"),
    path(_("privacy/"), site_views.privacy_notice, name="privacy"),
    path(_("accessibility/"), site_views.accessibility_statement, name="accessibility"),
    path(_("accessibility/report/"), site_views.barrier_report, name="barrier-report"),
]
