"""The verify_contribution_log command: every organisation's chain intact, or which entry breaks
it. These tests need PostgreSQL (``DATABASE_URL``): they change the log behind the app's back with
its trigger switched off."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.helpers import contribution_log_sql
from workshops.contribution_log import chain_verify
from workshops.models import ContributionEntry, Organisation

TABLE = ContributionEntry._meta.db_table


def _chain_break(organisation):
    """chain_verify on a fresh copy: the head hash of an object loaded earlier is stale."""
    return chain_verify(Organisation.objects.get(pk=organisation.pk))


def _entries(organisation):
    return list(ContributionEntry.objects.filter(organisation=organisation).order_by("pk"))


def _verify():
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("verify_contribution_log", stdout=stdout, stderr=stderr)
    except CommandError as error:
        return str(error), stdout.getvalue(), stderr.getvalue()
    return None, stdout.getvalue(), stderr.getvalue()


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

    contribution_log_sql(
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

    contribution_log_sql(f"DELETE FROM {TABLE} WHERE id = %s", [last.pk])
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

    contribution_log_sql(f"DELETE FROM {TABLE} WHERE id = %s", [middle.pk])
    error, _, stderr = _verify()

    assert error is not None
    assert stderr == (
        f"Organisation {world.organisation.pk}: broken at entry {following.pk}: "
        "it does not follow the entry before it.\n"
    )
