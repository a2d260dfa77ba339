"""Access withdrawn from someone in an open live room, and the limits the room puts on what a
browser may send, over the real consumer and the in-memory channel layer.

The clients and helpers are those of test_consumers.py. Whatever is refused must not reach the
other browsers in the room and must not be stored: the tests look at the LiveUpdate rows (what
the room has stored and not yet written back) and at the section after a write-back.
"""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.utils import timezone
from pycrdt import Doc, Text, create_update_message, read_message

from tests.live.test_consumers import BODY, LiveClient, live_edits, run, settle, until
from workshops.attribution import attributed_words
from workshops.enums import Role
from workshops.live import consumers, hub
from workshops.live.consumers import REFUSED, TOO_LONG, TRY_AGAIN_LATER
from workshops.live.rooms import STATUS, TEXT_NAME
from workshops.models import LiveUpdate, Membership, Section, User
from workshops.services import content as content_services
from workshops.services import members as member_services
from workshops.services import sessions as session_services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flushable_log")]

# Access withdrawn through live_access_changed reaches an open socket well within this.
PROMPTLY = 5


@pytest.fixture(autouse=True)
def fresh_live_state(monkeypatch):
    """A new channel layer and room registry per test (each test has its own event loop), no
    timed write-backs, and no re-check of access on a timer: unless a test says otherwise, a
    socket learns of a change only through live_access_changed."""
    monkeypatch.setattr(channel_layers, "backends", {})
    monkeypatch.setattr(hub, "_rooms", {})
    monkeypatch.setattr(hub, "_rooms_lock", asyncio.Lock())
    monkeypatch.setattr(hub, "IDLE_SECONDS", 3600)
    monkeypatch.setattr(hub, "MAX_UNSAVED_SECONDS", 3600)
    monkeypatch.setattr(consumers, "ACCESS_RECHECK_SECONDS", 3600)
    yield
    assert hub.open_room_ids() == [], "a test left a live room open"


class Tab(LiveClient):
    """A browser tab that also reads the room's status messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.statuses = []

    async def handle(self, output):
        data = output.get("bytes")
        if data and data[0] == STATUS:
            self.frames += 1
            self.statuses.append(json.loads(read_message(data[1:])))
            return
        await super().handle(output)

    async def append(self, words):
        """Type at the end of the text."""
        ytext = self.doc.get(TEXT_NAME, type=Text)
        before = self.doc.get_state()
        ytext.insert(len(str(ytext).encode()), words)
        await self.communicator.send_to(
            bytes_data=create_update_message(self.doc.get_update(before))
        )


def stored_updates(section):
    """What the room has stored and not yet written back."""
    return [
        bytes(update)
        for update in LiveUpdate.objects.filter(section_id=section.pk).values_list(
            "update", flat=True
        )
    ]


def stored_containing(section, words):
    return [update for update in stored_updates(section) if words.encode() in update]


stored_async = database_sync_to_async(stored_containing)


def section_body(section):
    return Section.all_objects.get(pk=section.pk).body


async def closed_promptly(tab, *others):
    """Wait for the consumer to close ``tab``; how long it took."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    await until(lambda: tab.close_code is not None, tab, *others)
    return loop.time() - started


def test_removed_member_is_closed_and_what_they_send_after_is_dropped(world, live_session):
    removed, lead = world.co_trainer, world.lead
    seen = {}

    async def scenario():
        carer = Tab(removed.user, live_session, world.section)
        professional = Tab(lead.user, live_session, world.section)
        await carer.join()
        await professional.join()
        await carer.type_after("Behaviour", " BEFOREWORDS")
        await until(lambda: "BEFOREWORDS" in professional.text, carer, professional)

        await database_sync_to_async(member_services.membership_remove)(
            membership=removed, actor=lead
        )
        seen["took"] = await closed_promptly(carer, professional)
        seen["close"] = carer.close_code

        await carer.type_after("something.", " AFTERWORDS")
        await settle(carer, professional)
        seen["professional"] = professional.text
        seen["stored_after"] = await stored_async(world.section, "AFTERWORDS")
        seen["stored_before"] = len(await stored_async(world.section, "BEFOREWORDS"))
        seen["professional_close"] = professional.close_code
        await carer.leave()
        await professional.leave()

    run(scenario)

    assert seen["took"] < PROMPTLY
    assert seen["close"] == REFUSED
    assert seen["professional_close"] is None
    assert "AFTERWORDS" not in seen["professional"]
    assert seen["stored_after"] == []
    assert seen["stored_before"] == 1  # stored while they were a member, not yet written back

    section = Section.objects.get(pk=world.section.pk)
    assert section.body == "Behaviour BEFOREWORDS is a way of **telling us** something."
    assert dict(attributed_words(section.body, section.attribution))["BEFOREWORDS"] == removed.pk
    assert list(live_edits(section).values_list("membership_id", "words_added")) == [
        (removed.pk, 1)
    ]
    assert not LiveUpdate.objects.filter(section=section).exists()


