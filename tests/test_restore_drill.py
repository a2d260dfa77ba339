"""scripts/restore-drill, run for real on the test database: pg_dump, pg_restore into a new
database, verify_contribution_log and row counts on the copy, the copy dropped.

The data is committed (``transaction=True``), as pg_dump reads it from another connection. It
needs the machine's PostgreSQL client tools (pg_dump, pg_restore) and a role allowed to create
databases, as the suite's own test database does.
"""

import os
import subprocess
import sys
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest
from django.db import connection

from tests.helpers import contribution_log_sql, database_url
from workshops.models import ContributionEntry, Organisation

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "restore-drill"


def _drill():
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        env={**os.environ, "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _drill_databases():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [f"{connection.settings_dict['NAME'][:40]}_drill_%"],
        )
        return [name for (name,) in cursor.fetchall()]


def _rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        tables = cursor.fetchall()
        total = 0
        for schema, table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            total += cursor.fetchone()[0]
    return len(tables), total


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_drill_copy_matches_and_is_dropped(flushable_log, make_world):
    make_world(complete=True)
    make_world()
    tables, rows = _rows()

    result = _drill()

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Dumped {connection.settings_dict['NAME']}: {tables} tables, {rows} rows."
    assert f"All {Organisation.objects.count()} contribution log(s) are intact." in lines
    assert lines[-1] == "Restore drill passed: the copy matches the original."
    assert result.stderr == ""
    assert _drill_databases() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_drill_broken_log_fails_and_copy_is_dropped(flushable_log, world):
    entry = ContributionEntry.objects.filter(organisation=world.organisation).order_by("pk")[1]
    contribution_log_sql(
        f"UPDATE {ContributionEntry._meta.db_table} SET words_added = words_added + 1 "
        "WHERE id = %s",
        [entry.pk],
    )

    result = _drill()

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Organisation {world.organisation.pk}: broken at entry {entry.pk}" in result.stdout
    assert result.stderr.splitlines() == [
        "The restored copy differs from the original:",
        "  verify_contribution_log failed on the copy (see above)",
    ]
    assert _drill_databases() == []


def test_restore_drill_without_postgres_url_refuses_to_run():
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        env={**os.environ, "DATABASE_URL": "sqlite:///coprod.sqlite3"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Set DATABASE_URL to the PostgreSQL database to try the restore on."
    )


def _script():
    loader = SourceFileLoader("restore_drill", str(SCRIPT))
    module = module_from_spec(spec_from_loader("restore_drill", loader))
    loader.exec_module(module)
    return module


def test_restore_drill_count_differences_names_each_table():
    original = {"public.a": 3, "public.b": 1, "public.c": 0}
    restored = {"public.a": 2, "public.c": 0, "public.d": 5}

    assert _script().count_differences(original, restored) == [
        "public.a: 3 rows, 2 in the copy",
        "public.b: missing from the copy",
        "public.d: in the copy only",
    ]
    assert _script().count_differences(original, dict(original)) == []
