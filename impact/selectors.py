"""Reads of the impact app for the workspace's pages: scheduled e-mails and their history,
attendance marks, certificates."""

from django.db.models import Count, OuterRef, Subquery

from conference.models import Conference, Session
from registration.models import Registration

from .models import Certificate, EmailRule, PresenceMark, RuleDelivery, RuleRun
from .rules import rule_due_at, rule_timing_text


def email_rules(*, conference: Conference) -> list[EmailRule]:
    """The conference's rules with `sent` (people written to) and `last_run`, in one query."""
    rules = list(
        EmailRule.objects.filter(conference=conference)
        .select_related("session")
        .annotate(
            sent=Count("deliveries"),
            last_run=Subquery(
                RuleRun.objects.filter(rule=OuterRef("pk"))
                .order_by("-started_at")
                .values("started_at")[:1]
            ),
        )
        .order_by("id")
    )
    for rule in rules:
        rule.conference = conference
        rule.due_at = rule_due_at(rule)
        rule.timing_text = rule_timing_text(rule)
    return rules


def email_rule_presets_missing(*, conference: Conference) -> bool:
    have = set(
        EmailRule.objects.filter(conference=conference)
        .exclude(preset="")
        .values_list("preset", flat=True)
    )
    return bool({p for p in EmailRule.Preset.values if p} - have)


def email_rule_get(*, conference: Conference, pk: int) -> EmailRule | None:
    rule = EmailRule.objects.filter(conference=conference, pk=pk).first()
    if rule is not None:
        rule.conference = conference
    return rule


def rule_sessions(*, conference: Conference):
    """Sessions a rule may write to the holders of: those that take sign-ups."""
    return Session.objects.filter(conference=conference, requires_signup=True).order_by(
        "start", "id"
    )


def rule_runs(*, rule: EmailRule) -> list[RuleRun]:
    return list(RuleRun.objects.filter(rule=rule))


def rule_deliveries(*, rule: EmailRule) -> list[RuleDelivery]:
    """Everyone the rule wrote to, with the e-mail's delivery status, in one query."""
    return list(
        RuleDelivery.objects.filter(rule=rule)
        .select_related("registration", "email")
        .order_by("registration__name", "id")
    )


def attendance_sessions(*, conference: Conference) -> list[Session]:
    """The sessions people can be counted at: not breaks, not cancelled."""
    return list(
        Session.objects.filter(conference=conference)
        .exclude(kind=Session.Kind.BREAK)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("room")
        .order_by("start", "room__position", "title")
    )


def presence_marks(*, conference: Conference) -> list[PresenceMark]:
    return list(
        PresenceMark.objects.filter(registration__conference=conference)
        .select_related("registration", "session", "marked_by")
        .order_by("-marked_at", "-id")
    )


def markable_people(*, conference: Conference) -> list[tuple[int, str]]:
    """(id, "name (e-mail)") of the confirmed registrations, by name."""
    return [
        (pk, f"{name} ({email})")
        for pk, name, email in Registration.objects.filter(
            conference=conference, status=Registration.Status.CONFIRMED
        )
        .order_by("name", "id")
        .values_list("id", "name", "email")
    ]


def certificate_counts(*, conference: Conference) -> dict:
    certificates = Certificate.objects.filter(registration__conference=conference)
    return {
        "issued": certificates.count(),
        "emailed": certificates.filter(emailed_at__isnull=False).count(),
    }
