from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinConfig(AppConfig):
    name = "checkin"
    verbose_name = _("Check-in")

    def ready(self):
        from registration.emails import attachment_register

        from . import signals
        from .attachments import badge_attachment

        signals.connect()
        attachment_register("badge", badge_attachment)
