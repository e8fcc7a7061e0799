import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils.timezone import now

from checkin.errors import CheckinError
from checkin.models import BadgeCode, Checkpoint, Entry, Scan, Verdict
from checkin.services import (
    badge_code_for,
    badge_code_reissue,
    badge_code_revoke,
    badge_codes_issue,
    checkpoints_ensure,
    checkpoints_ensure_current,
    scan_submit,
)
from registration.models import AuditEntry, Registration, Signup
from tests.checkin.conftest import set_status
from tests.factories import RegistrationFactory, SessionFactory, SignupFactory, local

pytestmark = pytest.mark.django_db


def sid():
    return str(uuid.uuid4())


def test_badge_code_for_confirmed_issues_long_base32_code(attendee):
    code = badge_code_for(attendee)

    assert re.fullmatch(r"[A-Z2-7]{32}", code.code)
    assert len(code.code) * 5 >= 128
    assert BadgeCode.objects.filter(registration=attendee).count() == 1


def test_badge_code_for_twice_returns_same_code(attendee):
    first = badge_code_for(attendee)

    second = badge_code_for(attendee)

    assert second.pk == first.pk
    assert BadgeCode.objects.count() == 1


def test_badge_code_for_waiting_registration_refused_nothing_stored(conference):
    waiting = RegistrationFactory(conference=conference)
    set_status(waiting, Registration.Status.WAITING)

    with pytest.raises(CheckinError) as error:
        badge_code_for(waiting)

    assert error.value.code == "not_confirmed"
    assert BadgeCode.objects.count() == 0


def test_badge_codes_differ_between_registrations(conference):
    codes = {badge_code_for(RegistrationFactory(conference=conference)).code for _ in range(20)}

    assert len(codes) == 20


def test_badge_codes_issue_covers_every_confirmed_registration_once(conference, attendee):
    badge_code_for(attendee)
    RegistrationFactory.create_batch(3, conference=conference)
    RegistrationFactory(conference=conference, status=Registration.Status.CANCELLED)

    issued = badge_codes_issue(conference=conference)

    assert issued == 3
    assert BadgeCode.objects.count() == 4
    assert badge_codes_issue(conference=conference) == 0


def test_checkpoints_ensure_creates_entrance_per_day_and_session_doors(conference, workshop):
    SessionFactory(conference=conference, kind="break")

    checkpoints_ensure(conference=conference)
    checkpoints_ensure(conference=conference)

    entrances = Checkpoint.objects.filter(conference=conference, kind="entrance")
    assert [c.day for c in entrances] == [
        local(2027, 3, 16, 0, 0).date(),
        local(2027, 3, 17, 0, 0).date(),
    ]
    assert list(Checkpoint.objects.filter(kind="session").values_list("session_id", flat=True)) == [
        workshop.pk
    ]


def test_door_staff_group_exists_after_migrations():
    assert Group.objects.filter(name="door staff").count() == 1


def test_scan_confirmed_badge_ok_and_entry_recorded(entrance, attendee, badge, door_user):
    result = scan_submit(checkpoint=entrance, scan_id=sid(), code=badge, actor=door_user)

    assert result.verdict == Verdict.OK
    assert result.registration == attendee
    entry = Entry.objects.get()
    assert entry.registration == attendee
    assert entry.scan == result.scan
    assert result.scan.actor == door_user
    assert result.scan.is_duplicate is False


def test_scan_lower_case_with_spaces_is_found(entrance, attendee, badge):
    typed = " " + badge.lower()[:10] + " " + badge.lower()[10:] + "\n"

    result = scan_submit(checkpoint=entrance, scan_id=sid(), code=typed)

    assert result.verdict == Verdict.OK
    assert result.scan.code == badge


def test_scan_second_time_already_checked_in_with_first_entry(entrance, attendee, badge):
    first = scan_submit(checkpoint=entrance, scan_id=sid(), code=badge, device_id="north")

    second = scan_submit(checkpoint=entrance, scan_id=sid(), code=badge, device_id="south")

    assert second.verdict == Verdict.ALREADY_CHECKED_IN
    assert second.scan.is_duplicate is True
    assert second.entry.scan == first.scan
    assert second.entry.scan.device_id == "north"
    assert Entry.objects.count() == 1
    assert Scan.objects.count() == 2


