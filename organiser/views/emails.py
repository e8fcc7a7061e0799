"""Utskick: scheduled e-mails (rules). A rule is checked against its real audience before it is
saved: how many it reaches now, and the e-mail as its first recipient would get it. Each rule
shows its runs and every e-mail's delivery status."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from impact import rules, selectors
from impact.errors import ImpactError
from impact.models import EmailRule

from ..access import organiser_required
from ..email_forms import EmailRuleForm
from .conferences import form_error_add

AREA = "emails"


@organiser_required
def rule_list(request, conference):
    with timezone.override(conference.time_zone):
        return render(
            request,
            "organiser/emails/list.html",
            {
                "conference": conference,
                "nav_active": AREA,
                "rules": selectors.email_rules(conference=conference),
                "defaults_missing": selectors.email_rule_presets_missing(conference=conference),
            },
        )


@organiser_required
@require_POST
def rule_defaults(request, conference):
    added = rules.rules_create_defaults(conference=conference)
    messages.success(request, _("%(n)s ready-made rules added, switched on.") % {"n": len(added)})
    return redirect("organiser:emails", slug=conference.slug)


@organiser_required
@require_POST
def rule_switch(request, conference, pk):
    rule = _rule(conference, pk)
    rules.rule_switch(rule=rule, active=request.POST.get("active") == "1")
    if rule.is_active:
        messages.success(request, _("“%(name)s” is switched on.") % {"name": rule.name})
    else:
        messages.success(request, _("“%(name)s” is switched off.") % {"name": rule.name})
    return redirect("organiser:emails", slug=conference.slug)


@organiser_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, conference, pk=None):
    rule = _rule(conference, pk) if pk is not None else EmailRule(conference=conference)
    action = request.POST.get("action") if request.method == "POST" else None
    with timezone.override(conference.time_zone):
        form = EmailRuleForm(
            request.POST or None,
            instance=rule,
            conference=conference,
            sessions=selectors.rule_sessions(conference=conference),
        )
        context = {
            "conference": conference,
            "nav_active": AREA,
            "form": form,
            "rule": rule,
            "placeholders": list(rules.PLACEHOLDERS.items()),
        }
        status = 200
        if action in ("check", "save"):
            status = 400
            if form.is_valid():
                candidate = form.save(commit=False)
                try:
                    if action == "save":
                        rules.rule_save(rule=candidate)
                    else:
                        rules.rule_check(candidate)
                except ImpactError as error:
                    form_error_add(form, error)
                else:
                    if action == "save":
                        messages.success(request, _("The rule is saved."))
                        return redirect("organiser:email-rule", slug=conference.slug, pk=rule.pk)
                    status = 200
                    context["check"] = rules.rule_preview(candidate)
        if rule.pk:
            context["due_at"] = rules.rule_due_at(rule)
            context["runs"] = selectors.rule_runs(rule=rule)
            context["deliveries"] = selectors.rule_deliveries(rule=rule)
        return render(request, "organiser/emails/rule.html", context, status=status)


def _rule(conference, pk):
    rule = selectors.email_rule_get(conference=conference, pk=pk)
    if rule is None:
        raise Http404("rule")
    return rule
