from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "impact"
    verbose_name = _("Attendance and impact")

    def ready(self):
        from registration.emails import attachment_register

        from .certificates import certificate_attachment

        attachment_register("certificate", certificate_attachment)