def test_scan_retry_same_scan_id_returns_first_verdict_nothing_added(entrance, badge):
    scan_id = sid()
    first = scan_submit(checkpoint=entrance, scan_id=scan_id, code=badge)

    retry = scan_submit(checkpoint=entrance, scan_id=scan_id, code=badge)

    assert retry.verdict == Verdict.OK
    assert retry.scan.pk == first.scan.pk
    assert Scan.objects.count() == 1
    assert Entry.objects.count() == 1


def test_scan_same_scan_id_at_other_checkpoint_refused(entrance, workshop_door, badge):
    scan_id = sid()
    scan_submit(checkpoint=entrance, scan_id=scan_id, code=badge)

    with pytest.raises(CheckinError) as error:
        scan_submit(checkpoint=workshop_door, scan_id=scan_id, code=badge)

    assert error.value.code == "scan_id_reused"
    assert Scan.objects.count() == 1


def test_scan_cancelled_registration_cancelled_no_entry(entrance, attendee, badge):
    set_status(attendee, Registration.Status.CANCELLED)

    result = scan_submit(checkpoint=entrance, scan_id=sid(), code=badge)

    assert result.verdict == Verdict.CANCELLED
    assert Entry.objects.count() == 0


@pytest.mark.parametrize("status", [Registration.Status.WAITING, Registration.Status.OFFERED])
def test_scan_waiting_or_offered_registration_waiting_list(entrance, attendee, badge, status):
    set_status(attendee, status)

    result = scan_submit(checkpoint=entrance, scan_id=sid(), code=badge)

    assert result.verdict == Verdict.WAITING_LIST
    assert Entry.objects.count() == 0


def test_scan_unknown_code_recorded_without_registration(entrance):
    result = scan_submit(checkpoint=entrance, scan_id=sid(), code="AAAABBBBCCCC")

    assert result.verdict == Verdict.UNKNOWN_CODE
    assert result.registration is None
    assert Scan.objects.get().code == "AAAABBBBCCCC"


def test_scan_code_of_other_conference_unknown(entrance):
    stranger = RegistrationFactory()
    code = badge_code_for(stranger).code

    result = scan_submit(checkpoint=entrance, scan_id=sid(), code=code)

    assert result.verdict == Verdict.UNKNOWN_CODE
    assert Entry.objects.count() == 0


def test_scan_without_code_refused_nothing_stored(entrance):
    with pytest.raises(CheckinError) as error:
        scan_submit(checkpoint=entrance, scan_id=sid(), code="  --  ")

    assert error.value.code == "no_code"
    assert Scan.objects.count() == 0


def test_scan_bad_scan_id_refused(entrance, badge):
    with pytest.raises(CheckinError) as error:
        scan_submit(checkpoint=entrance, scan_id="not-a-uuid", code=badge)

    assert error.value.code == "bad_scan_id"
    assert Scan.objects.count() == 0


