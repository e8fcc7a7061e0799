"""Invalidate the cached door rights (checkin.rights) whenever a right may have been taken away.

Receivers rather than calls in the services: tokens and users are also changed in Django's admin
and by other apps (the organiser workspace's door roles), and each of those writes must reach
every worker on the next request."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from rest_framework.authtoken.models import Token

from conference.models import Conference

from .models import DoorAssignment
from .rights import rights_changed


def _changed(sender, **kwargs):
    rights_changed()


def _user_saved(sender, update_fields=None, **kwargs):
    # A log-in saves last_login only; that takes no right away.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    rights_changed()


def connect():
    user_model = get_user_model()
    for model in (Token, DoorAssignment):
        post_save.connect(_changed, sender=model, dispatch_uid=f"checkin-rights-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"checkin-rights-del-{model}")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="checkin-rights-user-save")
    post_delete.connect(_changed, sender=user_model, dispatch_uid="checkin-rights-user-del")
    m2m_changed.connect(
        _changed, sender=Conference.organisers.through, dispatch_uid="checkin-rights-organisers"
    )
