"""A contribution log re-chained by the table owner passes its own check, but not a checkpoint
kept from before; and the app's own database role cannot rewrite the log at all."""

import io
import json
import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.helpers import contribution_log_sql
from workshops.checkpoints import checkpoint_make, checkpoint_problems
from workshops.contribution_log import chains_verify
from workshops.db_roles import app_role_grant
from workshops.models import ContributionEntry, Organisation
from workshops.services.content import module_create

TABLE = ContributionEntry._meta.db_table


def rechain(organisation, entry_id):
    """As the table's owner: change one entry, then recompute every hash after it and the
    organisation's head, so the chain checks out again."""
    entries = list(ContributionEntry.objects.filter(organisation=organisation).order_by("pk"))
    previous = ""
    for entry in entries:
        if entry.pk == entry_id:
            entry.words_added += 500
        entry.previous_hash = previous
        entry.entry_hash = entry.compute_hash()
        previous = entry.entry_hash
        contribution_log_sql(
            f"UPDATE {TABLE} SET words_added = %s, previous_hash = %s, entry_hash = %s "
            "WHERE id = %s",
            [entry.words_added, entry.previous_hash, entry.entry_hash, entry.pk],
        )
    Organisation.objects.filter(pk=organisation.pk).update(log_head_hash=previous)


@pytest.mark.postgres
def test_checkpoint_catches_a_log_rechained_by_the_table_owner(world, tmp_path):
    checkpoint = checkpoint_make(Organisation.objects.order_by("pk"))
    file = tmp_path / "checkpoint.json"
    file.write_text(json.dumps(checkpoint))
    assert checkpoint_problems(checkpoint) == []
    call_command("verify_contribution_log", "--checkpoint", str(file), stdout=io.StringIO())

    first = ContributionEntry.objects.filter(organisation=world.organisation).order_by("pk")[0]
    rechain(world.organisation, first.pk)

    assert chains_verify()[1] == []  # the chain alone no longer shows it
    assert len(checkpoint_problems(checkpoint)) == 1
    with pytest.raises(CommandError, match="1 difference"):
        call_command(
            "verify_contribution_log",
            "--checkpoint",
            str(file),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


@pytest.mark.postgres
def test_checkpoint_still_matches_a_log_that_only_grew(world, other_world):
    checkpoint = checkpoint_make(Organisation.objects.order_by("pk"))
    entries_before = ContributionEntry.objects.count()

    module_create(workshop=world.workshop, title="Triggers", actor=world.co_trainer)

    assert ContributionEntry.objects.count() == entries_before + 1
    assert checkpoint_problems(checkpoint) == []


def test_checkpoint_edited_by_hand_is_refused(world):
    checkpoint = checkpoint_make([world.organisation])
    checkpoint["checkpoint"]["organisations"][0]["head"] = "0" * 64

    assert checkpoint_problems(checkpoint) == [
        "The checkpoint's signature does not match: it was changed, or signed elsewhere."
    ]


def test_leads_download_their_own_organisations_checkpoint_only(client_for, world, other_world):
    url = reverse("contribution_log_checkpoint", kwargs={"org_id": world.organisation.pk})

    response = client_for(world.lead).get(url)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert [o["organisation"] for o in body["checkpoint"]["organisations"]] == [
        world.organisation.pk
    ]
    assert checkpoint_problems(body) == []
    assert client_for(world.co_trainer).get(url).status_code == 403
    assert client_for(other_world.lead).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_leads_get_the_checkpoint_by_email_each_month(world, mailoutbox, settings):
    from workshops.tasks import log_checkpoints_send

    assert settings.CELERY_BEAT_SCHEDULE["log-checkpoints"]["task"] == (
        "workshops.tasks.log_checkpoints_send"
    )
    log_checkpoints_send()

    to_leads = [m for m in mailoutbox if m.to == [world.lead.user.email]]
    assert len(to_leads) == 1
    ((name, content, _type),) = to_leads[0].attachments
    assert name.endswith(".json")
    assert checkpoint_problems(json.loads(content)) == []
    assert world.co_trainer.user.email not in {address for m in mailoutbox for address in m.to}


@pytest.fixture
def app_role(transactional_db, flushable_log):
    """A database role set up as the app's, with its grants (committed: it is another login)."""
    role = f"coprod_app_test_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    app_role_grant(using="default", role=role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def as_role(role, sql):
    """Run ``sql`` as ``role`` on the test database; the error's class name, or "ok"."""
    settings = connection.settings_dict
    try:
        with (
            psycopg.connect(
                host=settings["HOST"] or "127.0.0.1",
                port=settings["PORT"] or 5432,
                dbname=settings["NAME"],
                user=role,
                autocommit=True,
            ) as app,
            app.cursor() as cursor,
        ):
            cursor.execute(sql)
    except psycopg.Error as error:
        return type(error).__name__
    return "ok"


@pytest.mark.postgres
def test_app_role_reads_and_appends_to_the_log_but_cannot_rewrite_it(app_role):
    allowed = {
        "read the log": f"SELECT count(*) FROM {TABLE}",
        "write other tables": "UPDATE workshops_section SET title = title WHERE false",
        "delete from other tables": "DELETE FROM workshops_liveupdate WHERE false",
    }
    refused = {
        "change an entry": f"UPDATE {TABLE} SET words_added = 0 WHERE false",
        "delete an entry": f"DELETE FROM {TABLE} WHERE false",
        "empty the log": f"TRUNCATE {TABLE}",
        "switch the trigger off": f"ALTER TABLE {TABLE} DISABLE TRIGGER USER",
        "drop the trigger": f"DROP TRIGGER workshops_contribution_no_update_delete ON {TABLE}",
        "make a table": "CREATE TABLE planted (id int)",
        "mark a migration done": "INSERT INTO django_migrations (app, name, applied) "
        "VALUES ('x', 'y', now())",
    }

    assert {what: as_role(app_role, sql) for what, sql in allowed.items()} == dict.fromkeys(
        allowed, "ok"
    )
    assert {what: as_role(app_role, sql) for what, sql in refused.items()} == dict.fromkeys(
        refused, "InsufficientPrivilege"
    )
