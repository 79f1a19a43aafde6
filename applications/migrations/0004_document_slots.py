"""Load the document slots (applications.reference_data.DOCUMENT_SLOTS)."""

from __future__ import annotations

from django.db import migrations

from applications.reference_data import load_document_slots


def forwards(apps, schema_editor):
    load_document_slots(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_applications_and_documents"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
