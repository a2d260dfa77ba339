"""The contribution log is append-only in the database itself: UPDATE and DELETE are refused."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION workshops_contribution_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the contribution log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workshops_contribution_no_update_delete
    BEFORE UPDATE OR DELETE ON workshops_contributionentry
    FOR EACH ROW EXECUTE FUNCTION workshops_contribution_append_only();
CREATE TRIGGER workshops_contribution_no_truncate
    BEFORE TRUNCATE ON workshops_contributionentry
    FOR EACH STATEMENT EXECUTE FUNCTION workshops_contribution_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS workshops_contribution_no_truncate ON workshops_contributionentry;
DROP TRIGGER IF EXISTS workshops_contribution_no_update_delete ON workshops_contributionentry;
DROP FUNCTION IF EXISTS workshops_contribution_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER workshops_contribution_no_update BEFORE UPDATE ON workshops_contributionentry
       BEGIN SELECT RAISE(ABORT, 'the contribution log is append-only'); END;""",
    """CREATE TRIGGER workshops_contribution_no_delete BEFORE DELETE ON workshops_contributionentry
       BEGIN SELECT RAISE(ABORT, 'the contribution log is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS workshops_contribution_no_update;",
    "DROP TRIGGER IF EXISTS workshops_contribution_no_delete;",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    else:
        raise RuntimeError(f"No append-only trigger for database {vendor!r}")


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("workshops", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
