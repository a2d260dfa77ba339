"""The live room's websocket consumer, end to end over the real (in-memory) channel layer.

Each test runs its clients in one event loop through ``async_to_sync``, so the consumer's
database calls (thread-sensitive) run in the test's thread and see what the test wrote. The
consumer's writes happen outside the test's transaction: hence ``transaction=True``.

Channels' communicator cancels the application when a receive times out, so the clients below
never wait on ``receive_output`` for something that may not come: they poll ``receive_nothing``
and read only what has arrived.
"""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from pycrdt import Doc, Text, create_sync_message, create_update_message, handle_sync_message

from tests.factories import ModuleFactory, SectionFactory
from workshops.attribution import attributed_words
from workshops.enums import Action
from workshops.live import hub
from workshops.live.consumers import REFUSED
from workshops.live.rooms import STEP2, SYNC, TEXT_NAME
from workshops.live.routing import websocket_urlpatterns
from workshops.models import Attendance, ContributionEntry, LiveDocument, Section, SectionRevision
from workshops.services import content as content_services
from workshops.services import sessions as session_services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flushable_log")]

# Generous: only reached if something is wrong. Never passed where it could expire normally.
WAIT = 30
QUIET = 0.2
BODY = "Behaviour is a way of **telling us** something."


@pytest.fixture(autouse=True)
def fresh_live_state(monkeypatch):
    """A new channel layer and room registry per test (each test has its own event loop), and
    no timed write-backs, so versions change only when the tests say."""
    monkeypatch.setattr(channel_layers, "backends", {})
    monkeypatch.setattr(hub, "_rooms", {})
    monkeypatch.setattr(hub, "_rooms_lock", asyncio.Lock())
    monkeypatch.setattr(hub, "IDLE_SECONDS", 3600)
    monkeypatch.setattr(hub, "MAX_UNSAVED_SECONDS", 3600)
    yield
    assert hub.open_room_ids() == [], "a test left a live room open"


def live_path(session, section):
    return f"/ws/live/sessions/{session.pk}/sections/{section.pk}"


class LiveClient:
    """One browser tab: a Yjs document speaking y-websocket to the consumer."""

    def __init__(self, user, session, section, *, doc=None, application=None, headers=None):
        self.doc = doc or Doc()
        self.communicator = WebsocketCommunicator(
            application or URLRouter(websocket_urlpatterns),
            live_path(session, section),
            headers=headers,
        )
        if user is not None:
            self.communicator.scope["user"] = user
        self.frames = 0
        self.close_code = None
        self.synced = False  # has had the room's document (a sync step 2)

    @property
    def text(self):
        return str(self.doc.get(TEXT_NAME, type=Text))

    async def connect(self):
        connected, _ = await self.communicator.connect(timeout=WAIT)
        assert connected, "the consumer did not accept"

    async def next_output(self):
        """The next thing the consumer sent, waiting for it without a timeout that cancels."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while await self.communicator.receive_nothing(timeout=0.05):
            assert loop.time() < deadline, "nothing arrived"
        return await self.communicator.receive_output()

    async def join(self):
        """Connect and sync both ways, as y-websocket does."""
        await self.connect()
        await self.handle(await self.next_output())
        await self.communicator.send_to(bytes_data=create_sync_message(self.doc))
        await until(lambda: self.synced, self)

    async def handle(self, output):
        if output["type"] == "websocket.close":
            self.close_code = output.get("code")
            return
        data = output.get("bytes")
        assert data, f"unexpected output {output!r}"
        self.frames += 1
        if data[0] == SYNC:
            self.synced = self.synced or data[1] == STEP2
            reply = handle_sync_message(data[1:], self.doc)
            if reply:
                await self.communicator.send_to(bytes_data=reply)

    async def pump(self):
        """Handle everything that arrives until the line has been quiet for a moment; how
        many outputs that was."""
        handled = 0
        while not await self.communicator.receive_nothing(timeout=QUIET):
            await self.handle(await self.communicator.receive_output())
            handled += 1
        return handled

    async def type_after(self, anchor, words):
        ytext = self.doc.get(TEXT_NAME, type=Text)
        before = self.doc.get_state()
        current = str(ytext)
        at = current.index(anchor) + len(anchor)
        ytext.insert(len(current[:at].encode()), words)  # pycrdt offsets are UTF-8 bytes
        await self.communicator.send_to(
            bytes_data=create_update_message(self.doc.get_update(before))
        )

    async def send_raw(self, data):
        await self.communicator.send_input({"type": "websocket.receive", "bytes": data})

    async def leave(self):
        # Waits for the consumer to finish, write-back included.
        await self.communicator.disconnect(timeout=WAIT)


async def until(condition, *clients):
    """Pump the clients until ``condition()`` holds (what was sent has arrived)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not condition():
        assert loop.time() < deadline, "what was expected never arrived"
        for client in clients:
            await client.pump()


