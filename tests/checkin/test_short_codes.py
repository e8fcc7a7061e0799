"""Short badge codes: readable, typed any way, unique per conference even when issued at once,
accepted wherever the full code is, and guarded against guessing."""

import hashlib
import threading
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from checkin import guard
from checkin.models import (
    SHORT_ALPHABET,
    BadgeCode,
    Entry,
    Scan,
    new_short_code,
    normalise_code,
    short_code_display,
)
from checkin.services import badge_code_for, badge_codes_issue, scan_submit, scans_sync
from checkin.services import badge_codes as badge_codes_module
from tests.factories import ConferenceFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def post_scan(client, checkpoint, code):
    return client.post(
        f"/api/checkin/checkpoints/{checkpoint.pk}/scans/",
        {"scan_id": str(uuid.uuid4()), "code": code},
        format="json",
    )


@pytest.fixture(autouse=True)
def _no_misses():
    cache.clear()
    yield
    cache.clear()


def test_short_code_alphabet_has_no_look_alikes():
    codes = [new_short_code() for _ in range(500)]

    assert SHORT_ALPHABET == "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    assert {len(code) for code in codes} == {8}
    assert set("".join(codes)) - set(SHORT_ALPHABET) == set()
    assert set("".join(codes)) & set("01OIL") == set()


def test_short_code_display_groups_four_and_four():
    assert short_code_display("K7QM3XPD") == "K7QM-3XPD"


@pytest.mark.parametrize("typed", ["K7QM-3XPD", "k7qm-3xpd", "k7qm3xpd", " K7QM 3XPD\n"])
def test_normalise_code_short_code_typed_any_way(typed):
    assert normalise_code(typed) == "K7QM3XPD"


def test_badge_code_for_issues_a_short_code(attendee):
    badge = badge_code_for(attendee)

    assert len(badge.short_code) == 8
    assert BadgeCode.objects.get(registration=attendee).short_code == badge.short_code


def test_badge_code_for_short_code_taken_draws_again(conference, attendee, monkeypatch):
    other = RegistrationFactory(conference=conference)
    taken = badge_code_for(other).short_code
    draws = iter([taken, taken, "K7QM3XPD"])
    monkeypatch.setattr(badge_codes_module, "new_short_code", lambda: next(draws))

    badge = badge_code_for(attendee)

    assert badge.short_code == "K7QM3XPD"
    assert BadgeCode.objects.filter(short_code=taken).count() == 1


def test_badge_code_for_short_code_always_taken_refused_nothing_saved(
    conference, attendee, monkeypatch
):
    taken = badge_code_for(RegistrationFactory(conference=conference)).short_code
    monkeypatch.setattr(badge_codes_module, "new_short_code", lambda: taken)

    with pytest.raises(Exception) as raised:
        badge_code_for(attendee)

    assert raised.value.code == "short_code_taken"
    assert BadgeCode.objects.filter(registration=attendee).count() == 0


def test_badge_codes_issue_short_code_collision_issues_every_code(conference, monkeypatch):
    taken = badge_code_for(RegistrationFactory(conference=conference)).short_code
    people = RegistrationFactory.create_batch(3, conference=conference)
    draws = iter([taken, "AAAA2222", "BBBB3333", "CCCC4444"])
    monkeypatch.setattr(badge_codes_module, "new_short_code", lambda: next(draws))

    issued = badge_codes_issue(conference=conference)

    assert issued == 3
    assert sorted(
        BadgeCode.objects.filter(registration__in=people).values_list("short_code", flat=True)
    ) == ["AAAA2222", "BBBB3333", "CCCC4444"]


