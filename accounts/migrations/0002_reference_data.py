"""Load the prefectures and immigration offices (accounts.reference_data)."""

from __future__ import annotations

from django.db import migrations

from accounts.reference_data import load_offices


def forwards(apps, schema_editor):
    load_offices(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
