"""The retention registry: every app that keeps personal data adds its own anonymisation step,
and `anonymise_conference` runs them all, in order, in one transaction per conference.

Registering a step (from the app's `AppConfig.ready()`, so that it is registered once the app
is loaded, never at import time of a model module)::

    from common.retention import retention_step

    class NetworkingConfig(AppConfig):
        def ready(self):
            from . import retention  # noqa: F401  (its module-level decorators register)

    # networking/retention.py
    @retention_step(order=400)
    def profiles_anonymise(conference) -> None:
        ...

A step is `fn(conference) -> None`; it must be idempotent (running twice changes nothing the
second time) and must not queue slow work itself. Steps run by ascending `order`, then by
name; an app leaves gaps (registration 100, check-in 200, impact 300, others above) so that
later apps can slot in. Registering the same function twice keeps one entry. Any exception
rolls back every step of that conference: a conference is anonymised wholly or not at all.
This module imports no other Samla app (it is the bottom layer).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class RetentionStep:
    order: int
    name: str
    run: Callable[[object], None]


_steps: dict[str, RetentionStep] = {}


def retention_step(*, order: int):
    """Decorator: register `fn(conference) -> None` as an anonymisation step at `order`."""

    def register(fn):
        name = f"{fn.__module__}.{fn.__qualname__}"
        _steps[name] = RetentionStep(order=order, name=name, run=fn)
        return fn

    return register


def retention_steps() -> list[RetentionStep]:
    """The registered steps in the order `anonymise_conference` runs them."""
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))


def anonymise_conference(conference) -> None:
    """Run every registered step on `conference` in one transaction (all or nothing)."""
    with transaction.atomic():
        for step in retention_steps():
            step.run(conference)
