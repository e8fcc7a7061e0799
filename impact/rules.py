"""Scheduled e-mails: when a rule is due, who it goes to, what it says, and sending it once.

Once per person: a run inserts one `RuleDelivery` per person (unique per rule and registration)
and that person's `EmailLog` row in the same transaction, before anything is sent; the e-mails
leave after the commit through registration.emails (claimed before sending, so a duplicate task
never sends twice). So a second run, or one beside it on another worker, finds the rows taken
and writes to nobody twice; a run that dies before its commit leaves nothing, and the next run
does the whole of it; one that dies after leaves queued e-mails, which `send_queued_emails`
hands over again.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from conference.materials import materials_of
from conference.models import Conference
from registration.emails import (
    absolute,
    badge_link,
    calendar_links,
    conference_when,
    conference_where,
    email_build,
    email_dispatch,
    manage_url,
)
from registration.models import EmailLog, Registration, Signup

from .attendance import no_show_registrations, present_registrations
from .errors import ImpactError
from .models import EmailRule, RuleDelivery, RuleRun
from .rule_defaults import ready_made_rules

# A rule keeps writing to people who join its audience (a late registration before a reminder)
# for this long after its moment; later than that it is history.
CATCH_UP = timedelta(days=7)
# People prepared per transaction: a large audience commits in steps, so a run that dies
# midway keeps what it committed and the next run does the rest.
CHUNK = 500

PLACEHOLDERS = {
    "name": gettext_lazy("the person's name"),
    "conference": gettext_lazy("the conference's name"),
    "dates": gettext_lazy("when the conference is"),
    "place": gettext_lazy("where the conference is"),
    "link": gettext_lazy("the person's private page"),
    "calendar_link": gettext_lazy("the personal calendar feed"),
    "badge_link": gettext_lazy("the name badge"),
    "evaluation_link": gettext_lazy("the personal evaluation link"),
    "materials_link": gettext_lazy("the page with the session materials"),
    "materials": gettext_lazy("the list of session materials, with links"),
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


# When -------------------------------------------------------------------------------------------


def rule_due_at(rule: EmailRule, conference: Conference | None = None) -> datetime:
    """The moment the rule is due. Days count on the conference's wall clock ("3 days before
    12.00" is 12.00 three days earlier, also across a change to or from summer time); hours are
    elapsed hours."""
    conference = conference or rule.conference
    if rule.timing == EmailRule.Timing.AT:
        return rule.send_at
    anchor = conference.start if rule.timing == EmailRule.Timing.BEFORE_START else conference.end
    sign = -1 if rule.timing == EmailRule.Timing.BEFORE_START else 1
    if rule.unit == EmailRule.Unit.HOURS:
        # In UTC: Python adds to an aware datetime on its own wall clock.
        return anchor.astimezone(UTC) + sign * timedelta(hours=rule.offset)
    zone = ZoneInfo(conference.time_zone)
    wall = anchor.astimezone(zone).replace(tzinfo=None) + sign * timedelta(days=rule.offset)
    return wall.replace(tzinfo=zone)


def rule_timing_text(rule: EmailRule) -> str:
    """ "3 days before the start" / "1 day after the end" / "at a set time", translated."""

    if rule.timing == EmailRule.Timing.AT:
        return _("at a set time")
    n = rule.offset
    if rule.timing == EmailRule.Timing.BEFORE_START:
        if rule.unit == EmailRule.Unit.HOURS:
            return ngettext("%(n)s hour before the start", "%(n)s hours before the start", n) % {
                "n": n
            }
        return ngettext("%(n)s day before the start", "%(n)s days before the start", n) % {"n": n}
    if rule.unit == EmailRule.Unit.HOURS:
        return ngettext("%(n)s hour after the end", "%(n)s hours after the end", n) % {"n": n}
    return ngettext("%(n)s day after the end", "%(n)s days after the end", n) % {"n": n}


# To whom ----------------------------------------------------------------------------------------


def rule_audience(rule: EmailRule, *, attendance=None):
    """The registrations the rule writes to, as a queryset; cancelled people never."""
    conference = rule.conference
    people = Registration.objects.filter(conference=conference)
    audience = rule.audience
    if audience == EmailRule.Audience.CONFIRMED:
        people = people.filter(status=Registration.Status.CONFIRMED)
    elif audience == EmailRule.Audience.WAITING:
        people = people.filter(status=Registration.Status.WAITING)
    elif audience == EmailRule.Audience.PRESENT:
        people = present_registrations(conference=conference, attendance=attendance)
    elif audience == EmailRule.Audience.NO_SHOWS:
        people = no_show_registrations(conference=conference, attendance=attendance)
    elif audience == EmailRule.Audience.NOT_ANSWERED:
        from .evaluation import evaluation_not_answered

        people = evaluation_not_answered(conference=conference, attendance=attendance)
    elif audience == EmailRule.Audience.SESSION:
        people = people.filter(
            signups__session_id=rule.session_id, signups__status=Signup.Status.CONFIRMED
        )
    return people.exclude(status=Registration.Status.CANCELLED).order_by("pk")


def rule_recipient_count(rule: EmailRule) -> int:
    """How many people the rule would write to now (for the form, before it is saved)."""
    return rule_audience(rule).count()


# What it says -----------------------------------------------------------------------------------


def placeholders_unknown(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def _link(name: str, registration: Registration) -> str:
    try:
        with translation.override(registration.language):
            return absolute(reverse(name, kwargs={"token": registration.manage_token}))
    except NoReverseMatch:
        return ""


def placeholder_values(registration: Registration, conference: Conference) -> dict[str, str]:
    """The placeholders' values for one person, in the active language."""
    return {
        "name": registration.name,
        "conference": conference.localized("name"),
        "dates": conference_when(conference),
        "place": conference_where(conference),
        "link": manage_url(registration),
        "calendar_link": calendar_links(registration) or "",
        "badge_link": badge_link(registration) or "",
        "evaluation_link": _link("impact:evaluation", registration),
        "materials_link": _materials_link(conference),
        "materials": _materials_list(registration, conference),
    }