async def settle(*clients):
    """Pump every client until a whole round brings nothing new."""
    for _round in range(20):
        if not sum([await client.pump() for client in clients]):
            return
    raise AssertionError("the clients never went quiet")


def run(scenario):
    async_to_sync(scenario)()


def live_edits(section):
    return ContributionEntry.objects.filter(
        action=Action.SECTION_LIVE_EDIT, target_id=section.pk
    ).order_by("pk")


def test_live_two_members_typing_at_once_converge(world, live_session):
    carer_doc, professional_doc = Doc(), Doc()

    async def scenario():
        carer = LiveClient(world.co_trainer.user, live_session, world.section, doc=carer_doc)
        professional = LiveClient(
            world.lead.user, live_session, world.section, doc=professional_doc
        )
        await carer.join()
        await professional.join()
        assert carer.text == professional.text == BODY

        # Both type before either has seen the other's words.
        await carer.type_after("Behaviour", " CARERWORDS")
        await professional.type_after("something.", " PROWORDS")
        await until(
            lambda: "PROWORDS" in carer.text and "CARERWORDS" in professional.text,
            carer,
            professional,
        )
        await settle(carer, professional)

        assert carer.text == professional.text
        await carer.leave()
        await professional.leave()

    run(scenario)

    expected = "Behaviour CARERWORDS is a way of **telling us** something. PROWORDS"
    assert str(carer_doc.get(TEXT_NAME, type=Text)) == expected
    assert str(professional_doc.get(TEXT_NAME, type=Text)) == expected


def test_live_write_back_credits_each_typist(world, live_session):
    carer_member, professional_member = world.co_trainer, world.lead

    async def scenario():
        carer = LiveClient(carer_member.user, live_session, world.section)
        professional = LiveClient(professional_member.user, live_session, world.section)
        await carer.join()
        await professional.join()
        await carer.type_after("Behaviour", " often")
        await professional.type_after("something.", " Ask what it means.")
        await until(
            lambda: "Ask" in carer.text and "often" in professional.text, carer, professional
        )
        await carer.leave()
        await professional.leave()

    run(scenario)

    section = Section.objects.get(pk=world.section.pk)
    expected = "Behaviour often is a way of **telling us** something. Ask what it means."
    assert section.version == 2
    assert section.body == expected
    revision = SectionRevision.objects.get(section=section, version=2)
    assert revision.body == expected
    credited = attributed_words(revision.body, revision.attribution)
    assert credited == [
        ("Behaviour", carer_member.pk),  # the section was first written by the co-trainer
        ("often", carer_member.pk),
        ("is", carer_member.pk),
        ("a", carer_member.pk),
        ("way", carer_member.pk),
        ("of", carer_member.pk),
        ("**telling", carer_member.pk),
        ("us**", carer_member.pk),
        ("something.", carer_member.pk),
        ("Ask", professional_member.pk),
        ("what", professional_member.pk),
        ("it", professional_member.pk),
        ("means.", professional_member.pk),
    ]
    assert section.attribution == revision.attribution
    assert list(live_edits(section).values_list("membership_id", "words_added")) in (
        [(carer_member.pk, 1), (professional_member.pk, 4)],
        [(professional_member.pk, 4), (carer_member.pk, 1)],
    )
    stored = LiveDocument.objects.get(section=section)
    assert stored.base_version == 2


