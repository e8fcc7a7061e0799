"""Reads for check-in: who may scan where, the lists a door device keeps, live counts, the
people behind badges and the team."""

from checkin.selectors.doors import (
    can_scan,
    checkpoint_get,
    checkpoints_for,
    checkpoints_for_door,
    conferences_for_door,
    door_link_active,
    door_list,
    door_other_badges,
    door_search,
    doors_by_conference,
    registrations_changed_at,
)
from checkin.selectors.live import (
    CheckpointCount,
    duplicates_for,
    live_counts,
    registration_entries,
)
from checkin.selectors.people import (
    BADGE_FILTERS,
    TeamMember,
    badge_job_get,
    badge_jobs,
    badge_people,
    desk_people,
    team_member,
    team_members,
)

__all__ = [
    "BADGE_FILTERS",
    "CheckpointCount",
    "TeamMember",
    "badge_job_get",
    "badge_jobs",
    "badge_people",
    "can_scan",
    "checkpoint_get",
    "checkpoints_for",
    "checkpoints_for_door",
    "conferences_for_door",
    "desk_people",
    "door_link_active",
    "door_list",
    "door_other_badges",
    "door_search",
    "doors_by_conference",
    "duplicates_for",
    "live_counts",
    "registration_entries",
    "registrations_changed_at",
    "team_member",
    "team_members",
]
