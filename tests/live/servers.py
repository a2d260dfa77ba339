"""Real server processes for the live rooms' fault tests, and a browser tab's side of a room.

``RedisServer`` is a redis-server of the test's own (a free port, nothing written to disk), so a
test may start and kill it without touching the shared one. ``DaphneServer`` runs the app as the
browser tests serve it (tests/e2e/asgi.py, which adds the page that says which rooms are open)
in a daphne process of its own, against the test database and with the Redis channel layer:
two of them on one redis-server are the real multi-process set-up. A test may kill one with
SIGKILL and start it again on the same port. ``LiveSocket`` is one browser tab: a pycrdt
document speaking y-websocket to a room over a real websocket, signed in by session cookie.

Every wait here is bounded; what a server logged goes into the error when a wait runs out.
"""

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import redis
from pycrdt import Doc, Text, create_sync_message, create_update_message, handle_sync_message
from pycrdt import read_message as read_payload
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.helpers import stop_process
from workshops.live.rooms import STATUS, STEP1, STEP2, SYNC, TEXT_NAME

REPO_ROOT = Path(__file__).resolve().parents[2]
# Generous: only reached when something is wrong.
START_SECONDS = 30
WAIT_SECONDS = 30
ROOMS_PATH = "/__e2e__/live-rooms"  # tests/e2e/asgi.py


def _wait_until(condition, *, timeout, what, explain=lambda: ""):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} after {timeout} s\n{explain()}")
        time.sleep(0.05)


@dataclass
class RedisServer:
    port: int
    folder: Path
    process: subprocess.Popen | None = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def _answers(self):
        try:
            return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            if self.process.poll() is not None:
                raise AssertionError(f"redis-server stopped:\n{self.log_tail()}") from None
            return False

    def log_tail(self, lines=20):
        path = self.folder / "redis.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_until(
            self._answers,
            timeout=START_SECONDS,
            what="redis-server did not answer",
            explain=self.log_tail,
        )

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process)


@dataclass
class DaphneServer:
    """The app in a daphne process: ``start`` it, ``kill`` it, ``start`` it again."""

    name: str
    port: int
    database_url: str
    redis_url: str
    log_path: Path
    # The base settings by default, not the tests' (those force the in-memory channel layer).
    settings_module: str = "coprod.settings.base"
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def websocket_url(self, path):
        return f"ws://127.0.0.1:{self.port}{path}"

    def _environment(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": self.settings_module,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            # Set but empty: tasks run in-process, nothing is queued on the test's Redis.
            "CELERY_BROKER_URL": "",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("DEBUG", None)
        return env

    def log_text(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines=40):
        return f"--- {self.name} log, last lines ---\n" + "\n".join(
            self.log_text().splitlines()[-lines:]
        )

    def rooms(self):
        """{"open": [section ids], "saving": write-backs running} in this process."""
        with urllib.request.urlopen(self.url + ROOMS_PATH, timeout=2) as response:
            return json.load(response)

    def _answers(self):
        if self.process.poll() is not None:
            raise AssertionError(f"daphne {self.name} stopped while starting\n{self.log_tail()}")
        try:
            self.rooms()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False
        return True

    def start(self):
        """Start daphne and return once it answers on its port."""
        self.launch()
        self.wait_started()

    def launch(self):
        """Start daphne without waiting for it (``wait_started`` does), so several start at once."""
        assert self.process is None or self.process.poll() is not None, "already running"
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts} of {self.name} ---\n".encode())
            log.flush()
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
                env=self._environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_started(self):
        _wait_until(
            self._answers,
            timeout=START_SECONDS,
            what=f"daphne {self.name} did not answer on port {self.port}",
            explain=self.log_tail,
        )

    def kill(self):
        """SIGKILL: no write-back, no goodbye to any socket, as when a machine dies."""
        self.process.kill()
        self.process.wait(timeout=WAIT_SECONDS)

    def wait_for_rooms_closed(self, timeout=WAIT_SECONDS):
        """Until every room in this process has been written back and closed."""
        state = {}

        def closed():
            state.update(self.rooms())
            return not state["open"] and not state["saving"]

        _wait_until(
            closed,
            timeout=timeout,
            what=f"rooms still open in {self.name}: {state}",
            explain=self.log_tail,
        )

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process)