def test_live_each_join_is_an_attendance_stay_closed_on_leaving(world, live_session):
    async def scenario():
        for _stay in range(2):
            carer = LiveClient(world.co_trainer.user, live_session, world.section)
            await carer.join()
            await carer.leave()
        professional = LiveClient(world.lead.user, live_session, world.section)
        await professional.join()
        await professional.leave()

    run(scenario)

    stays = list(Attendance.objects.filter(session=live_session).order_by("joined_at"))
    assert [stay.membership_id for stay in stays] == [
        world.co_trainer.pk,
        world.co_trainer.pk,
        world.lead.pk,
    ]
    assert all(stay.left_at is not None and stay.left_at >= stay.joined_at for stay in stays)
    assert ContributionEntry.objects.filter(action=Action.SESSION_ATTEND).count() == 3
    # Nobody typed: joining and leaving writes no new version.
    assert Section.objects.get(pk=world.section.pk).version == 1


def test_live_returning_browser_with_the_old_document_does_not_duplicate(world, live_session):
    carer_doc = Doc()

    async def scenario():
        carer = LiveClient(world.co_trainer.user, live_session, world.section, doc=carer_doc)
        await carer.join()
        await carer.type_after("Behaviour", " often")
        await carer.pump()
        await carer.leave()  # the room closes and is stored
        # Offline, the same tab keeps typing; then it reconnects to a room loaded from the store.
        before = carer_doc.get_state()
        ytext = carer_doc.get(TEXT_NAME, type=Text)
        ytext.insert(len(str(ytext).encode()), " Ŵ 👍")
        assert carer_doc.get_update(before)
        again = LiveClient(world.co_trainer.user, live_session, world.section, doc=carer_doc)
        await again.join()
        await again.leave()

    run(scenario)

    section = Section.objects.get(pk=world.section.pk)
    assert section.body == "Behaviour often is a way of **telling us** something. Ŵ 👍"
    assert section.version == 3
    assert str(carer_doc.get(TEXT_NAME, type=Text)) == section.body


@pytest.mark.parametrize("who", ["other_organisation", "anonymous", "not_on_agenda"])
def test_live_refused_connections_are_closed_before_any_document(
    world, other_world, live_session, who
):
    user, section = {
        "other_organisation": (other_world.lead.user, world.section),
        "anonymous": (AnonymousUser(), world.section),
        "not_on_agenda": (world.co_trainer.user, None),
    }[who]
    if section is None:
        elsewhere = ModuleFactory(workshop=world.workshop, actor=world.lead)
        section = SectionFactory(module=elsewhere, actor=world.lead)
    outputs = []

    async def scenario():
        client = LiveClient(user, live_session, section)
        await client.connect()
        outputs.append(await client.next_output())
        assert await client.communicator.receive_nothing(timeout=QUIET)
        await client.leave()

    run(scenario)

    assert outputs == [{"type": "websocket.close", "code": REFUSED}]
    assert Attendance.objects.filter(session=live_session).count() == 0


def test_live_refused_for_another_organisations_session(world, other_world, live_session):
    """Asking for one's own section through another organisation's session is refused too."""
    outputs = []

    async def scenario():
        client = LiveClient(other_world.lead.user, live_session, other_world.section)
        await client.connect()
        outputs.append(await client.next_output())
        await client.leave()

    run(scenario)

    assert outputs == [{"type": "websocket.close", "code": REFUSED}]


def test_live_observer_reads_but_cannot_write(world, observer, live_session):
    seen = {}

    async def scenario():
        editor = LiveClient(world.co_trainer.user, live_session, world.section)
        watcher = LiveClient(observer.user, live_session, world.section)
        await editor.join()
        await watcher.join()
        seen["on_joining"] = watcher.text
        await editor.type_after("Behaviour", " often")
        await until(lambda: "often" in watcher.text, editor, watcher)
        seen["after_editor_typed"] = watcher.text
        await watcher.type_after("something.", " OBSERVERWORDS")
        await settle(editor, watcher)
        seen["editor_after_observer_typed"] = editor.text
        # A newcomer gets the room's document, without the observer's words.
        newcomer = LiveClient(world.lead.user, live_session, world.section)
        await newcomer.join()
        seen["newcomer"] = newcomer.text
        await newcomer.leave()
        await watcher.leave()
        await editor.leave()

    run(scenario)

    with_often = "Behaviour often is a way of **telling us** something."
    assert seen == {
        "on_joining": BODY,
        "after_editor_typed": with_often,
        "editor_after_observer_typed": with_often,
        "newcomer": with_often,
    }
    section = Section.objects.get(pk=world.section.pk)
    assert section.body == with_often
    assert list(live_edits(section).values_list("membership_id", flat=True)) == [
        world.co_trainer.pk
    ]
    assert not ContributionEntry.objects.filter(
        membership=observer, action=Action.SECTION_LIVE_EDIT
    ).exists()
    # The observer's stay still counts as attendance.
    assert Attendance.objects.filter(session=live_session, membership=observer).count() == 1


