"""An online scan costs two statements on PostgreSQL, whatever its verdict (see checkin.scan_sql),
and gives the same answers whether the statements run prepared or through Django's cursor."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkin.models import Entry, Scan, Verdict
from checkin.services import scan_submit
from tests.checkin.test_api import client_for, scan_url


def sid():
    return str(uuid.uuid4())


@pytest.mark.django_db(transaction=True)
def test_scan_api_two_statements_per_scan_on_postgresql(entrance, badge, door_user, is_postgres):
    if not is_postgres:
        pytest.skip("the single-statement insert is PostgreSQL's (SQLite has no DML in CTEs)")
    client = client_for(door_user)
    client.post(scan_url(entrance), {"scan_id": sid(), "code": "WARMUP"}, format="json")

    with CaptureQueriesContext(connection) as first:
        ok = client.post(scan_url(entrance), {"scan_id": sid(), "code": badge}, format="json")
    with CaptureQueriesContext(connection) as second:
        again = client.post(scan_url(entrance), {"scan_id": sid(), "code": badge}, format="json")

    assert ok.json()["verdict"] == Verdict.OK
    assert again.json()["verdict"] == Verdict.ALREADY_CHECKED_IN
    assert len(first) == 2
    assert len(second) == 2


@pytest.mark.django_db(transaction=True)
def test_scan_prepared_path_same_verdicts_and_rows(entrance, attendee, badge):
    scan_id = sid()

    first = scan_submit(checkpoint=entrance, scan_id=scan_id, code=badge.lower(), device_id="a")
    retry = scan_submit(checkpoint=entrance, scan_id=scan_id, code=badge, device_id="a")
    second = scan_submit(checkpoint=entrance, scan_id=sid(), code=badge, device_id="b")
    unknown = scan_submit(checkpoint=entrance, scan_id=sid(), code="NOPE", device_id="b")

    entry = Entry.objects.get()
    assert [first.verdict, retry.verdict, second.verdict, unknown.verdict] == [
        Verdict.OK,
        Verdict.OK,
        Verdict.ALREADY_CHECKED_IN,
        Verdict.UNKNOWN_CODE,
    ]
    assert entry.scan.scan_id == uuid.UUID(scan_id)
    assert entry.registration_id == attendee.pk
    assert second.entry.pk == entry.pk
    assert second.entry.scan.device_id == "a"
    assert second.entry.at == entry.at
    assert list(Scan.objects.order_by("id").values_list("device_id", "is_duplicate")) == [
        ("a", False),
        ("b", True),
        ("b", False),
    ]
