import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from checkin.models import Checkpoint, Entry, Scan, Verdict
from checkin.services import badge_code_for, checkpoints_ensure, door_staff_assign, scan_submit
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

ROUNDS = 100


def _scan_at_once(checkpoint_id, code, doors=2):
    barrier = threading.Barrier(doors)
    verdicts = []
    errors = []

    def door(name):
        try:
            checkpoint = Checkpoint.objects.select_related("session").get(pk=checkpoint_id)
            barrier.wait(timeout=10)
            result = scan_submit(
                checkpoint=checkpoint, scan_id=uuid.uuid4(), code=code, device_id=name
            )
            verdicts.append(result.verdict)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=door, args=(f"door-{n}",)) for n in range(doors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(verdicts), errors


@pytest.mark.django_db(transaction=True)
def test_two_doors_scan_same_badge_at_once_exactly_one_ok_each_round():
    conference = ConferenceFactory()
    checkpoints_ensure(conference=conference)
    entrance = Checkpoint.objects.filter(conference=conference, kind="entrance").first()
    outcomes = []

    for _ in range(ROUNDS):
        code = badge_code_for(RegistrationFactory(conference=conference)).code
        outcomes.append(_scan_at_once(entrance.pk, code))

    assert [errors for _verdicts, errors in outcomes if errors] == []
    assert {tuple(v) for v, _errors in outcomes} == {(Verdict.ALREADY_CHECKED_IN, Verdict.OK)}
    assert Entry.objects.count() == ROUNDS
    assert Scan.objects.filter(is_duplicate=True).count() == ROUNDS


@pytest.mark.django_db(transaction=True)
def test_two_requests_issue_badge_code_at_once_one_code():
    conference = ConferenceFactory()
    registration = RegistrationFactory(conference=conference)
    barrier = threading.Barrier(2)
    codes = []

    def issue():
        try:
            barrier.wait(timeout=10)
            codes.append(badge_code_for(registration).code)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(codes) == 2
    assert codes[0] == codes[1]


def _sync_at_once(checkpoint_id, token, batch, devices=2):
    """`devices` requests post the same offline batch to the sync API at the same moment."""
    barrier = threading.Barrier(devices)
    answers = []
    errors = []

    def device():
        try:
            client = APIClient(raise_request_exception=False)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            barrier.wait(timeout=10)
            response = client.post(
                f"/api/checkin/checkpoints/{checkpoint_id}/sync/",
                {"device_id": "phone-1", "scans": batch},
                format="json",
            )
            answers.append((response.status_code, response.json()))
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=device) for _ in range(devices)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers, errors


SYNC_ROUNDS = 20


@pytest.mark.django_db(transaction=True)
def test_same_offline_batch_synced_twice_at_once_both_200_one_scan_each():
    conference = ConferenceFactory()
    checkpoints_ensure(conference=conference)
    entrance = Checkpoint.objects.filter(conference=conference, kind="entrance").first()
    user = UserFactory(username="door", is_staff=False)
    door_staff_assign(conference=conference, user=user)
    token = Token.objects.create(user=user).key
    scanned_at = (timezone.now() - timedelta(minutes=5)).isoformat()
    outcomes = []

    for _ in range(SYNC_ROUNDS):
        people = [RegistrationFactory(conference=conference) for _ in range(2)]
        batch = [
            {"scan_id": str(uuid.uuid4()), "code": badge_code_for(p).code, "scanned_at": scanned_at}
            for p in people
        ] + [{"scan_id": str(uuid.uuid4()), "code": "NOTABADGE", "scanned_at": scanned_at}]
        outcomes.append((batch, *_sync_at_once(entrance.pk, token, batch)))

    assert [errors for _batch, _answers, errors in outcomes if errors] == []
    for batch, answers, _errors in outcomes:
        assert [status for status, _body in answers] == [200, 200]
        first, second = (body["results"] for _status, body in answers)
        assert first == second
        assert [r["scan_id"] for r in first] == [item["scan_id"] for item in batch]
        assert [r["verdict"] for r in first] == [Verdict.OK, Verdict.OK, Verdict.UNKNOWN_CODE]
    assert Scan.objects.count() == 3 * SYNC_ROUNDS
    assert Entry.objects.count() == 2 * SYNC_ROUNDS
    assert Scan.objects.filter(is_duplicate=True).count() == 0