def test_live_after_session_end_editors_are_read_only(world, live_session):
    session_services.session_end(session=live_session, actor=world.lead)
    seen = {}

    async def scenario():
        editor = LiveClient(world.co_trainer.user, live_session, world.section)
        await editor.join()
        seen["on_joining"] = editor.text
        await editor.type_after("Behaviour", " LATEWORDS")
        await editor.pump()
        reader = LiveClient(world.lead.user, live_session, world.section)
        await reader.join()
        seen["others_see"] = reader.text
        await reader.leave()
        await editor.leave()

    run(scenario)

    assert seen == {"on_joining": BODY, "others_see": BODY}
    section = Section.objects.get(pk=world.section.pk)
    assert section.version == 1
    assert section.body == BODY
    assert not live_edits(section).exists()


def test_live_session_ending_saves_and_stops_open_connections_writing(world, live_session):
    seen = {}

    async def scenario():
        editor = LiveClient(world.co_trainer.user, live_session, world.section)
        await editor.join()
        await editor.type_after("Behaviour", " often")
        await settle(editor)
        await database_sync_to_async(session_services.session_end)(
            session=live_session, actor=world.lead
        )
        await settle(editor)
        seen["saved_at_end"] = await database_sync_to_async(
            lambda: Section.objects.get(pk=world.section.pk).body
        )()
        await editor.type_after("often", " LATEWORDS")
        await settle(editor)
        reader = LiveClient(world.lead.user, live_session, world.section)
        await reader.join()
        seen["others_see"] = reader.text
        await reader.leave()
        await editor.leave()

    run(scenario)

    with_often = "Behaviour often is a way of **telling us** something."
    assert seen == {"saved_at_end": with_often, "others_see": with_often}
    assert Section.objects.get(pk=world.section.pk).body == with_often


def test_live_form_save_while_room_open_is_merged_not_overwritten(world, live_session):
    seen = {}
    form_body = BODY + " Ask the family what they notice."

    def form_save():
        section = Section.objects.get(pk=world.section.pk)
        content_services.section_update(
            section=section,
            based_on_version=section.version,
            title=section.title,
            body=form_body,
            kind=section.kind,
            audience=section.audience,
            actor=world.lead,
        )

    async def scenario():
        carer = LiveClient(world.co_trainer.user, live_session, world.section)
        watcher = LiveClient(world.lead.user, live_session, world.section)
        await carer.join()
        await watcher.join()
        await carer.type_after("Behaviour", " often")
        await until(lambda: "often" in watcher.text, carer, watcher)  # the room has it
        await database_sync_to_async(form_save)()
        # A timed write-back (called directly here) merges the form save into the room and
        # sends the merge to everyone in it.
        await hub.save_all()
        await until(lambda: "family" in carer.text and "family" in watcher.text, carer, watcher)
        await settle(carer, watcher)
        seen["carer"], seen["watcher"] = carer.text, watcher.text
        await carer.type_after("notice.", " Gently.")
        await settle(carer, watcher)
        await carer.leave()
        await watcher.leave()

    run(scenario)

    merged = (
        "Behaviour often is a way of **telling us** something. Ask the family what they notice."
    )
    assert seen == {"carer": merged, "watcher": merged}
    section = Section.objects.get(pk=world.section.pk)
    assert section.body == merged + " Gently."
    versions = dict(SectionRevision.objects.filter(section=section).values_list("version", "body"))
    assert versions == {1: BODY, 2: form_body, 3: merged, 4: merged + " Gently."}
    credited = dict(attributed_words(section.body, section.attribution))
    assert credited["often"] == world.co_trainer.pk
    assert credited["family"] == world.lead.pk
    assert credited["Gently."] == world.co_trainer.pk


