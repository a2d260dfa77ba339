"""The contribution log in the database: append-only (a trigger refuses UPDATE, DELETE and
TRUNCATE), and one hash chain per organisation that ``chain_verify`` checks link by link. Tests
marked ``postgres`` need PostgreSQL (``DATABASE_URL``): they use its trigger and ``ALTER TABLE …
DISABLE TRIGGER``. The SQLite trigger is checked on its own in-memory database. Appends racing
each other are tested with the log writer (tests/services/test_contributions.py), the
``verify_contribution_log`` command in tests/commands."""

import sqlite3
from importlib import import_module

import pytest
from django.db import DatabaseError, connection, transaction

from tests.helpers import contribution_log_sql
from workshops.contribution_log import chain_verify
from workshops.models import ContributionEntry, Organisation

append_only = import_module("workshops.migrations.0002_contribution_log_append_only")

TABLE = ContributionEntry._meta.db_table


def _chain_break(organisation):
    """chain_verify on a fresh copy: the head hash of an object loaded earlier is stale."""
    return chain_verify(Organisation.objects.get(pk=organisation.pk))


def _entries(organisation):
    return list(ContributionEntry.objects.filter(organisation=organisation).order_by("pk"))


def _execute_in_savepoint(*statements):
    """Run (sql, params) statements in a savepoint, so a refusal leaves the test DB usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


# Append-only at the database


@pytest.mark.postgres
def test_contribution_entry_raw_update_is_refused(world):
    entry = _entries(world.organisation)[0]

    with pytest.raises(DatabaseError, match="append-only"):
        _execute_in_savepoint((f"UPDATE {TABLE} SET words_added = 999 WHERE id = %s", [entry.pk]))

    entry.refresh_from_db()
    assert entry.words_added != 999
    assert _chain_break(world.organisation) is None


@pytest.mark.postgres
def test_contribution_entry_raw_delete_is_refused(world):
    before = len(_entries(world.organisation))
    entry = _entries(world.organisation)[-1]

    with pytest.raises(DatabaseError, match="append-only"):
        _execute_in_savepoint((f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk]))

    assert len(_entries(world.organisation)) == before


@pytest.mark.postgres
def test_contribution_entry_truncate_is_refused(world):
    with pytest.raises(DatabaseError, match="append-only"):
        _execute_in_savepoint(
            ("SET CONSTRAINTS ALL IMMEDIATE", []),  # else refused for pending checks instead
            (f"TRUNCATE {TABLE}", []),
        )

    assert ContributionEntry.objects.filter(organisation=world.organisation).exists()


@pytest.mark.postgres
def test_contribution_entry_model_save_of_existing_entry_is_refused(world):
    entry = _entries(world.organisation)[0]
    entry.words_added += 1

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.save()

    assert ContributionEntry.objects.get(pk=entry.pk).words_added == entry.words_added - 1


@pytest.mark.postgres
def test_contribution_entry_model_delete_is_refused(world):
    entry = _entries(world.organisation)[0]

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.delete()

    assert ContributionEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
def test_contribution_entry_queryset_update_is_refused(world):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ContributionEntry.objects.filter(organisation=world.organisation).update(words_added=0)

    assert _chain_break(world.organisation) is None


# The chain


@pytest.mark.postgres
def test_chain_verify_rehashed_changed_row_still_breaks_the_next_link(world):
    entries = _entries(world.organisation)
    changed, following = entries[0], entries[1]
    changed.words_added += 3
    forged_hash = changed.compute_hash()

    contribution_log_sql(
        f"UPDATE {TABLE} SET words_added = %s, entry_hash = %s WHERE id = %s",
        [changed.words_added, forged_hash, changed.pk],
    )
    chain_break = _chain_break(world.organisation)

    assert (chain_break.entry_id, chain_break.reason) == (
        following.pk,
        "it does not follow the entry before it",
    )


# The SQLite trigger, for the embedded default


def test_migration_sqlite_trigger_refuses_update_and_delete():
    statements = " ".join(append_only.SQLITE_UP)
    assert "BEFORE UPDATE ON workshops_contributionentry" in statements
    assert "BEFORE DELETE ON workshops_contributionentry" in statements
    database = sqlite3.connect(":memory:")
    database.execute(
        "CREATE TABLE workshops_contributionentry (id INTEGER PRIMARY KEY, words_added INTEGER)"
    )
    for statement in append_only.SQLITE_UP:
        database.execute(statement)
    database.execute("INSERT INTO workshops_contributionentry (words_added) VALUES (3)")

    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        database.execute("UPDATE workshops_contributionentry SET words_added = 4")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        database.execute("DELETE FROM workshops_contributionentry")

    assert database.execute(
        "SELECT id, words_added FROM workshops_contributionentry"
    ).fetchall() == [(1, 3)]
    for statement in append_only.SQLITE_DOWN:
        database.execute(statement)
    database.execute("DELETE FROM workshops_contributionentry")
    assert database.execute("SELECT count(*) FROM workshops_contributionentry").fetchone() == (0,)
