from django.db import migrations, models

# Application.search_name: the person's normalised name copied onto the
# application (applications.search), so that a name search of the officer
# queue or the case list is one trigram index scan of the applications
# instead of a few thousand probes from the people found by fn_search_trgm.
#
# PostgreSQL only: triggers keep the copy right on every write path (the
# ORM, the admin, raw SQL such as the benchmark generator):
# - an application takes its person's name when inserted, when its person
#   changes, and whenever something writes the column itself (a model saved
#   from a copy read before a rename writes a stale name: it is recomputed);
# - a person's insert or change of name updates their applications.
# The application's trigger reads the person FOR SHARE: a rename running at
# the same time waits for the new application to commit and then updates it
# too, or has committed and is read.  A rename locks the person's other
# applications (only when the name changes): one held by another
# transaction is waited for.
# SQLite (the embedded developer default) gets the column only; search there
# matches the person's name directly (applications.search.case_name).
#
# The expression must stay the one applications.search.PersonSearchName
# compiles to (and fn_search_trgm indexes, migration 0005).
_ACCENTED = "ÀÁÂÃÄÅĀÇČÉÈÊËĒĚÍÌÎÏĪÑŇÓÒÔÕÖØŌŘŠÚÙÛÜŪŮÝŸŽ"
_PLAIN = "AAAAAAACCEEEEEEIIIIINNOOOOOOORSUUUUUUYYZ"
_OPEN = (
    "'submitted', 'examining', 'awaiting_documents', 'decision_proposed', "
    "'granted', 'fee_paid', 'issued', 'dispatched'"
)


def _name(person: str) -> str:
    return (
        f'TRANSLATE(UPPER(({person}."family_name" || \' \' || {person}."given_name" '
        f"|| ' ' || {person}.\"name_kanji\")), '{_ACCENTED}', '{_PLAIN}')"
    )


TRIGGERS = [
    f"""
    CREATE FUNCTION application_search_name() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        SELECT {_name("f")} INTO NEW.search_name
        FROM applications_foreignnational f
        WHERE f.id = NEW.foreign_national_id
        FOR SHARE;
        -- No person yet (an insert before its person, deferred foreign key):
        -- the person's insert fills it.
        NEW.search_name := coalesce(NEW.search_name, '');
        RETURN NEW;
    END
    $$
    """,  # noqa: S608 (constant SQL, no input)
    f"""
    CREATE FUNCTION foreignnational_search_name() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE applications_application SET search_name = {_name("NEW")}
        WHERE foreign_national_id = NEW.id
            AND search_name IS DISTINCT FROM {_name("NEW")};
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 (constant SQL, no input)
    """
    CREATE TRIGGER foreignnational_search_name
    AFTER INSERT OR UPDATE OF family_name, given_name, name_kanji
    ON applications_foreignnational
    FOR EACH ROW EXECUTE FUNCTION foreignnational_search_name()
    """,
]
# The existing rows.  An UPDATE of every application would write a second
# version of every row and of every index entry (3 min 48 s at 1,000,000
# applications, and a table twice its size until vacuumed); rewriting the
# column computes it while the table is copied and its indexes rebuilt
# (49 s).  A USING clause takes no subquery, so a temporary function reads
# the person.  The table is already locked by the ADD COLUMN.
BACKFILL = [
    f"""
    CREATE FUNCTION pg_temp.person_search_name(person bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
        SELECT {_name("f")} FROM applications_foreignnational f WHERE f.id = person
    $$
    """,  # noqa: S608 (constant SQL, no input)
    "ALTER TABLE applications_application ALTER COLUMN search_name TYPE text "
    "USING coalesce(pg_temp.person_search_name(foreign_national_id), '')",
    "DROP FUNCTION pg_temp.person_search_name(bigint)",
]
APPLICATION_TRIGGERS = [
    """
    CREATE TRIGGER application_search_name
    BEFORE INSERT ON applications_application
    FOR EACH ROW EXECUTE FUNCTION application_search_name()
    """,
    """
    CREATE TRIGGER application_search_name_update
    BEFORE UPDATE OF foreign_national_id, search_name ON applications_application
    FOR EACH ROW
    WHEN (NEW.foreign_national_id IS DISTINCT FROM OLD.foreign_national_id
          OR NEW.search_name IS DISTINCT FROM OLD.search_name)
    EXECUTE FUNCTION application_search_name()
    """,
]
# Two trigram indexes, both partial to main applications: the officer queue
# (open cases; the office is a filter on the few hundred rows found: the
# planner does not use an office key in a GIN index, measured with
# btree_gin) and the case list and the queue's other statuses (sent cases;
# the organisation comes from its B-tree index, ANDed in the bitmap).
INDEXES = [
    "CREATE INDEX app_search_open ON applications_application "
    "USING gin (search_name gin_trgm_ops) "
    f"WHERE main_id IS NULL AND status IN ({_OPEN})",
    "CREATE INDEX app_search_cases ON applications_application "
    "USING gin (search_name gin_trgm_ops) "
    "WHERE main_id IS NULL AND submitted_at IS NOT NULL",
]
DROP = [
    "DROP INDEX IF EXISTS app_search_cases",
    "DROP INDEX IF EXISTS app_search_open",
    "DROP TRIGGER IF EXISTS application_search_name_update ON applications_application",
    "DROP TRIGGER IF EXISTS application_search_name ON applications_application",
    "DROP TRIGGER IF EXISTS foreignnational_search_name "
    "ON applications_foreignnational",
    "DROP FUNCTION IF EXISTS application_search_name()",
    "DROP FUNCTION IF EXISTS foreignnational_search_name()",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in TRIGGERS + BACKFILL + APPLICATION_TRIGGERS + INDEXES:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_organisation_profile_supervising_permit"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="search_name",
            field=models.TextField(db_default="", editable=False),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
