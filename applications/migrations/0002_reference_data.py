"""Load application types, statuses of residence and fees
(applications.reference_data)."""

from __future__ import annotations

from django.db import migrations

from applications.reference_data import load_reference_data


def forwards(apps, schema_editor):
    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
        # applications.reference_data imports accounts.reference_data's helper
        # only; no accounts table is touched.
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