def _materials_link(conference: Conference) -> str:
    return absolute(reverse("conference:materials", kwargs={"slug": conference.slug}))


def _materials_list(registration: Registration, conference: Conference) -> str:
    """One line per material the person may see now: "Session – Title: link"."""
    materials = getattr(conference, "_rule_materials", None)
    if materials is None:
        # Once per conference and run, not per person (see rule_run).
        materials = materials_of(conference=conference, registered=True)
        conference._rule_materials = materials
    lines = []
    seated = registration.status == Registration.Status.CONFIRMED
    for m in materials:
        if m.visibility == m.Visibility.REGISTERED and not seated:
            continue
        if m.file:
            link = absolute(
                reverse(
                    "registration:manage-material",
                    kwargs={"token": registration.manage_token, "pk": m.pk},
                )
            )
        else:
            link = m.url
        lines.append(f"{m.session.localized('title')} – {m.localized('title')}: {link}")
    return "\n".join(lines)


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {name}-style placeholders; any other braces stay as they are."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@dataclass
class RuleEmail:
    subject: str
    body: str


def rule_render(rule: EmailRule, registration: Registration) -> RuleEmail:
    """The rule's subject and text for one person, in that person's language (English falls
    back to the Swedish text where the organiser wrote none)."""
    conference = rule.conference
    with translation.override(registration.language), timezone.override(conference.time_zone):
        english = registration.language.startswith("en")
        subject = (english and rule.subject_en) or rule.subject
        body = (english and rule.body_en) or rule.body
        values = placeholder_values(registration, conference)
        return RuleEmail(subject=fill(subject, values), body=fill(body, values))


# Writes -----------------------------------------------------------------------------------------


def rule_check(rule: EmailRule) -> None:
    """Refuse a rule that cannot work: the form shows the message at the field."""
    if rule.timing == EmailRule.Timing.AT and rule.send_at is None:
        raise ImpactError("no_time", _("Give the date and time to send at."), "send_at")
    if rule.audience == EmailRule.Audience.SESSION:
        if rule.session_id is None:
            raise ImpactError("no_session", _("Choose the session."), "session")
        if rule.session.conference_id != rule.conference_id:
            raise ImpactError("other_conference", _("Choose the session."), "session")
    for field in ("subject", "subject_en", "body", "body_en"):
        unknown = placeholders_unknown(getattr(rule, field))
        if unknown:
            raise ImpactError(
                "unknown_placeholder",
                _("Unknown placeholder: %(names)s.")
                % {"names": ", ".join(f"{{{name}}}" for name in unknown)},
                field,
            )
    bad = set(rule.attachments) - set(EmailRule.Attachment.values)
    if bad:
        raise ImpactError("unknown_attachment", _("Unknown attachment."), "attachments")


def rule_save(*, rule: EmailRule) -> EmailRule:
    """Create or update a rule after `rule_check`."""
    rule_check(rule)
    with transaction.atomic():
        rule.save()
    return rule


