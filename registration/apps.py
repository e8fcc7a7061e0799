from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self):
        from conference.signals import seats_changed, session_rescheduled

        from .programme_changes import seats_changed_hand_out, session_rescheduled_notify

        session_rescheduled.connect(
            session_rescheduled_notify, dispatch_uid="registration.session_rescheduled_notify"
        )
        seats_changed.connect(
            seats_changed_hand_out, dispatch_uid="registration.seats_changed_hand_out"
        )