def test_member_made_observer_becomes_read_only(world, live_session):
    changed, lead = world.co_trainer, world.lead
    seen = {}

    async def scenario():
        carer = Tab(changed.user, live_session, world.section)
        professional = Tab(lead.user, live_session, world.section)
        await carer.join()
        await professional.join()
        await carer.type_after("Behaviour", " often")
        await until(lambda: "often" in professional.text, carer, professional)

        await database_sync_to_async(member_services.membership_update)(
            membership=changed,
            role=Role.OBSERVER,
            perspective=changed.perspective,
            is_external=changed.is_external,
            actor=lead,
        )
        await until(lambda: {"event": "read_only"} in carer.statuses, carer, professional)

        await carer.type_after("often", " OBSERVERWORDS")
        await settle(carer, professional)
        seen["professional"] = professional.text
        seen["stored"] = await stored_async(world.section, "OBSERVERWORDS")
        # Still in the room, reading: what others type reaches them.
        await professional.type_after("something.", " Ask.")
        await until(lambda: "Ask." in carer.text, carer, professional)
        seen["closes"] = (carer.close_code, professional.close_code)
        seen["professional_statuses"] = professional.statuses
        await carer.leave()
        await professional.leave()

    run(scenario)

    with_often = "Behaviour often is a way of **telling us** something."
    assert seen["professional"] == with_often
    assert seen["stored"] == []
    assert seen["closes"] == (None, None)
    assert {"event": "read_only"} not in seen["professional_statuses"]
    section = Section.objects.get(pk=world.section.pk)
    assert section.body == with_often + " Ask."
    assert "OBSERVERWORDS" not in section.body
    credited = dict(attributed_words(section.body, section.attribution))
    assert credited["often"] == changed.pk
    assert credited["Ask."] == lead.pk


def test_session_ended_makes_every_editor_read_only(world, live_session):
    seen = {}

    async def scenario():
        carer = Tab(world.co_trainer.user, live_session, world.section)
        professional = Tab(world.lead.user, live_session, world.section)
        await carer.join()
        await professional.join()
        await carer.type_after("Behaviour", " often")
        await until(lambda: "often" in professional.text, carer, professional)

        await database_sync_to_async(session_services.session_end)(
            session=live_session, actor=world.lead
        )
        await until(
            lambda: (
                {"event": "read_only"} in carer.statuses
                and {"event": "read_only"} in professional.statuses
            ),
            carer,
            professional,
        )
        await carer.type_after("often", " CARERLATE")
        await professional.type_after("something.", " PROLATE")
        await settle(carer, professional)
        seen["texts"] = (carer.text, professional.text)
        seen["stored"] = await stored_async(world.section, "LATE")
        seen["closes"] = (carer.close_code, professional.close_code)
        await carer.leave()
        await professional.leave()

    run(scenario)

    with_often = "Behaviour often is a way of **telling us** something."
    carer_text, professional_text = seen["texts"]
    assert "PROLATE" not in carer_text and carer_text.startswith("Behaviour often CARERLATE")
    assert "CARERLATE" not in professional_text and professional_text.endswith("PROLATE")
    assert seen["stored"] == []
    assert seen["closes"] == (None, None)
    section = Section.objects.get(pk=world.section.pk)
    assert section.body == with_often
    assert not LiveUpdate.objects.filter(section=section).exists()


def test_section_deleted_closes_every_socket_in_its_room(world, live_session):
    seen = {}

    async def scenario():
        carer = Tab(world.co_trainer.user, live_session, world.section)
        professional = Tab(world.lead.user, live_session, world.section)
        await carer.join()
        await professional.join()
        await carer.type_after("Behaviour", " often")
        await until(lambda: "often" in professional.text, carer, professional)

        await database_sync_to_async(content_services.section_delete)(
            section=world.section, actor=world.lead
        )
        await until(
            lambda: carer.close_code is not None and professional.close_code is not None,
            carer,
            professional,
        )
        seen["closes"] = (carer.close_code, professional.close_code)
        await carer.type_after("often", " AFTERDELETE")
        await settle(carer, professional)
        seen["professional"] = professional.text
        seen["stored"] = await stored_async(world.section, "AFTERDELETE")
        await carer.leave()
        await professional.leave()

    run(scenario)

    assert seen["closes"] == (REFUSED, REFUSED)
    assert "AFTERDELETE" not in seen["professional"]
    assert seen["stored"] == []
    # What was typed before the deletion is kept with the deleted section's text.
    assert section_body(world.section) == "Behaviour often is a way of **telling us** something."
    assert not LiveUpdate.objects.filter(section_id=world.section.pk).exists()


