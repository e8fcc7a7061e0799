from django import template

from ..models import BadgeCode

register = template.Library()


@register.inclusion_tag("checkin/_badge_code_box.html")
def badge_code_box(registration, conference):
    """The organiser registration page's badge code box: state and revoke / reissue buttons."""
    codes = list(BadgeCode.objects.filter(registration=registration).order_by("-issued_at")[:5])
    active = next((code for code in codes if code.revoked_at is None), None)
    return {
        "registration": registration,
        "conference": conference,
        "active": active,
        "revoked": [code for code in codes if code.revoked_at is not None],
    }
