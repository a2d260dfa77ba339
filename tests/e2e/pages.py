"""What a person does in the browser, as small async helpers (Playwright's async API).

No ORM in here: these run inside an event loop, where Django refuses database calls.
"""

import asyncio
import contextlib
import os
import time

from tests.factories import PASSWORD


def _wait_seconds():
    value = os.environ.get("E2E_WAIT_SECONDS", "30")
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if not 0 < seconds < float("inf"):
        raise ValueError(f"E2E_WAIT_SECONDS must be a number of seconds above 0, not {value!r}")
    return seconds


# The limit for any single wait in the browser tests (on a page, for the browsers to agree, for
# the live rooms to write back and close): 30 s, or E2E_WAIT_SECONDS on a slow machine.
WAIT_SECONDS = _wait_seconds()
WAIT_MS = int(WAIT_SECONDS * 1000)
# Milliseconds between key presses: a quick typist, and slow enough to interleave with others.
TYPING_DELAY_MS = 30

_LIVE_READY = """() => {
  const live = window.coprodLive && window.coprodLive.instances[0];
  return Boolean(live && live.synced && live.status === "connected");
}"""


async def sign_in(browser, base_url, email, password=PASSWORD):
    """A new browser context, signed in by posting the login page's form; (context, page)."""
    context = await browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    await page.goto("/accounts/login/")
    await page.fill("#id_username", email)
    await page.fill("#id_password", password)
    async with page.expect_navigation():
        await page.click("main form button[type=submit]")
    assert "/accounts/login/" not in page.url, f"Signing in as {email} did not work"
    return context, page


async def open_live(page, path):
    """Open a live section page and wait until its editor has the room's text."""
    await page.goto(path)
    await page.wait_for_function(_LIVE_READY, timeout=WAIT_MS)
    await page.locator('#live-status[data-live-status="connected"]').wait_for()


async def live_text(page):
    return await page.evaluate("() => window.coprodLive.instances[0].text()")


async def cursor_to_line_end(page, line_number):
    """Focus the editor with the cursor at the end of the document's ``line_number`` (from 1)."""
    await page.evaluate(
        """(lineNumber) => {
          const view = window.coprodLive.instances[0].view;
          view.focus();
          view.dispatch({selection: {anchor: view.state.doc.line(lineNumber).to}});
        }""",
        line_number,
    )


async def type_at_line_end(page, line_number, text):
    await cursor_to_line_end(page, line_number)
    await page.keyboard.type(text, delay=TYPING_DELAY_MS)


async def wait_for_same_text(pages, phrases, timeout=WAIT_SECONDS):
    """Until every page's live text is the same and holds every phrase; that text."""
    deadline = time.monotonic() + timeout
    while True:
        texts = [await live_text(page) for page in pages]
        if len(set(texts)) == 1 and all(phrase in texts[0] for phrase in phrases):
            return texts[0]
        if time.monotonic() > deadline:
            raise AssertionError(
                f"The browsers did not agree on a text holding {phrases} in {timeout} s: {texts}"
            )
        await asyncio.sleep(0.1)


async def close_all(*contexts):
    for context in contexts:
        with contextlib.suppress(Exception):
            await context.close()
