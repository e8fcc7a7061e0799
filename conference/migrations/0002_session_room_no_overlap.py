"""Back the "one session per room at a time" rule in the database itself.

PostgreSQL: an exclusion constraint over (room, time range). SQLite has none, so triggers.
Cancelled sessions and sessions without a room are left out of the rule.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE conference_session ADD CONSTRAINT session_room_no_overlap
       EXCLUDE USING gist (room_id WITH =, tstzrange(start, "end") WITH &&)
       WHERE (room_id IS NOT NULL AND status <> 'cancelled')""",
]
PG_BACKWARD = ["ALTER TABLE conference_session DROP CONSTRAINT session_room_no_overlap"]

SQLITE_CLASH = """
    SELECT RAISE(ABORT, 'session_room_no_overlap') WHERE EXISTS (
        SELECT 1 FROM conference_session s
        WHERE s.room_id = NEW.room_id AND s.status <> 'cancelled' AND s.id IS NOT NEW.id
          AND s.start < NEW."end" AND s."end" > NEW.start);
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER session_room_no_overlap_insert BEFORE INSERT ON conference_session
        WHEN NEW.room_id IS NOT NULL AND NEW.status <> 'cancelled'
        BEGIN {SQLITE_CLASH} END""",
    f"""CREATE TRIGGER session_room_no_overlap_update BEFORE UPDATE ON conference_session
        WHEN NEW.room_id IS NOT NULL AND NEW.status <> 'cancelled'
        BEGIN {SQLITE_CLASH} END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS session_room_no_overlap_insert",
    "DROP TRIGGER IF EXISTS session_room_no_overlap_update",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("conference", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
