from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinConfig(AppConfig):
    name = "checkin"
    verbose_name = _("Check-in")

    def ready(self):
        from . import signals

        signals.connect()
