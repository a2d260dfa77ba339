"""Browser tests: Debian's chromium, driven by Playwright, against the app served by daphne.

The live editor needs websockets, so the server is ASGI: one daphne process for the whole run
(``asgi_server``), started on a free port against pytest's test database, with the in-memory
channel layer (every browser talks to that one process). The tests are transactional, so what
they create is committed and daphne sees it; the tables are emptied after each test.

Each test opens its own chromium through ``run_in_browser`` (Playwright's async API inside
``asyncio.run``), so several people can type at the same moment. The site's
Content-Security-Policy is enforced in every browser context, and a test whose pages report
anything it refused fails (pages.CspWatch); only an accessibility test injecting axe-core may
bypass it, in a context of its own. The ORM is used only outside the browser code: Django
refuses database calls from a thread with a running event loop.

Chromium or Playwright missing is a failure with a plain message, never a skip.
"""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.helpers import database_url, free_port, stop_process

from .pages import WAIT_SECONDS, CspViolation, CspWatch, CspWatchedBrowser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_START_SECONDS = 30


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: browser test (chromium + daphne), part of every run")


# --- The server --------------------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines=40):
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def get_json(self, path):
        with urllib.request.urlopen(self.url + path, timeout=5) as response:
            return json.load(response)

    def wait_for_rooms_closed(self, timeout=WAIT_SECONDS):
        """Until every live room in the server has been written back and closed."""
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            state = self.get_json("/__e2e__/live-rooms")
            if not state["open"] and not state["saving"]:
                return
            time.sleep(0.1)
        raise AssertionError(f"Live rooms still open after {timeout} s: {state}")


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, tmp_path_factory):
    """daphne serving the app (tests/e2e/asgi.py) against the test database, for the whole run."""
    if connection.vendor != "postgresql":
        pytest.fail(
            "The browser tests need PostgreSQL, shared by the test and the daphne process "
            "(set DATABASE_URL=postgres://…)."
        )
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coprod.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    # The in-memory channel layer, and tasks run in-process: nothing shared with other runs.
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "DEBUG"):
        env.pop(name, None)
    log_path = tmp_path_factory.mktemp("daphne") / "daphne.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "tests.e2e.asgi:application",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"daphne stopped while starting:\n{server.log_tail()}")
            try:
                server.get_json("/__e2e__/live-rooms")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"daphne did not answer in {SERVER_START_SECONDS} s:\n{server.log_tail()}"
                    )
                time.sleep(0.1)
        yield server
    finally:
        stop_process(process)


@pytest.fixture
def e2e_db(flushable_log, asgi_server):
    """A committed test database that daphne can see, emptied after the test.

    Before the tables are emptied, every live room must have been saved and closed (a write-back
    into a table being emptied would fail in the server). This is torn down before
    ``flushable_log`` (tests/conftest.py), which then lets the flush past the contribution log's
    append-only trigger.
    """
    yield
    asgi_server.wait_for_rooms_closed()


# --- The browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which(CHROMIUM)
    if path is None:
        pytest.fail(
            f"The browser tests drive Debian's chromium at {CHROMIUM}, which is not there. "
            "Install it with: apt-get install chromium"
        )
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.fail("The browser tests need Playwright: pip install -e '.[test]' (or playwright).")
    return path


@pytest.fixture
def run_in_browser(chromium_path, asgi_server):
    """``run_in_browser(scenario)`` runs ``await scenario(browser)`` in a fresh headless
    chromium and returns what it returns. Every context made from ``browser`` is watched for
    Content-Security-Policy violations: if any page reported one, the run fails with
    ``pages.CspViolation`` (listing them), even when the scenario itself passed. On failure the
    daphne log is added to the error."""

    def run(scenario):
        from playwright.async_api import async_playwright

        watch = CspWatch()

        async def main():
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
                )
                watched = CspWatchedBrowser(browser, watch)
                try:
                    return await scenario(watched)
                finally:
                    await watched.flush()
                    await browser.close()

        try:
            result = asyncio.run(main())
        except Exception as error:
            if watch.violations:
                error.add_note(str(CspViolation(watch.violations)))
            error.add_note(f"daphne log (last lines):\n{asgi_server.log_tail()}")
            raise
        try:
            watch.check()
        except AssertionError as error:
            error.add_note(f"daphne log (last lines):\n{asgi_server.log_tail()}")
            raise
        return result

    return run


# --- A live room --------------------------------------------------------------------------------


@dataclass
class LiveRoom:
    """A section on the agenda of a co-design session, its live page, and the people who may
    write in it: a family carer and a professional (both co-trainers) and the lead."""

    section: object
    path: str
    carer: object
    professional: object
    lead: object


@pytest.fixture
def make_live_room(world):
    """``make_live_room(body)``: a section with ``body`` in a session that has just started."""
    from django.utils import timezone

    from tests.factories import MembershipFactory, SectionFactory
    from workshops.enums import Perspective, Role
    from workshops.services.sessions import session_create

    def make(body):
        professional = MembershipFactory(
            organisation=world.organisation,
            role=Role.CO_TRAINER,
            perspective=Perspective.PROFESSIONAL,
        )
        section = SectionFactory(
            module=world.module, actor=world.co_trainer, title="What behaviour tells us", body=body
        )
        session = session_create(
            workshop=world.workshop,
            title="Writing module one together",
            starts_at=timezone.now(),
            agenda=[world.module],
            facilitator=world.lead,
            actor=world.lead,
        )
        return LiveRoom(
            section=section,
            path=f"/sessions/{session.pk}/sections/{section.pk}/live/",
            carer=world.co_trainer,
            professional=professional,
            lead=world.lead,
        )

    return make
