"""Writes for check-in: badge codes, checkpoints, door staff and scans.

The package: `badge_codes` (issue, revoke and reissue codes; badge print jobs), `doors`
(checkpoints, door staff and their printed log-ins), `team` (inviting organisers and door
volunteers) and `scans` (one scan, or a device's offline batch). Callers import
from `checkin.services`.
"""

from .badge_codes import (
    badge_code_for,
    badge_code_reissue,
    badge_code_revoke,
    badge_codes_issue,
    badge_job_create,
    badge_job_run,
)
from .doors import (
    DOOR_STAFF_GROUP,
    NO_DOOR_KINDS,
    checkpoints_ensure,
    checkpoints_ensure_current,
    conference_days,
    door_link_create,
    door_link_revoke,
    door_link_use,
    door_staff_assign,
    door_staff_group,
    door_staff_unassign,
)
from .scans import ADMITTED, CLOCK_SKEW, ScanResult, decide, scan_submit, scans_sync
from .team import (
    TeamRole,
    is_deactivated,
    needs_password,
    team_home_url,
    team_invitation_accept,
    team_invite,
    team_invite_again,
    team_invite_tokens,
    team_remove,
    team_role,
    team_set_role,
)

__all__ = [
    "ADMITTED",
    "CLOCK_SKEW",
    "DOOR_STAFF_GROUP",
    "NO_DOOR_KINDS",
    "ScanResult",
    "badge_code_for",
    "badge_code_reissue",
    "badge_code_revoke",
    "badge_codes_issue",
    "badge_job_create",
    "badge_job_run",
    "checkpoints_ensure",
    "checkpoints_ensure_current",
    "conference_days",
    "decide",
    "door_link_create",
    "door_link_revoke",
    "door_link_use",
    "door_staff_assign",
    "door_staff_group",
    "door_staff_unassign",
    "scan_submit",
    "scans_sync",
    "TeamRole",
    "is_deactivated",
    "needs_password",
    "team_home_url",
    "team_invitation_accept",
    "team_invite",
    "team_invite_again",
    "team_invite_tokens",
    "team_remove",
    "team_role",
    "team_set_role",
]