def rule_switch(*, rule: EmailRule, active: bool) -> EmailRule:
    rule.is_active = active
    rule.save(update_fields=["is_active", "updated_at"])
    return rule


def rules_create_defaults(*, conference: Conference) -> list[EmailRule]:
    """Give a conference the ready-made rules it does not have yet (idempotent)."""
    have = set(
        EmailRule.objects.filter(conference=conference)
        .exclude(preset="")
        .values_list("preset", flat=True)
    )
    missing = [rule for rule in ready_made_rules(conference) if rule.preset not in have]
    EmailRule.objects.bulk_create(missing, ignore_conflicts=True)
    return list(
        EmailRule.objects.filter(
            conference=conference, preset__in=[rule.preset for rule in missing]
        ).order_by("id")
    )


def rule_run(*, rule: EmailRule, now: datetime | None = None) -> int:
    """Write to everyone of the rule's audience who has not had its e-mail; returns how many.
    See the module's docstring for why nobody gets it twice."""
    conference = rule.conference
    done = RuleDelivery.objects.filter(rule=rule).values("registration_id")
    people = list(rule_audience(rule).exclude(pk__in=done))
    total = 0
    for start in range(0, len(people), CHUNK):
        total += _prepare(rule, conference, people[start : start + CHUNK])
    return total


def _prepare(rule: EmailRule, conference: Conference, people: list[Registration]) -> int:
    with transaction.atomic():
        run = RuleRun.objects.create(rule=rule)
        RuleDelivery.objects.bulk_create(
            [RuleDelivery(rule=rule, registration=person, run=run) for person in people],
            ignore_conflicts=True,
        )
        # Whatever another run took first was ignored above: only rows with this run are ours.
        ours = set(RuleDelivery.objects.filter(run=run).values_list("registration_id", flat=True))
        if not ours:
            run.delete()
            return 0
        mine = [person for person in people if person.pk in ours]
        logs = []
        for person in mine:
            person.conference = conference
            text = rule_render(rule, person)
            logs.append(
                EmailLog(
                    conference_id=conference.pk,
                    registration=person,
                    kind=EmailLog.Kind.SCHEDULED,
                    to=person.email,
                    subject=text.subject[:300],
                    payload={
                        "rule": rule.pk,
                        "subject": text.subject,
                        "body": text.body,
                        "attach": list(rule.attachments),
                    },
                )
            )
        logs = EmailLog.objects.bulk_create(logs)
        by_person = {log.registration_id: log.pk for log in logs}
        deliveries = list(RuleDelivery.objects.filter(run=run))
        for delivery in deliveries:
            delivery.email_id = by_person[delivery.registration_id]
        RuleDelivery.objects.bulk_update(deliveries, ["email"])
        run.recipients = len(logs)
        run.save(update_fields=["recipients"])
        for log in logs:
            transaction.on_commit(partial(email_dispatch, log.pk))
    return len(logs)


def rules_due(*, now: datetime | None = None) -> list[EmailRule]:
    """Switched-on rules whose moment has come and not passed by more than `CATCH_UP`."""
    now = now or timezone.now()
    rules = EmailRule.objects.filter(is_active=True).select_related("conference")
    return [rule for rule in rules if (due := rule_due_at(rule)) <= now < due + CATCH_UP]


def rules_run_due(*, now: datetime | None = None) -> int:
    """The sweep (Celery beat, or `manage.py send_scheduled_emails` from cron)."""
    return sum(rule_run(rule=rule, now=now) for rule in rules_due(now=now))


@dataclass
class RulePreview:
    count: int
    language: str = "sv"
    to: str = ""
    subject: str = ""
    body: str = ""


def rule_preview(rule: EmailRule) -> RulePreview:
    """How many the rule reaches now and the e-mail its first recipient would get, as sent
    (with the practical facts and links). Nothing is saved; the person's private links are
    masked, so the organiser sees where they go but not the secrets."""
    audience = rule_audience(rule)
    count = audience.count()
    first = audience.first()
    if first is None:
        return RulePreview(count=count)
    first.conference = rule.conference
    text = rule_render(rule, first)
    log = EmailLog(
        conference=rule.conference,
        registration=first,
        kind=EmailLog.Kind.SCHEDULED,
        to=first.email,
        payload={"subject": text.subject, "body": text.body},
    )
    message = email_build(log)
    body = message.body
    for secret in (first.manage_token, first.calendar_token):
        body = body.replace(secret, "…")
    return RulePreview(
        count=count,
        language=first.language,
        to=first.email,
        subject=message.subject,
        body=body,
    )