@contextlib.contextmanager
def logs_on_failure(*servers):
    """Add the servers' log tails to any error raised inside."""
    try:
        yield
    except Exception as error:
        for server in servers:
            error.add_note(server.log_tail())
        raise


async def until(condition, what, timeout=WAIT_SECONDS):
    """Wait (bounded) in the event loop until ``condition()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not so after {timeout} s")
        await asyncio.sleep(0.02)


@dataclass
class LiveSocket:
    """One browser tab in a live room, as y-websocket and the editor behave.

    Joining sends this document's state (sync step 1) as soon as the socket opens and answers
    the server's step 1 with what the server lacks (step 2); the tab is synced once it has the
    server's step 2. Updates from the server are applied as they arrive, by a reader task.
    """

    doc: Doc = field(default_factory=Doc)
    statuses: list = field(default_factory=list)
    close_code: int | None = None
    steps_received: dict = field(default_factory=lambda: {STEP1: 0, STEP2: 0})
    _socket: object = None
    _reader: asyncio.Task | None = None

    @property
    def text(self):
        return str(self.doc.get(TEXT_NAME, type=Text))

    @property
    def connected(self):
        return self._reader is not None and not self._reader.done()

    async def join(self, server, path, cookie):
        """Open a websocket to the room and sync both ways."""
        self.close_code = None
        self.steps_received = {STEP1: 0, STEP2: 0}
        self._socket = await connect(
            server.websocket_url(path),
            origin=server.url,
            additional_headers={"Cookie": cookie},
            open_timeout=WAIT_SECONDS,
        )
        self._reader = asyncio.create_task(self._read())
        await self._socket.send(create_sync_message(self.doc))
        await until(
            lambda: self.steps_received[STEP1] and self.steps_received[STEP2] or self.close_code,
            f"no sync with {server.name}",
        )
        assert self.close_code is None, f"{server.name} closed the socket: {self.close_code}"

    async def _read(self):
        try:
            async for message in self._socket:
                if isinstance(message, bytes):
                    await self._handle(message)
        except ConnectionClosed:
            pass
        self.close_code = self._socket.close_code or 1006

    async def _handle(self, message):
        if message[0] == SYNC:
            step = message[1]
            reply = handle_sync_message(message[1:], self.doc)
            if step in self.steps_received:
                self.steps_received[step] += 1
            if reply is not None:
                await self._socket.send(reply)
        elif message[0] == STATUS:
            self.statuses.append(json.loads(read_payload(message[1:])))

    async def type_after(self, anchor, typed):
        """Type ``typed`` just after ``anchor``, one update per character, as keystrokes are."""
        ytext = self.doc.get(TEXT_NAME, type=Text)
        current = str(ytext)
        at = len(current[: current.index(anchor) + len(anchor)].encode())  # UTF-8 offsets
        for character in typed:
            before = self.doc.get_state()
            ytext.insert(at, character)
            at += len(character.encode())
            await self._socket.send(create_update_message(self.doc.get_update(before)))
            await asyncio.sleep(0.01)

    async def flush(self):
        """Return once the server has handled everything sent before: it answers a sync step 1
        only after the updates before it (which it stores before applying)."""
        answered = self.steps_received[STEP2]
        await self._socket.send(create_sync_message(self.doc))
        await until(lambda: self.steps_received[STEP2] > answered, "the server never answered")

    async def until_closed(self):
        await until(lambda: self.close_code is not None, "the socket stayed open")

    async def leave(self):
        await self._socket.close()
        await asyncio.wait_for(self._reader, WAIT_SECONDS)