def test_deactivated_account_is_closed(world, live_session):
    seen = {}

    def deactivate(user_id):
        user = User.objects.get(pk=user_id)
        user.is_active = False
        user.save()

    async def scenario():
        carer = Tab(world.co_trainer.user, live_session, world.section)
        professional = Tab(world.lead.user, live_session, world.section)
        await carer.join()
        await professional.join()

        await database_sync_to_async(deactivate)(world.co_trainer.user_id)
        seen["took"] = await closed_promptly(carer, professional)
        seen["closes"] = (carer.close_code, professional.close_code)
        await carer.type_after("Behaviour", " INACTIVEWORDS")
        await settle(carer, professional)
        seen["professional"] = professional.text
        seen["stored"] = await stored_async(world.section, "INACTIVEWORDS")
        await professional.type_after("something.", " Ask.")
        await settle(carer, professional)
        await carer.leave()
        await professional.leave()

    run(scenario)

    assert seen["took"] < PROMPTLY
    assert seen["closes"] == (REFUSED, None)
    assert seen["professional"] == BODY
    assert seen["stored"] == []
    assert section_body(world.section) == BODY + " Ask."


def test_access_is_checked_again_before_an_update_without_any_message(
    world, live_session, monkeypatch
):
    """With the access message lost (Redis out of reach), the re-check before applying an
    update still stops a removed member."""
    monkeypatch.setattr(consumers, "ACCESS_RECHECK_SECONDS", 0)
    seen = {}

    async def scenario():
        carer = Tab(world.co_trainer.user, live_session, world.section)
        professional = Tab(world.lead.user, live_session, world.section)
        await carer.join()
        await professional.join()
        await carer.type_after("Behaviour", " often")
        await until(lambda: "often" in professional.text, carer, professional)

        # Straight to the database: no live_access_changed.
        await database_sync_to_async(Membership.objects.filter(pk=world.co_trainer.pk).update)(
            removed_at=timezone.now()
        )
        await settle(carer, professional)
        seen["close_before_sending"] = carer.close_code

        await carer.type_after("something.", " UNSEENWORDS")
        await until(lambda: carer.close_code is not None, carer, professional)
        await settle(carer, professional)
        seen["close"] = carer.close_code
        seen["professional"] = professional.text
        seen["stored"] = await stored_async(world.section, "UNSEENWORDS")
        seen["stored_before"] = len(await stored_async(world.section, "often"))
        await carer.leave()
        await professional.leave()

    run(scenario)

    assert seen["close_before_sending"] is None  # nothing told the socket before it sent
    assert seen["close"] == REFUSED
    assert "UNSEENWORDS" not in seen["professional"]
    assert seen["stored"] == []
    assert seen["stored_before"] == 1
    assert section_body(world.section) == "Behaviour often is a way of **telling us** something."


@pytest.mark.parametrize("bound", ["section_length", "message_size"])
def test_oversized_update_is_refused_and_the_room_goes_on(
    world, live_session, settings, monkeypatch, bound
):
    if bound == "section_length":
        settings.SECTION_BODY_MAX_CHARS = 200
        limit, long_words = 200, " " + "x" * 160  # BODY and these pass 200 characters
    else:
        monkeypatch.setattr(consumers, "MAX_MESSAGE_BYTES", 512)
        limit, long_words = settings.SECTION_BODY_MAX_CHARS, " " + "x" * 600
    seen = {}

    async def scenario():
        flooder = Tab(world.co_trainer.user, live_session, world.section)
        professional = Tab(world.lead.user, live_session, world.section)
        await flooder.join()
        await professional.join()

        await flooder.append(long_words)
        await until(lambda: flooder.close_code is not None, flooder, professional)
        await settle(flooder, professional)
        seen["statuses"] = flooder.statuses
        seen["close"] = flooder.close_code
        seen["professional"] = professional.text
        seen["stored"] = await stored_async(world.section, "xxxx")
        # Anything still sent on the closed socket is ignored, even an update that would fit.
        await flooder.type_after("Behaviour", " AFTERCLOSE")
        await settle(flooder, professional)
        seen["after_close"] = await stored_async(world.section, "AFTERCLOSE")

        await professional.type_after("Behaviour", " still")
        await settle(flooder, professional)
        seen["professional_close"] = professional.close_code
        seen["stored_still"] = len(await stored_async(world.section, "still"))
        newcomer = Tab(world.lead.user, live_session, world.section)
        await newcomer.join()
        seen["newcomer"] = newcomer.text
        await newcomer.leave()
        await flooder.leave()
        await professional.leave()

    run(scenario)

    still = "Behaviour still is a way of **telling us** something."
    assert seen["statuses"] == [{"event": "too_long", "limit": limit}]
    assert seen["close"] == TOO_LONG
    assert seen["professional"] == BODY
    assert seen["stored"] == []
    assert seen["after_close"] == []
    assert seen["professional_close"] is None
    assert seen["stored_still"] == 1
    assert seen["newcomer"] == still
    section = Section.objects.get(pk=world.section.pk)
    assert section.body == still
    assert list(live_edits(section).values_list("membership_id", flat=True)) == [world.lead.pk]


