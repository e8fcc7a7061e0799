"""Organisers' check-in tools: revoke and reissue badge codes (registration page and admin),
scans with duplicates, checkpoints and door staff, each scoped to the organiser's conferences."""

import uuid

import pytest

from checkin.models import BadgeCode, Checkpoint, DoorAssignment, Scan, Verdict
from checkin.services import badge_code_for, scan_submit
from registration.models import AuditEntry
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def sid():
    return str(uuid.uuid4())


def active_code(registration):
    return BadgeCode.objects.filter(registration=registration, revoked_at__isnull=True).first()


@pytest.fixture
def other_conference():
    return ConferenceFactory(name="Annan konferens")


@pytest.fixture
def stranger(other_conference):
    return RegistrationFactory(conference=other_conference, name="Bo Berg")


def badge_url(registration):
    return f"/organiser/{registration.conference.slug}/registrations/{registration.pk}/badge-code/"


# The organiser's registration page -------------------------------------------------------------


def test_registration_page_shows_badge_box_with_buttons(client, organiser, attendee, badge):
    client.force_login(organiser)

    response = client.get(f"/en/organiser/{attendee.conference.slug}/registrations/{attendee.pk}/")

    text = response.content.decode()
    assert response.status_code == 200
    assert f"{badge[:4]}…" in text
    assert badge not in text
    short = active_code(attendee).short_code
    assert f"Short code on the badge: {short[:4]}-{short[4:]}" in text
    assert 'value="reissue"' in text
    assert 'value="revoke"' in text


def test_badge_code_reissue_from_page_old_code_unknown_new_code_ok(
    client, organiser, attendee, badge, entrance
):
    client.force_login(organiser)

    response = client.post(badge_url(attendee), {"action": "reissue"})

    new = active_code(attendee)
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/organiser/{attendee.conference.slug}/registrations/{attendee.pk}/#badge-code"
    )
    assert new.code != badge
    assert new.issued_by == organiser
    assert scan_submit(checkpoint=entrance, scan_id=sid(), code=badge).verdict == (
        Verdict.UNKNOWN_CODE
    )
    assert scan_submit(checkpoint=entrance, scan_id=sid(), code=new.code).verdict == Verdict.OK
    assert list(
        AuditEntry.objects.filter(registration=attendee)
        .order_by("id")
        .values_list("action", "actor_id")
    ) == [("badge.revoke", organiser.pk), ("badge.issue", organiser.pk)]


def test_badge_code_revoke_from_page_leaves_no_active_code(
    client, organiser, attendee, badge, entrance
):
    client.force_login(organiser)

    response = client.post(badge_url(attendee), {"action": "revoke"})

    assert response.status_code == 302
    assert active_code(attendee) is None
    assert BadgeCode.objects.get(code=badge).revoked_by == organiser
    assert scan_submit(checkpoint=entrance, scan_id=sid(), code=badge).verdict == (
        Verdict.UNKNOWN_CODE
    )
    assert list(
        AuditEntry.objects.filter(registration=attendee).values_list("action", flat=True)
    ) == ["badge.revoke"]


def test_badge_code_revoke_other_conference_404_nothing_changed(client, organiser, stranger):
    code = badge_code_for(stranger).code
    client.force_login(organiser)

    own_slug = client.post(
        f"/organiser/{organiser.organised_conferences.get().slug}/registrations/{stranger.pk}/badge-code/",
        {"action": "revoke"},
    )
    their_slug = client.post(badge_url(stranger), {"action": "reissue"})

    assert own_slug.status_code == 404
    assert their_slug.status_code == 404
    assert active_code(stranger).code == code
    assert AuditEntry.objects.filter(registration=stranger).count() == 0


def test_badge_code_action_door_staff_404_nothing_changed(client, door_user, attendee, badge):
    client.force_login(door_user)

    response = client.post(badge_url(attendee), {"action": "revoke"})

    assert response.status_code == 404
    assert active_code(attendee).code == badge


def test_badge_code_reissue_cancelled_registration_refused_code_kept(
    client, organiser, attendee, badge
):
    attendee.status = "cancelled"
    attendee.save(update_fields=["status"])
    client.force_login(organiser)

    response = client.post(badge_url(attendee), {"action": "reissue"}, follow=True)

    assert response.status_code == 200
    assert active_code(attendee).code == badge
    assert AuditEntry.objects.filter(action__startswith="badge.").count() == 0


# The admin ---------------------------------------------------------------------------------------


