"""Short badge codes: added empty, filled in for every existing code, then made unique (0005)."""

import secrets

from django.db import migrations, models

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def fill(apps, schema_editor):
    BadgeCode = apps.get_model("checkin", "BadgeCode")
    used = set()
    rows = list(BadgeCode.objects.filter(short_code__isnull=True).only("id"))
    for row in rows:
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        while code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        used.add(code)
        row.short_code = code
    BadgeCode.objects.bulk_update(rows, ["short_code"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("checkin", "0003_badge_job")]

    operations = [
        migrations.AddField(
            model_name="badgecode",
            name="short_code",
            field=models.CharField(max_length=8, null=True, verbose_name="short code"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
