"""samla_registration_create has one readable source, registration/sql/
samla_registration_create.sql: the newest migration that creates the function copies it whole,
and PostgreSQL runs exactly it."""

import importlib
import re
from pathlib import Path

import pytest
from django.db import connection

SOURCE = (
    Path(__file__).resolve().parents[2] / "registration" / "sql" / "samla_registration_create.sql"
)
MIGRATIONS = Path(__file__).resolve().parents[2] / "registration" / "migrations"


def newest_function_migration():
    """The last migration (by number) whose FUNCTION creates samla_registration_create."""
    newest = None
    for path in sorted(MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py")):
        module = importlib.import_module(f"registration.migrations.{path.stem}")
        if "samla_registration_create(" in getattr(module, "FUNCTION", ""):
            newest = module
    return newest


def body(text: str) -> str:
    """What stands between the function's $$ quotes."""
    match = re.search(r"AS \$\$\n(.*)\$\$", text, re.DOTALL)
    assert match, "no $$-quoted body"
    return match.group(1)


def test_newest_migration_copies_the_source_file_whole():
    migration = newest_function_migration()

    assert migration.FUNCTION.strip() == SOURCE.read_text(encoding="utf-8").strip()


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite has no such function")
def test_live_function_is_the_source_file():
    source = SOURCE.read_text(encoding="utf-8")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosrc, pg_get_function_identity_arguments(oid) FROM pg_proc"
            " WHERE proname = 'samla_registration_create'"
        )
        rows = cursor.fetchall()

    assert len(rows) == 1
    live_body, live_arguments = rows[0]
    assert live_body.strip("\n") == body(source).strip("\n")
    declared = re.search(r"samla_registration_create\((.*?)\) RETURNS", source, re.DOTALL).group(1)
    assert " ".join(live_arguments.split()) == " ".join(declared.split()).replace(
        "timestamptz", "timestamp with time zone"
    )
