"""A door checks its day: an entrance scanned on another day in the conference's local date
(Europe/Stockholm) refuses, online and when synced."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from checkin.models import Entry, Scan, Verdict
from checkin.services import scan_submit, scans_sync
from tests.checkin.test_api import client_for, scan_url

pytestmark = [pytest.mark.django_db, pytest.mark.door_day]

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today_in_stockholm():
    return timezone.now().astimezone(STOCKHOLM).date()


def test_scan_on_another_day_refused_nothing_entered(entrance, badge):
    assert entrance.day != today_in_stockholm()

    result = scan_submit(checkpoint=entrance, scan_id=uuid.uuid4(), code=badge)

    assert result.verdict == Verdict.WRONG_DAY
    assert result.entry is None
    assert Entry.objects.count() == 0
    assert Scan.objects.get().verdict == Verdict.WRONG_DAY


def test_scan_on_the_door_day_lets_in(entrance, badge):
    entrance.day = today_in_stockholm()
    entrance.save(update_fields=["day"])

    result = scan_submit(checkpoint=entrance, scan_id=uuid.uuid4(), code=badge)

    assert result.verdict == Verdict.OK
    assert Entry.objects.count() == 1


def test_local_date_decides_not_utc(entrance, badge):
    # 23:30 UTC on the day before is already the door's day in Stockholm (UTC+1 or +2): let in;
    # 23:30 UTC on the door's day is already the next day there: refused.
    day = today_in_stockholm() - datetime.timedelta(days=2)
    entrance.day = day
    entrance.save(update_fields=["day"])
    utc = datetime.UTC
    before = datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(23, 30), utc)
    after = datetime.datetime.combine(day, datetime.time(23, 30), utc)
    scans = [
        {"scan_id": str(uuid.uuid4()), "code": badge, "scanned_at": moment}
        for moment in (before, after)
    ]

    results = scans_sync(checkpoint=entrance, scans=scans)

    assert [r.verdict for r in results] == [Verdict.OK, Verdict.WRONG_DAY]


def test_sync_of_a_scan_made_on_the_door_day_lets_in_later(entrance, badge):
    # Synced the day after: the scan's own time, not the sync's, decides.
    yesterday = timezone.now() - datetime.timedelta(days=1)
    entrance.day = yesterday.astimezone(STOCKHOLM).date()
    entrance.save(update_fields=["day"])
    late = {"scan_id": str(uuid.uuid4()), "code": badge, "scanned_at": yesterday}
    wrong = {"scan_id": str(uuid.uuid4()), "code": badge, "scanned_at": timezone.now()}

    results = scans_sync(checkpoint=entrance, scans=[late, wrong])

    assert [r.verdict for r in results] == [Verdict.OK, Verdict.WRONG_DAY]
    assert Entry.objects.get().scan.scan_id == uuid.UUID(late["scan_id"])


@pytest.mark.parametrize(
    ("language", "title", "detail"),
    [
        ("sv", "Fel dag", "Fel dag: den här dörren gäller 16 mars."),
        ("en", "Wrong day", "Wrong day: this door is for 16 March."),
    ],
)
def test_api_wrong_day_says_the_door_day_in_the_language(
    entrance, badge, door_user, language, title, detail
):
    response = client_for(door_user).post(
        scan_url(entrance),
        {"scan_id": str(uuid.uuid4()), "code": badge},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["verdict"], body["title"], body["detail"]) == ("wrong_day", title, detail)
    assert body["entry"] is None