def test_client_sending_too_fast_is_asked_to_reconnect_and_the_room_goes_on(
    world, live_session, monkeypatch
):
    # The real burst, with a slow refill: on a busy machine storing 600 updates may take long
    # enough for the real refill to let most of them through.
    monkeypatch.setattr(consumers, "RATE_PER_SECOND", 1)
    many = consumers.RATE_BURST * 3
    seen = {}

    async def scenario():
        flooder = Tab(world.co_trainer.user, live_session, world.section)
        professional = Tab(world.lead.user, live_session, world.section)
        await flooder.join()
        await professional.join()

        # Typing one letter per message, far faster than anyone types.
        for _letter in range(many):
            await flooder.append("z")
        await until(lambda: flooder.close_code is not None, flooder, professional)
        await settle(flooder, professional)
        seen["close"] = flooder.close_code

        await professional.type_after("Behaviour", " still")
        newcomer = Tab(world.lead.user, live_session, world.section)
        await newcomer.join()
        await newcomer.type_after("something.", " newer")
        await until(lambda: "newer" in professional.text, flooder, professional, newcomer)
        await settle(flooder, professional, newcomer)
        seen["closes"] = (professional.close_code, newcomer.close_code)
        seen["texts"] = (professional.text, newcomer.text)
        seen["flooder_stored"] = await database_sync_to_async(
            LiveUpdate.objects.filter(section=world.section, author=world.co_trainer).count
        )()
        await newcomer.leave()
        await flooder.leave()
        await professional.leave()

    run(scenario)

    assert seen["close"] == TRY_AGAIN_LATER
    assert seen["closes"] == (None, None)
    professional_text, newcomer_text = seen["texts"]
    assert professional_text == newcomer_text
    assert professional_text.startswith("Behaviour still is a way")
    assert "newer" in professional_text
    # About the burst was taken (joining used a couple of messages of it, the slow refill added
    # a few), and nothing sent after the close.
    nearly_the_burst = consumers.RATE_BURST - 10
    assert nearly_the_burst <= seen["flooder_stored"] <= consumers.RATE_BURST + 10
    body = section_body(world.section)
    assert body == professional_text
    assert nearly_the_burst <= body.count("z") <= seen["flooder_stored"]


def test_malformed_update_is_not_stored_and_the_room_goes_on(world, live_session):
    real = Doc()
    real.get(TEXT_NAME, type=Text).insert(0, "MALFORMEDWORDS and more")
    update = real.get_update()
    malformed = [
        b"\x01\x02\x03\x04\x05",  # not an update at all
        update[: len(update) // 2],  # a real update cut short
        b"\xff" * 40,
        update[:-1] + b"\xff\xff\xff\xff\xff",  # a real update with a bad ending
    ]
    seen = {}

    async def scenario():
        carer = Tab(world.co_trainer.user, live_session, world.section)
        professional = Tab(world.lead.user, live_session, world.section)
        await carer.join()
        await professional.join()
        for payload in malformed:
            await carer.send_raw(create_update_message(payload))
        await settle(carer, professional)
        seen["stored"] = await database_sync_to_async(stored_updates)(world.section)
        seen["professional"] = professional.text
        seen["closes"] = (carer.close_code, professional.close_code)

        await carer.type_after("Behaviour", " still")
        await until(lambda: "still" in professional.text, carer, professional)
        seen["stored_still"] = len(await stored_async(world.section, "still"))
        await hub.save_all()
        await settle(carer, professional)
        seen["saved_statuses"] = (carer.statuses, professional.statuses)
        await carer.leave()
        await professional.leave()

    run(scenario)

    assert seen["stored"] == []
    assert seen["professional"] == BODY
    assert seen["closes"] == (None, None)
    assert seen["stored_still"] == 1
    saved = {"event": "saved", "version": 2, "names_kept_out": []}
    assert seen["saved_statuses"] == ([saved],) * 2
    section = Section.objects.get(pk=world.section.pk)
    assert section.body == "Behaviour still is a way of **telling us** something."
    assert section.version == 2
    assert not LiveUpdate.objects.filter(section=section).exists()