def test_live_malformed_frames_do_not_crash_the_consumer(world, live_session):
    seen = {}

    async def scenario():
        carer = LiveClient(world.co_trainer.user, live_session, world.section)
        professional = LiveClient(world.lead.user, live_session, world.section)
        await carer.join()
        await professional.join()
        for frame in (
            b"",
            b"\x00",
            b"\x00\x00",
            b"\x00\x00\xff",
            b"\x00\x00\x03abc",  # a sync step 1 whose state vector is not one
            b"\x00\x02\x03abc",  # an update that is not one
            b"\x00\x09\x01a",
            b"\xff\xff",
            b"garbage bytes",
        ):
            await carer.send_raw(frame)
        await settle(carer, professional)  # raises if the consumer crashed
        await carer.communicator.send_to(text_data="not a binary frame")
        await settle(carer, professional)
        await carer.type_after("Behaviour", " still")
        await until(lambda: "still" in professional.text, carer, professional)
        seen["professional"] = professional.text
        await carer.leave()
        await professional.leave()

    run(scenario)

    still = "Behaviour still is a way of **telling us** something."
    assert seen == {"professional": still}
    assert Section.objects.get(pk=world.section.pk).body == still


def _same_origin():
    """The headers of a page of the app opening a websocket: its Host and the matching Origin."""
    host = next(h for h in settings.ALLOWED_HOSTS if h not in ("*", "testserver")).lstrip(".")
    return [(b"host", host.encode()), (b"origin", f"http://{host}".encode())]


def test_live_auth_stack_accepts_a_signed_in_member_by_session_cookie(
    world, live_session, client_for
):
    from coprod.asgi import application

    browser = client_for(world.co_trainer)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    seen = {}

    async def scenario():
        client = LiveClient(
            None,
            live_session,
            world.section,
            application=application,
            headers=[*_same_origin(), (b"cookie", cookie.encode())],
        )
        await client.join()
        seen["text"], seen["close"] = client.text, client.close_code
        await client.leave()

    run(scenario)

    assert seen == {"text": BODY, "close": None}
    assert list(
        Attendance.objects.filter(session=live_session).values_list("membership_id", flat=True)
    ) == [world.co_trainer.pk]


def test_live_auth_stack_refuses_a_connection_without_a_cookie(world, live_session):
    from coprod.asgi import application

    outputs = []

    async def scenario():
        client = LiveClient(
            None,
            live_session,
            world.section,
            application=application,
            headers=_same_origin(),
        )
        await client.connect()
        outputs.append(await client.next_output())
        await client.leave()

    run(scenario)

    assert outputs == [{"type": "websocket.close", "code": REFUSED}]
    assert not Attendance.objects.filter(session=live_session).exists()


def test_live_reconnecting_while_the_room_is_written_back_does_not_duplicate(
    world, live_session, monkeypatch
):
    """A browser that drops and reconnects (or a second tab) while the last write-back of the
    room is still reaching the database must join that room, not a copy loaded before it."""
    carer_doc = Doc()
    write_back = hub.save

    async def scenario():
        carer = LiveClient(world.co_trainer.user, live_session, world.section, doc=carer_doc)
        await carer.join()
        await carer.type_after("Behaviour", " often")
        await carer.pump()

        # Hold the closing write-back (a slow database) until the browser is back.
        closing_started, browser_back = asyncio.Event(), asyncio.Event()

        async def slow_save(replica):
            if not closing_started.is_set():
                closing_started.set()
                await browser_back.wait()
            await write_back(replica)

        monkeypatch.setattr(hub, "save", slow_save)
        leaving = asyncio.ensure_future(carer.leave())
        await asyncio.wait_for(closing_started.wait(), WAIT)
        again = LiveClient(world.co_trainer.user, live_session, world.section, doc=carer_doc)
        await again.join()
        browser_back.set()
        await leaving
        await again.pump()
        await again.leave()

    run(scenario)

    expected = "Behaviour often is a way of **telling us** something."
    assert str(carer_doc.get(TEXT_NAME, type=Text)) == expected
    section = Section.objects.get(pk=world.section.pk)
    assert section.body == expected
    assert LiveDocument.objects.get(section=section).base_version == section.version
