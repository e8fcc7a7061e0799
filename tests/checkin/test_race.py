import threading
import uuid

import pytest
from django.db import connection

from checkin.models import Checkpoint, Entry, Scan, Verdict
from checkin.services import badge_code_for, checkpoints_ensure, scan_submit
from tests.factories import ConferenceFactory, RegistrationFactory

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
