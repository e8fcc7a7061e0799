"""Writes for check-in: badge codes, checkpoints, door staff and scans.

The package: `badge_codes` (issue, revoke and reissue codes; badge print jobs), `doors`
(checkpoints and door staff) and `scans` (one scan, or a device's offline batch). Callers import
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
    door_staff_assign,
    door_staff_group,
    door_staff_unassign,
)
from .scans import ADMITTED, CLOCK_SKEW, ScanResult, decide, scan_submit, scans_sync

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
    "door_staff_assign",
    "door_staff_group",
    "door_staff_unassign",
    "scan_submit",
    "scans_sync",
]
