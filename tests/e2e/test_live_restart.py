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
import os
import signal
import subprocess
import sys
import time
import urllib.error

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import SectionFactory
from tests.helpers import database_url, free_port, stop_process
from workshops.models import Section, SectionRevision
from workshops.services.sessions import session_create

from .conftest import REPO_ROOT, SERVER_START_SECONDS, LiveServer
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


class RestartableServer:
    """A daphne serving tests/e2e/asgi.py on one fixed port, which the test can kill and start."""

    def __init__(self, log_dir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = log_dir
        self.starts = 0
        self.process = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "coprod.settings.test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        # The in-memory channel layer, and tasks run in-process: nothing shared with other runs.
        for name in ("REDIS_URL", "CELERY_BROKER_URL", "DEBUG"):
            self.env.pop(name, None)

    @property
    def live(self):
        """The LiveServer helpers of tests/e2e/conftest.py for the process running now."""
        return LiveServer(url=self.url, process=self.process, log_path=self.log_path)

    @property
    def log_path(self):
        return self.log_dir / f"daphne-{self.starts}.log"

    def log_tail(self, lines=40):
        return "\n\n".join(
            f"daphne start {start}:\n"
            + LiveServer(self.url, None, self.log_dir / f"daphne-{start}.log").log_tail(lines)
            for start in range(1, self.starts + 1)
        )

    def start(self):
        """Start daphne and wait until it answers."""
        self.starts += 1
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "tests.e2e.asgi:application",
                ],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"daphne stopped while starting:\n{self.log_tail()}")
            try:
                self.live.get_json("/__e2e__/live-rooms")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"daphne did not answer in {SERVER_START_SECONDS} s:\n{self.log_tail()}"
                    ) from None
                time.sleep(0.1)

    def kill(self):
        """SIGKILL: no write-back, no goodbye to the browsers."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process)


@pytest.fixture
def own_server(e2e_db, tmp_path):
    server = RestartableServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def live_page_path(world):
    section = SectionFactory(
        module=world.module, actor=world.co_trainer, title="What behaviour tells us", body=BODY
    )
    session = session_create(
        workshop=world.workshop,
        title="Writing module one together",
        starts_at=timezone.now(),
        agenda=[world.module],
        facilitator=world.lead,
        actor=world.lead,
    )
    return section, f"/sessions/{session.pk}/sections/{section.pk}/live/"


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
        own_server.live.wait_for_rooms_closed()
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
