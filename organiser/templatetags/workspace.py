from django import template

from organiser.navigation import workspace_navigation

register = template.Library()


@register.inclusion_tag("organiser/_nav.html")
def workspace_nav(conference, active=""):
    return {"items": workspace_navigation(conference, active), "conference": conference}
