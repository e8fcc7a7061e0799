"""Backup and restore as README.md describes it: pg_dump of a conference in use, restored into a
fresh database, and a node on the copy answers with every count, seat counter, badge code and
feed identical. Real processes on a throwaway PostgreSQL cluster (PostgreSQL pass only)."""

import pytest

from .stack import Stack, request, tools_missing

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(tools_missing() is not None, reason=str(tools_missing())),
]

IN_USE = """
import json
from datetime import timedelta
from checkin.services import badge_codes_issue, checkpoints_ensure, scan_submit, badge_code_for
from conference.models import Session
from registration.services import registration_create, registration_cancel
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, UserFactory
conference = ConferenceFactory(slug="kopia", capacity=6)
room = RoomFactory(conference=conference, name="Sal A", capacity=2)
start = conference.start + timedelta(hours=1)
workshop = SessionFactory(conference=conference, kind=Session.Kind.WORKSHOP, room=room,
                          requires_signup=True, start=start, end=start + timedelta(hours=1))
people = [
    registration_create(conference=conference, email=f"p{i}@example.org", consent=True,
                        name=f"Person {i}", sector="public", session_ids=[workshop.pk])[0]
    for i in range(9)
]
registration_cancel(registration=people[0])
badge_codes_issue(conference=conference)
checkpoints_ensure(conference=conference)
entrance = conference.checkpoints.filter(kind="entrance").first()
scan_submit(checkpoint=entrance, scan_id="6f1c2a52-0000-4000-8000-000000000001",
            code=badge_code_for(people[1]).code)
print(json.dumps({"calendar": people[1].calendar_token}))
"""
STATE = """
SELECT string_agg(format('%s=%s', table_name,
    (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', table_name),
                                         false, true, '')))[1]::text), ',' ORDER BY table_name)
  FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE';
SELECT string_agg(format('%s/%s:%s', conference_id, session_id, taken), ','
                  ORDER BY conference_id, session_id NULLS FIRST) FROM registration_seatcounter;
SELECT string_agg(code || ':' || coalesce(revoked_at::text, ''), ',' ORDER BY code)
  FROM checkin_badgecode;
"""


def state(stack, database):
    return stack.postgres.psql(STATE, database=database)


def feeds(port, calendar):
    paths = ["/kopia/programme.ics", f"/agenda/{calendar}.ics", "/kopia/schedule.json"]
    return [request(port, path)[:3:2] for path in paths]


def test_backup_restored_into_fresh_database_is_identical(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("backup"))
    try:
        ids = stack.shell(IN_USE)
        original = stack.node(workers=1)
        before = state(stack, "samla")
        feeds_before = feeds(original, ids["calendar"])
        dump = stack.directory / "samla.dump"

        stack.postgres.tool("pg_dump", "-Fc", "-f", str(dump), "samla")
        stack.postgres.tool("createdb", "samla_restored")
        stack.postgres.tool("pg_restore", "--no-owner", "-d", "samla_restored", str(dump))
        restored = stack.node(workers=1, DATABASE_URL=stack.postgres.url_of("samla_restored"))

        print(f"\nbackup: {before}")
        assert state(stack, "samla_restored") == before
        assert feeds(restored, ids["calendar"]) == feeds_before
        assert [status for status, _body in feeds_before] == [200, 200, 200]
        corrected = stack.manage(
            "rebuild_seat_counters", DATABASE_URL=stack.postgres.url_of("samla_restored")
        )
        assert corrected.strip().splitlines()[-1] == "0 counter(s) corrected."
    finally:
        stack.close()