def test_scan_revoked_code_unknown_and_new_code_ok(entrance, attendee, badge, organiser):
    new = badge_code_reissue(registration=attendee, actor=organiser)

    old_result = scan_submit(checkpoint=entrance, scan_id=sid(), code=badge)
    new_result = scan_submit(checkpoint=entrance, scan_id=sid(), code=new.code)

    assert old_result.verdict == Verdict.UNKNOWN_CODE
    assert new_result.verdict == Verdict.OK
    assert new.code != badge
    assert BadgeCode.objects.get(code=badge).revoked_by == organiser
    assert list(
        AuditEntry.objects.filter(registration=attendee)
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["badge.revoke", "badge.issue"]


def test_badge_code_revoke_without_reissue_leaves_no_active_code(attendee, badge, organiser):
    badge_code_revoke(registration=attendee, actor=organiser)

    assert BadgeCode.objects.filter(registration=attendee, revoked_at__isnull=True).count() == 0


def test_session_door_confirmed_signup_ok(workshop_door, attendee, badge, workshop):
    SignupFactory(registration=attendee, session=workshop)

    result = scan_submit(checkpoint=workshop_door, scan_id=sid(), code=badge)

    assert result.verdict == Verdict.OK


def test_session_door_without_signup_not_signed_up(workshop_door, badge):
    result = scan_submit(checkpoint=workshop_door, scan_id=sid(), code=badge)

    assert result.verdict == Verdict.NOT_SIGNED_UP
    assert Entry.objects.count() == 0


def test_session_door_cancelled_signup_not_signed_up(workshop_door, attendee, badge, workshop):
    SignupFactory(registration=attendee, session=workshop, status=Signup.Status.CANCELLED)

    result = scan_submit(checkpoint=workshop_door, scan_id=sid(), code=badge)

    assert result.verdict == Verdict.NOT_SIGNED_UP


def test_session_door_waiting_signup_waiting_list(workshop_door, attendee, badge, workshop):
    SignupFactory(
        registration=attendee, session=workshop, status=Signup.Status.WAITING, waiting_since=now()
    )

    result = scan_submit(checkpoint=workshop_door, scan_id=sid(), code=badge)

    assert result.verdict == Verdict.WAITING_LIST


def test_open_session_door_any_confirmed_registration_ok(conference, attendee, badge):
    seminar = SessionFactory(conference=conference, kind="seminar")
    checkpoints_ensure(conference=conference)
    door = Checkpoint.objects.get(session=seminar)

    result = scan_submit(checkpoint=door, scan_id=sid(), code=badge)

    assert result.verdict == Verdict.OK


def test_entrance_and_session_door_each_one_entry(
    entrance, workshop_door, attendee, badge, workshop
):
    SignupFactory(registration=attendee, session=workshop)

    at_entrance = scan_submit(checkpoint=entrance, scan_id=sid(), code=badge)
    at_workshop = scan_submit(checkpoint=workshop_door, scan_id=sid(), code=badge)

    assert (at_entrance.verdict, at_workshop.verdict) == (Verdict.OK, Verdict.OK)
    assert Entry.objects.count() == 2


def test_scan_manual_by_registration_id_ok(entrance, attendee):
    result = scan_submit(checkpoint=entrance, scan_id=sid(), registration_id=attendee.pk)

    assert result.verdict == Verdict.OK
    assert result.scan.manual is True


def test_scan_future_device_time_clamped_to_now(entrance, badge):
    from django.utils import timezone

    result = scan_submit(
        checkpoint=entrance,
        scan_id=sid(),
        code=badge,
        scanned_at=timezone.now() + timedelta(days=3),
    )

    assert result.scan.scanned_at <= timezone.now()


# Doors in step with the programme --------------------------------------------------------------


def _doors(conference):
    return sorted(
        Checkpoint.objects.filter(conference=conference).values_list("kind", "day", "session_id"),
        key=str,
    )


def test_checkpoints_ensure_removes_cancelled_session_door_and_lost_day(conference, workshop):
    from conference.services import session_cancel

    checkpoints_ensure(conference=conference)
    session_cancel(session=workshop)
    conference.end = local(2027, 3, 16, 17, 0)
    conference.save(update_fields=["end"])

    checkpoints_ensure(conference=conference)

    assert _doors(conference) == [("entrance", local(2027, 3, 16, 0, 0).date(), None)]


def test_checkpoints_ensure_keeps_doors_with_scans(conference, workshop, attendee, badge):
    from conference.services import session_cancel

    checkpoints_ensure(conference=conference)
    door = Checkpoint.objects.get(session=workshop)
    scan_submit(checkpoint=door, scan_id=sid(), code=badge)
    session_cancel(session=workshop)

    checkpoints_ensure(conference=conference)

    assert Checkpoint.objects.filter(pk=door.pk).count() == 1


def test_checkpoints_ensure_keeps_door_organiser_added_for_a_meal(conference):
    lunch = SessionFactory(conference=conference, kind="meal")
    Checkpoint.objects.create(conference=conference, kind="session", session=lunch)

    checkpoints_ensure(conference=conference)

    assert Checkpoint.objects.filter(session=lunch).count() == 1


def test_checkpoints_ensure_current_runs_once_per_programme_version(
    conference, workshop, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from conference.services import session_create

    with django_capture_on_commit_callbacks(execute=True):
        checkpoints_ensure_current(conference=conference)
    with django_assert_num_queries(0):
        checkpoints_ensure_current(conference=conference)
    added = session_create(
        conference=conference,
        kind="seminar",
        title="Ny",
        start=local(2027, 3, 17, 9, 0),
        end=local(2027, 3, 17, 10, 0),
    )

    checkpoints_ensure_current(conference=conference)

    assert Checkpoint.objects.filter(session=added).count() == 1


def test_checkpoints_ensure_current_follows_added_day(conference):
    checkpoints_ensure_current(conference=conference)
    conference.end = local(2027, 3, 18, 13, 0)
    conference.save(update_fields=["end"])

    checkpoints_ensure_current(conference=conference)

    assert [c.day for c in Checkpoint.objects.filter(kind="entrance")] == [
        local(2027, 3, 16, 0, 0).date(),
        local(2027, 3, 17, 0, 0).date(),
        local(2027, 3, 18, 0, 0).date(),
    ]
