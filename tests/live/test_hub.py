"""This process's side of the live rooms (workshops/live/hub.py): storing updates together."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from pycrdt import Doc, Text

from workshops.live import hub
from workshops.live.rooms import TEXT_NAME
from workshops.models import LiveUpdate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flushable_log")]


def typed(words):
    doc = Doc()
    doc.get(TEXT_NAME, type=Text).insert(0, words)
    return doc.get_update()


def test_updates_that_arrive_together_are_stored_in_one_statement(world, monkeypatch):
    monkeypatch.setattr(hub, "_to_store", [])
    statements = []
    append = hub.live_updates_append

    def counted(*, updates):
        statements.append(len(updates))
        append(updates=updates)

    monkeypatch.setattr(hub, "live_updates_append", counted)

    async def scenario():
        await asyncio.gather(
            *(hub.store(world.section.pk, world.co_trainer.pk, typed(f"w{n}")) for n in range(5))
        )

    async_to_sync(scenario)()

    assert LiveUpdate.objects.filter(section=world.section).count() == 5
    assert sum(statements) == 5
    assert len(statements) < 5


def test_a_sender_that_went_away_does_not_stop_the_others_being_told(world, monkeypatch):
    monkeypatch.setattr(hub, "_to_store", [])

    async def scenario():
        gone = asyncio.ensure_future(hub.store(world.section.pk, world.co_trainer.pk, typed("a")))
        waiting = asyncio.ensure_future(
            hub.store(world.section.pk, world.co_trainer.pk, typed("b"))
        )
        await asyncio.sleep(0)  # both are waiting for the same store
        gone.cancel()
        await asyncio.wait_for(waiting, timeout=30)
        return await database_sync_to_async(
            LiveUpdate.objects.filter(section=world.section).count
        )()

    assert async_to_sync(scenario)() == 2
