"""What the app's own PostgreSQL role may do, granted by the owner after each migration.

The app reads and writes every table, except that the contribution log may only be read and
appended to: it cannot update, delete or truncate entries, and as it owns no table it cannot
drop the append-only trigger or switch it off. So nobody holding the app's credentials can
quietly rewrite the log; the owner can, and the checkpoints leads keep (checkpoints.py) show it.
"""

from django.conf import settings
from django.db import connections

from workshops.models import ContributionEntry


def app_role() -> str:
    """The role the app connects as when migrations run as another (DATABASE_OWNER_URL)."""
    if not settings.DATABASE_OWNER_URL:
        return ""
    return settings.DATABASES["default"]["USER"]


def app_role_grant(*, using: str, role: str) -> None:
    """Grant ``role`` the app's privileges on the database ``using`` connects to (as owner)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    log_table = quote(ContributionEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        database = quote(cursor.fetchone()[0])
        for statement in (
            f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {quote(role)}",
            f"GRANT USAGE ON SCHEMA public TO {quote(role)}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quote(role)}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quote(role)}",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {log_table} FROM {quote(role)}",
            f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {quote(role)}",
        ):
            cursor.execute(statement)


def grant_after_migrate(sender, using, **kwargs):
    """post_migrate: after migrating as the owner, grant the app's role its privileges."""
    role = app_role()
    if role and using == "owner" and connections[using].vendor == "postgresql":
        app_role_grant(using=using, role=role)
