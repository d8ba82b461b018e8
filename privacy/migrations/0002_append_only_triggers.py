"""The database itself refuses to edit or delete consent records and audit events.

PostgreSQL: a BEFORE UPDATE OR DELETE trigger. The one change it lets through is the
pseudonymisation of an erased person: their link columns (named in the trigger's arguments) set
to NULL with every other column unchanged. SQLite (the embedded default): the same rule for
UPDATE; deletes are refused by the ORM there, since SQLite's only way to empty a table in tests
is DELETE.
"""

from django.db import migrations

TABLES = {
    "privacy_consentrecord": ["user_id"],
    "privacy_auditevent": ["actor_id", "subject_id"],
}

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION privacy_append_only() RETURNS trigger AS $$
DECLARE
    link text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% is append-only: rows cannot be deleted', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV) THEN
        RAISE EXCEPTION '% is append-only: rows cannot be edited', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    FOREACH link IN ARRAY TG_ARGV LOOP
        IF (to_jsonb(NEW) ->> link) IS NOT NULL
           AND (to_jsonb(NEW) ->> link) IS DISTINCT FROM (to_jsonb(OLD) ->> link) THEN
            RAISE EXCEPTION '% is append-only: a person link can only be cleared', TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END LOOP;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        for table, links in TABLES.items():
            arguments = ", ".join(f"'{link}'" for link in links)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION privacy_append_only({arguments})"
            )
    elif connection.vendor == "sqlite":
        for table, links in TABLES.items():
            columns = [
                column.name
                for column in connection.introspection.get_table_description(
                    connection.cursor(), table
                )
                if column.name not in links
            ]
            unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
            cleared = " AND ".join(f"(NEW.{c} IS NULL OR NEW.{c} IS OLD.{c})" for c in links)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"WHEN NOT ({unchanged} AND {cleared}) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    for table in TABLES:
        if connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif connection.vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS privacy_append_only()")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
