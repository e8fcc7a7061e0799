from django import template

from conference.templatetags.samla import loc

register = template.Library()
# {{ session|localized:"title" }}: the programme's `loc` under the name the e-mails use.
register.filter("localized", loc)


@register.filter
def split(value):
    return value.split()


@register.filter
def field(form, name):
    """{{ form|field:"name" }}: the bound field, or "" when the form has no such field."""
    return form[name] if name in form.fields else ""


@register.simple_tag
def registration_box(conference):
    """Registration state for a conference page: {% registration_box conference as box %}."""
    from registration.selectors import conference_counts
    from registration.services import (
        registration_deadline,
        registration_last_day,
        registration_window_state,
    )

    return {
        "state": registration_window_state(conference),
        "deadline": registration_deadline(conference),
        "last_day": registration_last_day(conference),
        "counts": conference_counts(conference=conference),
    }
