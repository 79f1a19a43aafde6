from django.db import migrations

from accounts.reference_data import load_offices


def forwards(apps, schema_editor):
    """Bring the office contacts in step with accounts.branch_offices (the
    Himeji port branch's address, the Fukuoka bureau's telephone)."""
    load_offices(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_use_request_other_documents_slot"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
