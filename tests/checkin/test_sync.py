import itertools
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from checkin.errors import CheckinError
from checkin.models import Entry, Scan, Verdict
from checkin.services import badge_code_for, scan_submit, scans_sync
from registration.models import Registration
from tests.checkin.conftest import set_status
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

# Device times lie in the past: a time ahead of the server's clock counts as received.
T0 = timezone.now() - timedelta(hours=2)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def scan(code, minutes, verdict="ok"):
    return {
        "scan_id": str(uuid.uuid4()),
        "code": code,
        "scanned_at": at(minutes),
        "verdict": verdict,
    }


@pytest.fixture
def people(conference):
    people = [RegistrationFactory(conference=conference, name=f"P{n}") for n in range(5)]
    codes = [badge_code_for(p).code for p in people]
    set_status(people[4], Registration.Status.CANCELLED)
    return people, codes


@pytest.fixture
def batches(people):
    _people, c = people
    return {
        "north": [scan(c[0], 3), scan(c[1], 5), scan(c[2], 1)],
        "south": [scan(c[0], 1), scan(c[1], 5), scan(c[3], 2), scan(c[4], 2)],
        "workshop": [scan(c[0], 2), scan(c[2], 7), scan("NOTABADGE", 4, "unknown_code")],
    }


def final_state():
    entries = {
        e.registration.name: str(e.scan.scan_id)
        for e in Entry.objects.select_related("scan", "registration")
    }
    duplicates = set(Scan.objects.filter(is_duplicate=True).values_list("scan_id", flat=True))
    verdicts = dict(Scan.objects.values_list("scan_id", "verdict"))
    return entries, {str(s) for s in duplicates}, {str(k): v for k, v in verdicts.items()}


@pytest.mark.parametrize("order", list(itertools.permutations(["north", "south", "workshop"])))
def test_three_devices_sync_in_any_order_earliest_wins_no_scan_lost(
    entrance, people, batches, order
):
    everything = [item for device in order for item in batches[device]]

    for device in order:
        scans_sync(checkpoint=entrance, scans=batches[device], device_id=device)

    entries, duplicates, verdicts = final_state()
    b = batches
    id_of = lambda device, n: b[device][n]["scan_id"]  # noqa: E731
    # P0 scanned at 3 (north), 1 (south), 2 (workshop): south wins. P1 at 5 and 5: tie -> lower id.
    p1_winner = min(id_of("north", 1), id_of("south", 1))
    p1_loser = max(id_of("north", 1), id_of("south", 1))
    assert entries == {
        "P0": id_of("south", 0),
        "P1": p1_winner,
        "P2": id_of("north", 2),
        "P3": id_of("south", 2),
    }
    assert duplicates == {
        id_of("north", 0),
        id_of("workshop", 0),
        p1_loser,
        id_of("workshop", 1),
    }
    assert len(verdicts) == len(everything)
    assert verdicts[id_of("south", 3)] == Verdict.CANCELLED
    assert verdicts[id_of("workshop", 2)] == Verdict.UNKNOWN_CODE
    assert {verdicts[s] for s in duplicates} == {Verdict.ALREADY_CHECKED_IN}
    assert Scan.objects.filter(device_id="north").count() == 3
    assert set(Scan.objects.filter(offline=True).values_list("device_verdict", flat=True)) == {
        "ok",
        "unknown_code",
    }


def test_sync_same_batch_twice_changes_nothing(entrance, batches):
    scans_sync(checkpoint=entrance, scans=batches["north"], device_id="north")
    before = final_state()

    again = scans_sync(checkpoint=entrance, scans=batches["north"], device_id="north")

    assert final_state() == before
    assert [r.verdict for r in again] == [Verdict.OK, Verdict.OK, Verdict.OK]


def test_sync_earlier_offline_scan_than_online_entry_takes_over(entrance, people):
    _people, codes = people
    online = scan_submit(
        checkpoint=entrance, scan_id=uuid.uuid4(), code=codes[0], scanned_at=at(10)
    )

    [result] = scans_sync(checkpoint=entrance, scans=[scan(codes[0], 1)], device_id="offline")

    online.scan.refresh_from_db()
    assert result.verdict == Verdict.OK
    assert Entry.objects.get().scan == result.scan
    # The online door said welcome; that stays, but the scan is now a duplicate.
    assert (online.scan.verdict, online.scan.is_duplicate) == (Verdict.OK, True)


def test_sync_bad_item_reported_others_kept(entrance, people):
    _people, codes = people
    bad = {"scan_id": "nope", "code": codes[0], "scanned_at": at(1)}

    results = scans_sync(checkpoint=entrance, scans=[bad, scan(codes[1], 2)])

    assert isinstance(results[0], CheckinError)
    assert results[1].verdict == Verdict.OK
    assert Scan.objects.count() == 1