@pytest.mark.django_db(transaction=True)
def test_badge_code_for_concurrent_issuing_same_short_code_stays_unique(monkeypatch):
    """Threads issue codes at once and all draw the same short code first: the unique constraint
    lets one through and the others draw again."""
    conference = ConferenceFactory()
    people = RegistrationFactory.create_batch(4, conference=conference)
    lock = threading.Lock()
    first = set()

    def draw():
        with lock:
            if threading.get_ident() not in first:
                first.add(threading.get_ident())
                return "SAME2345"
        return new_short_code()

    monkeypatch.setattr(badge_codes_module, "new_short_code", draw)
    barrier = threading.Barrier(len(people))
    errors = []

    def issue(person):
        try:
            barrier.wait(timeout=10)
            badge_code_for(person)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    codes = list(
        BadgeCode.objects.filter(registration__conference=conference).values_list(
            "short_code", flat=True
        )
    )
    assert len(codes) == 4
    assert len(set(codes)) == 4
    assert codes.count("SAME2345") == 1


@pytest.mark.parametrize("shape", ["display", "lower", "plain"])
def test_scan_submit_short_code_any_shape_checks_in(entrance, attendee, shape):
    short = badge_code_for(attendee).short_code
    typed = {
        "display": short_code_display(short),
        "lower": short_code_display(short).lower(),
        "plain": short,
    }[shape]

    result = scan_submit(checkpoint=entrance, scan_id=uuid.uuid4(), code=typed)

    assert (result.verdict, result.registration.pk) == ("ok", attendee.pk)
    assert Entry.objects.filter(registration=attendee).count() == 1


def test_scans_sync_short_code_checks_in(entrance, attendee):
    short = badge_code_for(attendee).short_code

    [result] = scans_sync(
        checkpoint=entrance,
        scans=[{"scan_id": str(uuid.uuid4()), "code": short_code_display(short).lower()}],
    )

    assert (result.verdict, result.registration.pk) == ("ok", attendee.pk)


def test_scan_submit_revoked_short_code_unknown(entrance, attendee, organiser):
    from checkin.services import badge_code_reissue

    old = badge_code_for(attendee).short_code
    badge_code_reissue(registration=attendee, actor=organiser)

    result = scan_submit(checkpoint=entrance, scan_id=uuid.uuid4(), code=old)

    assert result.verdict == "unknown_code"


def test_api_list_carries_short_code_hash_not_short_code(entrance, attendee, door_user):
    short = badge_code_for(attendee).short_code

    response = client_for(door_user).get(f"/api/checkin/checkpoints/{entrance.pk}/list/")

    assert response.json()["people"][0]["s"] == hashlib.sha256(short.encode()).hexdigest()
    assert short not in response.content.decode()


def test_api_short_code_anonymous_refused(entrance, attendee):
    short = badge_code_for(attendee).short_code

    response = post_scan(APIClient(), entrance, short)

    assert response.status_code == 401
    assert Scan.objects.count() == 0


def test_api_short_code_misses_slowed_down_then_refused(entrance, attendee, door_user):
    short = badge_code_for(attendee).short_code
    client = client_for(door_user)
    for n in range(guard.MISS_LIMIT):
        assert post_scan(client, entrance, f"ZZZZ{n + 2:04d}").json()["verdict"] == "unknown_code"

    refused = post_scan(client, entrance, short)
    full_code = post_scan(client, entrance, badge_code_for(attendee).code)

    assert (refused.status_code, refused.json()["code"]) == (429, "too_many_misses")
    assert full_code.json()["verdict"] == "ok"
    assert Scan.objects.count() == guard.MISS_LIMIT + 1


def test_api_sync_short_code_misses_count_and_refuse(entrance, attendee, door_user):
    client = client_for(door_user)
    url = f"/api/checkin/checkpoints/{entrance.pk}/sync/"
    misses = [
        {"scan_id": str(uuid.uuid4()), "code": f"ZZZZ{n + 2:04d}"} for n in range(guard.MISS_LIMIT)
    ]
    client.post(url, {"scans": misses}, format="json")
    short = badge_code_for(attendee).short_code

    response = client.post(
        url, {"scans": [{"scan_id": str(uuid.uuid4()), "code": short}]}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (429, "too_many_misses")
    assert Entry.objects.count() == 0
