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


# --- The Content-Security-Policy, enforced ------------------------------------------------------
# Every browser context of the browser tests (conftest.run_in_browser) is watched: a test fails
# when a page reports anything the site's Content-Security-Policy refused.

# How chromium words a refusal on the console ("Refused to apply inline style because it violates
# the following Content Security Policy directive: …"), and the page's own report of one below.
CSP_VIOLATION_WORDS = (
    "refused to",
    "content security policy",
    "content-security-policy",
    "securitypolicyviolation",
)

# Runs in every page before its own scripts (an init script, which the policy does not govern):
# each securitypolicyviolation event is also written to the console, in case the browser's own
# message for it is worded otherwise.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `securitypolicyviolation: ${event.effectiveDirective} refused ` +
      `${event.blockedURI || "(inline)"} at ${event.sourceFile || event.documentURI}:` +
      `${event.lineNumber} (${event.sample || "no sample"})`
  );
}, true);
"""
# The longest a context's closing waits for its pages' last console messages.
_FLUSH_SECONDS = 2


def is_csp_violation(text):
    lowered = text.lower()
    return any(words in lowered for words in CSP_VIOLATION_WORDS)


class CspViolation(AssertionError):
    """A browser test's pages reported something the Content-Security-Policy refused."""

    def __init__(self, violations):
        self.violations = list(violations)
        super().__init__(
            "The Content-Security-Policy refused something on a page:\n"
            + "\n".join(f"  {violation}" for violation in self.violations)
        )


class CspWatch:
    """Collects every Content-Security-Policy violation the watched contexts' pages report, from
    the console and from uncaught errors (a refused eval throws)."""

    def __init__(self):
        self.violations = []

    async def watch(self, context):
        await context.add_init_script(script=_REPORT_VIOLATIONS)
        context.on("console", self._on_console)
        context.on("weberror", self._on_error)
        close = context.close

        async def close_after_flush(**options):
            await _flush_console(context)
            await close(**options)

        # A message sent just before the test closes its context still reaches the watch.
        context.close = close_after_flush

    def _on_console(self, message):
        if is_csp_violation(message.text):
            where = message.page.url if message.page else "(no page)"
            self.violations.append(f"{where}: console {message.type}: {message.text}")

    def _on_error(self, web_error):
        text = str(web_error.error)
        if is_csp_violation(text):
            where = web_error.page.url if web_error.page else "(no page)"
            self.violations.append(f"{where}: uncaught error: {text}")

    def check(self):
        if self.violations:
            raise CspViolation(self.violations)


async def _flush_console(context):
    """One round trip to each open page: the console messages it sent before are in by then."""
    for page in list(context.pages):
        if page.is_closed():
            continue
        with contextlib.suppress(Exception):
            await asyncio.wait_for(page.evaluate("() => 0"), _FLUSH_SECONDS)


class CspWatchedBrowser:
    """A Playwright browser whose every new context is watched by ``watch``. Bypassing the
    policy is refused, except through ``new_context_bypassing_csp``: only for an accessibility
    test that injects axe-core, in a context of its own."""

    def __init__(self, browser, watch):
        self._browser = browser
        self._watch = watch

    async def new_context(self, **options):
        if options.get("bypass_csp"):
            raise AssertionError(
                "Browser tests run with the Content-Security-Policy enforced; only an "
                "accessibility test injecting axe-core may bypass it (new_context_bypassing_csp)."
            )
        context = await self._browser.new_context(**options)
        await self._watch.watch(context)
        return context

    async def new_page(self, **options):
        """A page in a watched context of its own (closed with the browser)."""
        context = await self.new_context(**options)
        return await context.new_page()

    async def new_context_bypassing_csp(self, **options):
        """For an accessibility test that injects axe-core (an inline script) only."""
        return await self._browser.new_context(**options, bypass_csp=True)

    async def flush(self):
        for context in self._browser.contexts:
            await _flush_console(context)

    def __getattr__(self, name):
        return getattr(self._browser, name)


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


# --- The keyboard alone -------------------------------------------------------------------------

# The focused element's accessible name, near enough to what a screen reader says: aria-label,
# then aria-labelledby, then its <label>s, then its text (visually hidden words included), then
# its value, title or placeholder; with its role, so a failure says what each Tab stop was.
_FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return {name: "", role: "(the page)"};
  const clean = (text) => (text || "").replace(/\\s+/g, " ").trim();
  const byIds = (ids) => ids.split(/\\s+/).map((id) => document.getElementById(id))
    .filter(Boolean).map((label) => label.textContent).join(" ");
  const labelled = element.getAttribute("aria-labelledby");
  const name = clean(element.getAttribute("aria-label"))
    || clean(labelled && byIds(labelled))
    || clean(element.labels && [...element.labels].map((label) => label.textContent).join(" "))
    || clean(["INPUT", "SELECT", "TEXTAREA"].includes(element.tagName) ? "" : element.textContent)
    || clean(element.value) || clean(element.title) || clean(element.placeholder);
  const role = element.getAttribute("role") || element.type || element.tagName.toLowerCase();
  return {name, role};
}"""


async def focused(page):
    """{"name": accessible name, "role": role} of the element with keyboard focus."""
    return await page.evaluate(_FOCUSED)


def _name_matches(name, wanted):
    if isinstance(wanted, str):
        return name == wanted
    return wanted.search(name) is not None


async def tab_to(page, name, limit=60, key="Tab"):
    """Press Tab (or ``key``, e.g. Shift+Tab or ArrowDown) until the focused element's accessible
    name is ``name`` (a string, exactly, or a compiled pattern, searched); fails listing every
    stop it passed. Returns how many presses it took (none if the element has focus already, as
    a field with autofocus does)."""
    if _name_matches((await focused(page))["name"], name):
        return 0
    passed = []
    for presses in range(1, limit + 1):
        await page.keyboard.press(key)
        now = await focused(page)
        if _name_matches(now["name"], name):
            return presses
        passed.append(f"{now['role']} {now['name']!r}")
    raise AssertionError(
        f"{limit} presses of {key} on {page.url} did not reach {name!r}; passed:\n  "
        + "\n  ".join(passed)
    )


async def open_section_actions(page, section_pk):
    """Open the "Actions for …" menu of a section on the module page; its locator."""
    menu = page.locator(f"#section-{section_pk} details.section-actions")
    if await menu.get_attribute("open") is None:
        await menu.locator("summary").click()
    return menu


async def focus_is_visible(page):
    """Whether focus shows: the focused element, or a box around it (an editor's frame), looks
    different with focus than without it (an outline, a ring, a border or a background). Focus
    is given back afterwards."""
    return await page.evaluate(
        """() => {
          const element = document.activeElement;
          const boxes = [element];
          while (boxes.length < 6 && boxes.at(-1).parentElement) {
            boxes.push(boxes.at(-1).parentElement);
          }
          const look = () => boxes.map((box) => {
            const style = getComputedStyle(box);
            return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow,
              style.borderColor, style.backgroundColor].join(" ");
          }).join("|");
          const focused = look();
          element.blur();
          const unfocused = look();
          element.focus();
          return focused !== unfocused;
        }"""
    )
