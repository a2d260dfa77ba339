"""The contribution log: append-only in the database, one hash chain per organisation, checked by
``verify_contribution_log``. Tests marked ``postgres`` need PostgreSQL (``DATABASE_URL``): they
use its trigger, row locks across threads and ``ALTER TABLE … DISABLE TRIGGER``. The SQLite
trigger is checked on its own in-memory database."""

import io
import sqlite3
import threading
from importlib import import_module

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.factories import MembershipFactory, SectionFactory, WorkshopFactory
from workshops.contribution_log import chain_verify
from workshops.enums import Perspective, Role
from workshops.models import ContributionEntry, Organisation
from workshops.services import content as content_services

append_only = import_module("workshops.migrations.0002_contribution_log_append_only")

TABLE = ContributionEntry._meta.db_table


@pytest.fixture(autouse=True)
def _needs_postgresql(request):
    if request.node.get_closest_marker("postgres"):
        assert connection.vendor == "postgresql", "Run with DATABASE_URL=postgres://…"


def _chain_break(organisation):
    """chain_verify on a fresh copy: the head hash of an object loaded earlier is stale."""
    return chain_verify(Organisation.objects.get(pk=organisation.pk))


def _entries(organisation):
    return list(ContributionEntry.objects.filter(organisation=organisation).order_by("pk"))


def _behind_the_apps_back(sql, params=()):
    """Run SQL with the append-only trigger switched off, as someone with table rights could."""
    with connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks pending, which ALTER TABLE
        # refuses to run beside; check them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _execute_in_savepoint(*statements):
    """Run (sql, params) statements in a savepoint, so a refusal leaves the test DB usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _verify():
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("verify_contribution_log", stdout=stdout, stderr=stderr)
    except CommandError as error:
        return str(error), stdout.getvalue(), stderr.getvalue()
    return None, stdout.getvalue(), stderr.getvalue()


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


# Concurrent appends keep one chain


THREADS = 6
CALLS_PER_THREAD = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_contribution_record_concurrent_appends_leave_one_unbroken_chain(flushable_log):
    lead = MembershipFactory(role=Role.LEAD, perspective=Perspective.PROFESSIONAL)
    organisation = lead.organisation
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    actors = [
        MembershipFactory(
            organisation=organisation,
            role=Role.CO_TRAINER,
            perspective=Perspective.FAMILY_CARER if n % 2 else Perspective.PROFESSIONAL,
        )
        for n in range(THREADS)
    ]
    module = content_services.module_create(workshop=workshop, title="Shared", actor=lead)
    sections = [SectionFactory(module=module, actor=actor, body="start") for actor in actors]
    entries_before = len(_entries(organisation))
    barrier = threading.Barrier(THREADS)
    errors = []

    def work(actor, section):
        try:
            barrier.wait(timeout=30)
            version = section.version
            for call in range(CALLS_PER_THREAD):
                if call % 2:
                    content_services.workshop_create(
                        organisation=organisation, title=f"By {actor.pk} #{call}", actor=actor
                    )
                else:
                    content_services.section_update(
                        section=section,
                        based_on_version=version,
                        title=section.title,
                        body=f"start and words from call {call}",
                        kind=section.kind,
                        audience=section.audience,
                        actor=actor,
                    )
                    version += 1
        except Exception as error:  # noqa: BLE001 (reported by the main thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(actor, section))
        for actor, section in zip(actors, sections, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [thread.is_alive() for thread in threads] == [False] * THREADS
    assert errors == []
    entries = _entries(organisation)
    assert len(entries) == entries_before + THREADS * CALLS_PER_THREAD
    organisation.refresh_from_db()
    assert chain_verify(organisation) is None
    assert entries[0].previous_hash == ""
    assert [e.previous_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert len({e.previous_hash for e in entries}) == len(entries)
    assert organisation.log_head_hash == entries[-1].entry_hash
    by_actor = {actor.pk: 0 for actor in actors}
    for entry in entries[entries_before:]:
        by_actor[entry.membership_id] += 1
    assert by_actor == {actor.pk: CALLS_PER_THREAD for actor in actors}


# verify_contribution_log


@pytest.mark.postgres
def test_verify_contribution_log_clean_log_is_intact(world, other_world):
    error, stdout, stderr = _verify()

    assert error is None
    assert stderr == ""
    assert stdout == f"All {Organisation.objects.count()} contribution log(s) are intact.\n"


@pytest.mark.postgres
def test_verify_contribution_log_changed_middle_row_names_that_entry(world, other_world):
    entries = _entries(world.organisation)
    middle = entries[len(entries) // 2]
    assert 0 < entries.index(middle) < len(entries) - 1

    _behind_the_apps_back(
        f"UPDATE {TABLE} SET words_added = words_added + 5 WHERE id = %s", [middle.pk]
    )
    error, stdout, stderr = _verify()

    assert error == f"1 of {Organisation.objects.count()} contribution log(s) are broken."
    assert stderr == (
        f"Organisation {world.organisation.pk}: broken at entry {middle.pk}: "
        "its content does not match its hash.\n"
    )
    assert stdout == ""
    assert _chain_break(other_world.organisation) is None


@pytest.mark.postgres
def test_verify_contribution_log_deleted_last_row_is_a_break_at_the_end(world):
    last = _entries(world.organisation)[-1]

    _behind_the_apps_back(f"DELETE FROM {TABLE} WHERE id = %s", [last.pk])
    error, _, stderr = _verify()

    assert error == f"1 of {Organisation.objects.count()} contribution log(s) are broken."
    assert stderr == (
        f"Organisation {world.organisation.pk}: broken at the end of the log: "
        "the last entry is missing or was removed.\n"
    )


@pytest.mark.postgres
def test_verify_contribution_log_deleted_middle_row_breaks_the_next_entry(world):
    entries = _entries(world.organisation)
    middle, following = entries[1], entries[2]

    _behind_the_apps_back(f"DELETE FROM {TABLE} WHERE id = %s", [middle.pk])
    error, _, stderr = _verify()

    assert error is not None
    assert stderr == (
        f"Organisation {world.organisation.pk}: broken at entry {following.pk}: "
        "it does not follow the entry before it.\n"
    )


@pytest.mark.postgres
def test_chain_verify_rehashed_changed_row_still_breaks_the_next_link(world):
    entries = _entries(world.organisation)
    changed, following = entries[0], entries[1]
    changed.words_added += 3
    forged_hash = changed.compute_hash()

    _behind_the_apps_back(
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
