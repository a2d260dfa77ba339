"""The server under a live room dies and comes back, with a browser typing in the room.

This test has a daphne of its own (not the shared one of tests/e2e/conftest.py), on another free
port and against the same test database, so that it can kill it with SIGKILL and start it again
on the same port. The browser is not told: y-websocket sees the socket close, the page says
"Reconnecting…", and it connects again by itself once the server is back. What was typed before
the kill was stored as update rows, which the new process folds in when the room opens again;
what was typed while the server was down is sent by the browser when it syncs again. Every word
must end up in the section exactly once, and no saved version may hold any of it twice.
"""

import asyncio
import time

import pytest
from django.db import connection

from tests.helpers import database_url, free_port
from tests.live.servers import DaphneServer
from workshops.models import Section, SectionRevision

from .pages import WAIT_MS, WAIT_SECONDS, close_all, live_text, open_live, sign_in, type_at_line_end

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BODY = (
    "Behaviour can be a way of telling us something.\n"
    "\n"
    "We look for what the behaviour is for.\n"
    "\n"
    "Families know their child best."
)
BEFORE_KILL = "Ask me what worked at home."
WHILE_DOWN = "A functional assessment helps here."
AFTER_RESTART = "We write this together."
# Typed, then this long for the updates to reach the server and be stored before the kill; well
# under the room's idle write-back (hub.IDLE_SECONDS), so the new process has rows to fold in.
STORED_SECONDS = 1.5


@pytest.fixture
def own_server(e2e_db, tmp_path):
    """A daphne of this test's own, on one fixed port, with the tests' settings (their password
    hasher, the in-memory channel layer, tasks run in-process): nothing shared with other runs."""
    server = DaphneServer(
        name="daphne",
        port=free_port(),
        database_url=database_url(connection.settings_dict),
        redis_url="",
        log_path=tmp_path / "daphne.log",
        settings_module="coprod.settings.test",
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def live_page_path(make_live_room):
    room = make_live_room(BODY)
    return room.section, room.path


def test_live_room_keeps_every_word_once_when_its_server_is_killed_and_restarted(
    own_server, live_page_path, world, run_in_browser
):
    section, path = live_page_path
    version_before = section.version

    async def scenario(browser):
        context, page = await sign_in(browser, own_server.url, world.co_trainer.user.email)
        try:
            await open_live(page, path)
            messages = await page.evaluate("() => window.coprodLive.messages")
            await type_at_line_end(page, 1, " " + BEFORE_KILL)
            await asyncio.sleep(STORED_SECONDS)

            await asyncio.to_thread(own_server.kill)
            status = page.locator("#live-status")
            await page.locator('#live-status[data-live-status="reconnecting"]').wait_for()
            reconnecting = await status.inner_text()
            await type_at_line_end(page, 3, " " + WHILE_DOWN)

            await asyncio.to_thread(own_server.start)
            # Nobody reconnects the page: y-websocket tries again by itself.
            await page.locator(
                '#live-status[data-live-status="connected"][data-live-note="keptOffline"]'
            ).wait_for(timeout=WAIT_MS)
            kept = await status.inner_text()
            await type_at_line_end(page, 5, " " + AFTER_RESTART)
            shown = await live_text(page)
            await asyncio.sleep(STORED_SECONDS)
            return messages, reconnecting, kept, shown
        finally:
            await close_all(context)

    try:
        messages, reconnecting, kept, shown = run_in_browser(scenario)
        # The page is closed: the room writes back when its last connection leaves.
        deadline = time.monotonic() + WAIT_SECONDS
        while AFTER_RESTART not in Section.objects.get(pk=section.pk).body:
            assert time.monotonic() < deadline, "The room did not write back after the restart"
            time.sleep(0.1)
        own_server.wait_for_rooms_closed()
    except Exception as error:
        error.add_note(f"the test's own daphne:\n{own_server.log_tail()}")
        raise

    expected = (
        f"Behaviour can be a way of telling us something. {BEFORE_KILL}\n"
        "\n"
        f"We look for what the behaviour is for. {WHILE_DOWN}\n"
        "\n"
        f"Families know their child best. {AFTER_RESTART}"
    )
    assert reconnecting == messages["reconnecting"]
    assert reconnecting.startswith("Reconnecting…")
    assert kept == messages["keptOffline"]
    assert shown == expected
    section.refresh_from_db()
    assert section.body == expected
    assert section.version > version_before
    revisions = list(SectionRevision.objects.filter(section=section).order_by("version"))
    assert revisions[-1].body == expected
    paragraphs = [line for line in BODY.splitlines() if line]
    for revision in revisions:
        for phrase in (BEFORE_KILL, WHILE_DOWN, AFTER_RESTART, *paragraphs):
            assert revision.body.count(phrase) <= 1, (revision.version, revision.body)
        for paragraph in paragraphs:
            assert revision.body.count(paragraph) == 1, (revision.version, revision.body)
