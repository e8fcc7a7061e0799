from django import template

register = template.Library()


@register.filter
def localized(obj, field):
    """{{ session|localized:"title" }}: the text in the active language."""
    return obj.localized(field) if obj is not None else ""
