from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = _("Programme")

    def ready(self):
        # Celery autodiscovery only imports <app>.tasks; the booklet's background render lives
        # with the exporters.
        from .exporters import tasks  # noqa: F401
