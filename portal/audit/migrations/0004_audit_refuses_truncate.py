"""audit_auditevent refuses TRUNCATE as well as UPDATE and DELETE.

TRUNCATE fires no row triggers, so 0002's trigger never saw it: one statement
emptied the table.  A statement-level BEFORE TRUNCATE trigger refuses it for
every role.  The one way through is a session that sets
``zairyu.audit_truncate = 'allowed'`` first: the test suite does (its
transactional tests empty every table with TRUNCATE between tests); an
operator who really must empty the table does so knowingly, the same way.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('zairyu.audit_truncate', true), '') = 'allowed' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only (TRUNCATE refused)'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_client_address")]
    operations = [migrations.RunPython(forwards, backwards)]
