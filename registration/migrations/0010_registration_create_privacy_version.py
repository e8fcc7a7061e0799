"""PostgreSQL: samla_registration_create also stores the privacy notice's version accepted.

The function body is migration 0004's, with one parameter and one column more."""

import importlib

from django.db import migrations

_0004 = importlib.import_module("registration.migrations.0004_registration_create_function")

FUNCTION = (
    _0004.FUNCTION.replace(
        "    p_at timestamptz\n) RETURNS TABLE",
        "    p_at timestamptz, p_privacy_version integer\n) RETURNS TABLE",
    )
    .replace(
        "public_listing, consented_at, waiting_since,\n",
        "public_listing, consented_at, privacy_version, waiting_since,\n",
    )
    .replace(
        "p_public_listing, p_now,\n",
        "p_public_listing, p_now, p_privacy_version,\n",
    )
)
assert FUNCTION.count("p_privacy_version") == 2, "migration 0004's function changed shape"

DROP_OLD = (
    "DROP FUNCTION IF EXISTS samla_registration_create(bigint, text, timestamptz, text, text, "
    "text, text, text[], text, text, text, boolean, bigint[], bigint[], text, text, timestamptz)"
)
DROP_NEW = DROP_OLD.replace("timestamptz)", "timestamptz, integer)")


def run(*statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("registration", "0009_registration_privacy_version")]

    operations = [
        migrations.RunPython(run(DROP_OLD, FUNCTION), run(DROP_NEW, _0004.FUNCTION)),
    ]
