from django import template

register = template.Library()


@register.filter
def localized(obj, field):
    """{{ session|localized:"title" }}: the text in the active language."""
    return obj.localized(field) if obj is not None else ""


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
    from registration.services import registration_deadline, registration_window_state

    return {
        "state": registration_window_state(conference),
        "deadline": registration_deadline(conference),
        "counts": conference_counts(conference=conference),
    }