def test_admin_badge_codes_organiser_sees_only_own_conference(
    client, organiser, attendee, badge, stranger
):
    badge_code_for(stranger)
    client.force_login(organiser)

    response = client.get("/admin/checkin/badgecode/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "Alva Ek" in text
    assert "Bo Berg" not in text
    assert badge not in text


def test_admin_revoke_action_revokes_and_audits(client, organiser, attendee, badge, entrance):
    client.force_login(organiser)
    code = BadgeCode.objects.get(code=badge)

    response = client.post(
        "/admin/checkin/badgecode/",
        {"action": "reissue_codes", "_selected_action": [code.pk]},
    )

    new = active_code(attendee)
    assert response.status_code == 302
    assert new.code != badge
    assert scan_submit(checkpoint=entrance, scan_id=sid(), code=badge).verdict == (
        Verdict.UNKNOWN_CODE
    )
    assert scan_submit(checkpoint=entrance, scan_id=sid(), code=new.code).verdict == Verdict.OK
    assert AuditEntry.objects.filter(registration=attendee, action="badge.revoke").count() == 1


def test_admin_revoke_action_other_conference_code_untouched(client, organiser, stranger):
    code = badge_code_for(stranger)
    client.force_login(organiser)

    client.post(
        "/admin/checkin/badgecode/", {"action": "revoke_codes", "_selected_action": [code.pk]}
    )

    code.refresh_from_db()
    assert code.revoked_at is None
    assert AuditEntry.objects.filter(registration=stranger).count() == 0


def test_admin_scans_duplicates_filter_scoped(client, organiser, attendee, badge, entrance):
    scan_submit(checkpoint=entrance, scan_id=sid(), code=badge, device_id="door-a")
    scan_submit(checkpoint=entrance, scan_id=sid(), code=badge, device_id="door-b")
    other = ConferenceFactory()
    from checkin.services import checkpoints_ensure

    checkpoints_ensure(conference=other)
    outsider = RegistrationFactory(conference=other, name="Cecilia Ceder")
    other_door = Checkpoint.objects.filter(conference=other).first()
    scan_submit(
        checkpoint=other_door, scan_id=sid(), code=badge_code_for(outsider).code, device_id="x"
    )
    client.force_login(organiser)

    duplicates = client.get("/admin/checkin/scan/?is_duplicate__exact=1")
    everything = client.get("/admin/checkin/scan/")

    assert duplicates.status_code == 200
    assert list(duplicates.context["cl"].result_list.values_list("device_id", flat=True)) == [
        "door-b"
    ]
    assert sorted(everything.context["cl"].result_list.values_list("device_id", flat=True)) == [
        "door-a",
        "door-b",
    ]
    assert Scan.objects.count() == 3


def test_admin_door_assignment_add_scoped_and_joins_group(
    client, organiser, conference, other_conference
):
    helper = UserFactory(username="helper", is_staff=False)
    client.force_login(organiser)

    refused = client.post(
        "/admin/checkin/doorassignment/add/",
        {"conference": other_conference.pk, "user": helper.pk},
    )
    added = client.post(
        "/admin/checkin/doorassignment/add/", {"conference": conference.pk, "user": helper.pk}
    )

    assert refused.status_code == 200  # the form refuses a conference not offered
    assert added.status_code == 302
    assert list(DoorAssignment.objects.values_list("conference_id", "user_id")) == [
        (conference.pk, helper.pk)
    ]
    assert helper.groups.filter(name="door staff").exists()


def test_admin_checkpoint_list_scoped(client, organiser, entrance, other_conference):
    from checkin.services import checkpoints_ensure

    checkpoints_ensure(conference=other_conference)
    client.force_login(organiser)

    response = client.get("/admin/checkin/checkpoint/")

    assert response.status_code == 200
    assert {c.conference_id for c in response.context["cl"].result_list} == {entrance.conference_id}


def test_admin_checkin_hidden_from_staff_who_organise_nothing(client, attendee, badge):
    client.force_login(UserFactory(username="plainstaff"))

    response = client.get("/admin/checkin/badgecode/")

    assert response.status_code == 403


def test_admin_door_assignment_opens_read_only_for_organiser(client, organiser, door_user):
    assignment = DoorAssignment.objects.get(user=door_user)
    client.force_login(organiser)

    response = client.get(f"/admin/checkin/doorassignment/{assignment.pk}/change/")

    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}


@pytest.mark.parametrize("model", ["badgecode", "scan", "checkpoint", "doorassignment"])
@pytest.mark.parametrize(
    "query",
    [
        "conference__id__exact=abc",
        "checkpoint__id__exact=abc",
        "active=maybe",
        "kind=x",
        "verdict=x",
        "o=abc",
        "p=abc",
    ],
)
def test_admin_checkin_changelists_bad_filters_not_a_500(client, organiser, entrance, model, query):
    client.force_login(organiser)

    response = client.get(f"/admin/checkin/{model}/?{query}")

    assert response.status_code in (200, 302)
