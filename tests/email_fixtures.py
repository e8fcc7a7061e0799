"""Fixtures for tests that send e-mail and run background work: imported by the conftest (or
test module) of each package that wants them, so that they apply there and nowhere else."""

import pytest
from django.core import mail


@pytest.fixture(autouse=True)
def anymail_outbox(settings):
    # Django's test set-up replaces EMAIL_BACKEND with locmem; use anymail's test backend, which
    # also fills mail.outbox and reports a provider status like a real ESP.
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run in-process even when CELERY_BROKER_URL is set; the worker test opts out."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def send_on_commit_at_once(request, monkeypatch):
    """In tests that run inside one never-committed transaction, after-commit work runs at
    once. Transactional tests (races, the Celery worker) keep the real after-commit path."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return
    from django.db import transaction

    def at_once(func, using=None, robust=False):
        func()

    monkeypatch.setattr(transaction, "on_commit", at_once)
