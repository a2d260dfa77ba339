"""Two people write in one live room while its two websocket processes restart one after the other.

The trial a new user would make on the local stack, scripted so that it can be repeated:

1. ``PORT=<free> scripts/run-stack --demo`` starts the whole stack (its own PostgreSQL cluster
   and Redis, gunicorn, two daphne processes ws-1 and ws-2 behind nginx, the Celery worker).
2. Two headless chromium pages (Debian's /usr/bin/chromium through Playwright) sign in through
   the sign-in page as two demo people of Riverside: Sam Carter (family carer) and Tom Fletcher
   (professional). Sam schedules a co-design session with the first module on its agenda on the
   workshop's sessions page; both open the live editor of the section the session page links to
   first.
3. Each types distinct marker words, one every 300 ms (Sam ``sm001``, ``sm002``, … at the end of
   the first line, Tom ``tm001``, … at the end of the last), while ws-1 is killed (``kill`` of
   the pid in ws-1.pid), comes back and answers again, and then ws-2 the same; typing goes on
   throughout and for a few seconds after.
4. Both pages must show they reconnected (#live-status); they close; the script polls the
   stack's database until the section has stopped changing and no LiveUpdate rows are left.
5. Checks: every marker in the section exactly once; nothing of the original text doubled; no
   version in the section's history with doubled text; every marker credited to whoever typed
   it and every original word still to its author; no "Traceback" in the ws logs; what the
   pages' consoles said (errors, Content-Security-Policy refusals).

The stack is stopped with SIGINT to its process group (as Ctrl+C would), bounded, and the script
checks that nothing of it is left running. Its logs are copied first to a folder the script
prints, since the stack removes its own folder when interrupted.

    .venv/bin/python benchmarks/live_restart_trial.py [--port N] [--type-after 5]

Exit status 0 if every check held, 1 otherwise.
"""

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from workshops.attribution import attributed_words, words  # noqa: E402  (pure functions)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
PASSWORD = "coprod-demo-2026"
RIVERSIDE = "Riverside Children's Learning Disability Service"
CARER = ("sam.carer@example.org", "sm")  # family carer
PROFESSIONAL = ("tom.nurse@example.org", "tm")  # professional
MARKER = re.compile(r"^(sm|tm)\d{3}$")

TYPE_EVERY_SECONDS = 0.3
KEY_DELAY_MS = 25
BEFORE_FIRST_KILL_SECONDS = 4
BETWEEN_RESTARTS_SECONDS = 3
STACK_START_SECONDS = 300
PROCESS_BACK_SECONDS = 60
WAIT_SECONDS = 30
WRITE_BACK_SECONDS = 90
QUIET_SECONDS = 8  # longer than the room's idle write-back (hub.IDLE_SECONDS, 5 s)
STOP_SECONDS = 60

# Every change of #live-status (its data-live-status, data-live-note and text), with the time,
# kept in the page; an init script, which the Content-Security-Policy does not govern.
STATUS_WATCH = """
window.__liveStatusLog = [];
document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("live-status");
  if (!element) return;
  const record = () => {
    const entry = {
      at: Date.now(),
      status: element.dataset.liveStatus || "",
      note: element.dataset.liveNote || "",
      text: element.textContent.trim(),
    };
    const log = window.__liveStatusLog;
    const last = log[log.length - 1];
    const same = last && last.status === entry.status && last.note === entry.note &&
      last.text === entry.text;
    if (!same) log.push(entry);
  };
  record();
  new MutationObserver(record).observe(element, {
    attributes: true, childList: true, characterData: true, subtree: true,
  });
});
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `securitypolicyviolation: ${event.effectiveDirective} refused ` +
      `${event.blockedURI || "(inline)"} at ${event.sourceFile || event.documentURI}:` +
      `${event.lineNumber}`
  );
}, true);
"""

LIVE_READY = """() => {
  const live = window.coprodLive && window.coprodLive.instances[0];
  return Boolean(live && live.synced && live.status === "connected");
}"""

# Puts the cursor at the end of line 1 ("first") or of the last line ("last") and focuses.
CURSOR_TO = """(where) => {
  const view = window.coprodLive.instances[0].view;
  view.focus();
  const doc = view.state.doc;
  const line = where === "first" ? doc.line(1) : doc.line(doc.lines);
  view.dispatch({selection: {anchor: line.to}});
}"""


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_status(url, timeout=2):
    """The HTTP status a URL answers with, or None if nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- The stack ---------------------------------------------------------------------------------


class Stack:
    def __init__(self, port, keep_dir):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.keep_dir = keep_dir
        self.output_path = keep_dir / "run-stack.out"
        self.process = None
        self.run_dir = None

    def start(self):
        self.output = self.output_path.open("wb")
        self.process = subprocess.Popen(
            ["scripts/run-stack", "--demo"],
            cwd=REPO_ROOT,
            env={**os.environ, "PORT": str(self.port)},
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, for SIGINT at the end
        )
        self.pgid = self.process.pid
        deadline = time.monotonic() + STACK_START_SECONDS
        while True:
            text = self.output_path.read_text(errors="replace")
            found = re.search(r"Logs and data for this run: (\S+)", text)
            if found:
                self.run_dir = Path(found.group(1))
            if "coprod is running at" in text:
                break
            if self.process.poll() is not None:
                raise RuntimeError(f"scripts/run-stack stopped while starting:\n{text[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the stack did not start in {STACK_START_SECONDS} s")
            time.sleep(0.5)
        log(f"stack up at {self.url}; run folder {self.run_dir}")

    def ws_pid(self, name):
        try:
            return int((self.run_dir / f"{name}.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def ws_port(self, name):
        return int((self.run_dir / f"{name}.port").read_text().strip())

    def pg_port(self):
        # postmaster.pid: line 4 is the port.
        return int((self.run_dir / "postgres" / "postmaster.pid").read_text().splitlines()[3])

    def copy_logs(self):
        target = self.keep_dir / "logs"
        target.mkdir(exist_ok=True)
        for path in self.run_dir.glob("*.log"):
            shutil.copy(path, target / path.name)
        pg_log = self.run_dir / "postgres" / "postgres.log"
        if pg_log.exists():
            shutil.copy(pg_log, target / "postgres.log")
        return target

    def ports(self):
        """Every port the stack listens on (for the leftover check)."""
        ports = {self.port}
        with contextlib.suppress(Exception):
            ports |= {self.ws_port("ws-1"), self.ws_port("ws-2"), self.pg_port()}
        with contextlib.suppress(Exception):
            conf = (self.run_dir / "nginx-site.conf").read_text()
            ports |= {int(p) for p in re.findall(r"server 127\.0\.0\.1:(\d+)", conf)}
        return ports

    def stop(self):
        """SIGINT to the stack's process group, as Ctrl+C would; SIGKILL after STOP_SECONDS."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signal.SIGINT)
        try:
            self.process.wait(timeout=STOP_SECONDS)
            killed = False
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pgid, signal.SIGKILL)
            self.process.wait(timeout=10)
            killed = True
        self.output.close()
        return killed


def leftovers(stack, ports):
    """Processes of the stack still running: in its process group, or naming its run folder or
    one of its ports on their command line (the PostgreSQL cluster, nginx, redis-server…)."""
    found = []
    needles = [str(stack.run_dir)] + [f"--port {p}" for p in ports] + [f":{p}" for p in ports]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            pgid = os.getpgid(int(entry.name))
        except (OSError, ProcessLookupError):
            continue
        if not cmdline:  # exited, not yet reaped by its parent (a zombie has no command line)
            continue
        if pgid == stack.pgid or any(needle in cmdline for needle in needles):
            found.append(f"{entry.name}: {cmdline[:160]}")
    return found


def restart(stack, name, events):
    """``kill`` the daphne in NAME.pid; wait until another is there and its port answers."""
    old = stack.ws_pid(name)
    port = stack.ws_port(name)
    killed_at = time.monotonic()
    os.kill(old, signal.SIGTERM)
    events.append((time.time(), f"kill {name} (pid {old}, port {port})"))
    deadline = killed_at + PROCESS_BACK_SECONDS
    gone = None
    while True:
        if gone is None and not pid_alive(old):
            gone = time.monotonic() - killed_at
            events.append((time.time(), f"{name}: pid {old} has exited"))
        new = stack.ws_pid(name)
        if new and new != old and pid_alive(new):
            status = http_status(f"http://127.0.0.1:{port}/healthz")
            if status is not None:
                took = time.monotonic() - killed_at
                events.append((time.time(), f"{name} back: pid {new}, /healthz {status}"))
                return {
                    "name": name,
                    "old": old,
                    "new": new,
                    "healthz": status,
                    "took": took,
                    "gone": gone,
                }
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer again within {PROCESS_BACK_SECONDS} s")
        time.sleep(0.1)


# --- The database ------------------------------------------------------------------------------


class Database:
    def __init__(self, port):
        import psycopg

        self.connection = psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{port}/coprod", autocommit=True
        )

    def rows(self, sql, *params):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def one(self, sql, *params):
        rows = self.rows(sql, *params)
        return rows[0] if rows else None

    def membership(self, email):
        return self.one(
            "SELECT m.id FROM workshops_membership m JOIN workshops_user u ON u.id = m.user_id"
            " JOIN workshops_organisation o ON o.id = m.organisation_id"
            " WHERE u.email = %s AND o.name = %s",
            email,
            RIVERSIDE,
        )[0]

    def workshop(self):
        return self.one(
            "SELECT w.id FROM workshops_workshop w"
            " JOIN workshops_organisation o ON o.id = w.organisation_id"
            " WHERE o.name = %s AND EXISTS (SELECT 1 FROM workshops_module m"
            " WHERE m.workshop_id = w.id) ORDER BY w.id LIMIT 1",
            RIVERSIDE,
        )[0]

    def section(self, section_id):
        body, attribution, version = self.one(
            "SELECT body, attribution, version FROM workshops_section WHERE id = %s", section_id
        )
        return body, attribution, version

    def pending_updates(self, section_id):
        return self.one(
            "SELECT count(*) FROM workshops_liveupdate WHERE section_id = %s", section_id
        )[0]

    def revisions(self, section_id):
        return self.rows(
            "SELECT version, body, attribution, author_id FROM workshops_sectionrevision"
            " WHERE section_id = %s ORDER BY version",
            section_id,
        )


# --- The browsers ------------------------------------------------------------------------------


class Console:
    """What the pages said on their consoles, and uncaught errors."""

    def __init__(self):
        self.entries = []

    def watch(self, context, who):
        def on_console(message):
            if message.type in ("error", "warning"):
                self.entries.append((time.time(), who, f"console {message.type}", message.text))

        def on_error(web_error):
            self.entries.append((time.time(), who, "uncaught", str(web_error.error)))

        def on_response(response):
            if response.status >= 400:
                self.entries.append((time.time(), who, f"HTTP {response.status}", response.url))

        context.on("console", on_console)
        context.on("weberror", on_error)
        context.on("response", on_response)

    def csp(self):
        words_ = ("content security policy", "content-security-policy", "securitypolicyviolation")
        return [e for e in self.entries if any(w in e[3].lower() for w in words_)]


async def sign_in(browser, stack, email, console):
    context = await browser.new_context(base_url=stack.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_SECONDS * 1000)
    await context.add_init_script(script=STATUS_WATCH)
    console.watch(context, email.split("@")[0])
    page = await context.new_page()
    await page.goto("/accounts/login/")
    await page.fill("#id_username", email)
    await page.fill("#id_password", PASSWORD)
    async with page.expect_navigation():
        await page.click("main form button[type=submit]")
    if "/accounts/login/" in page.url:
        raise RuntimeError(f"signing in as {email} did not work ({page.url})")
    return context, page


async def schedule_session(page, workshop_id, title):
    """Schedule a session on the workshop's sessions page with its first module on the agenda;
    the session page's path."""
    await page.goto(f"/workshops/{workshop_id}/sessions/")
    await page.fill("#id_title", title)
    await page.fill("#id_starts_at", time.strftime("%Y-%m-%dT%H:%M"))
    await page.locator("input[name=agenda]").first.check()
    async with page.expect_navigation():
        await page.click("main form button[type=submit]")
    await page.goto(f"/workshops/{workshop_id}/sessions/")
    link = page.get_by_role("link", name=title)
    href = await link.first.get_attribute("href")
    if not href:
        raise RuntimeError(f"the scheduled session {title!r} is not listed")
    return href


async def live_text(page):
    return await page.evaluate("() => window.coprodLive.instances[0].text()")


async def status_of(page):
    return await page.evaluate(
        """() => {
          const e = document.getElementById("live-status");
          return {status: e.dataset.liveStatus || "", note: e.dataset.liveNote || "",
                  text: e.textContent.trim()};
        }"""
    )


async def type_markers(page, prefix, where, stop, typed):
    """A marker word every TYPE_EVERY_SECONDS until ``stop`` is set."""
    number = 0
    while not stop.is_set():
        started = time.monotonic()
        number += 1
        marker = f"{prefix}{number:03d}"
        await page.evaluate(CURSOR_TO, where)
        await page.keyboard.type(" " + marker, delay=KEY_DELAY_MS)
        typed.append(marker)
        await asyncio.sleep(max(0, TYPE_EVERY_SECONDS - (time.monotonic() - started)))


async def browse(stack, db, args, console, events):
    from playwright.async_api import async_playwright

    result = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            carer_context, carer = await sign_in(browser, stack, CARER[0], console)
            pro_context, pro = await sign_in(browser, stack, PROFESSIONAL[0], console)
            title = f"Rolling restart trial {time.strftime('%H%M%S')}"
            session_path = await schedule_session(carer, db.workshop(), title)
            await carer.goto(session_path)
            live_link = carer.locator('main a[href*="/live/"]').first
            live_path = await live_link.get_attribute("href")
            result["session_path"], result["live_path"] = session_path, live_path
            section_id = int(re.search(r"/sections/(\d+)/live/", live_path).group(1))
            result["section_id"] = section_id
            result["before"] = db.section(section_id)
            result["revisions_before"] = len(db.revisions(section_id))
            for page in (carer, pro):
                await page.goto(live_path)
                await page.wait_for_function(LIVE_READY, timeout=WAIT_SECONDS * 1000)
            result["opened_text"] = await live_text(carer)
            log(f"both pages in the room of section {section_id} ({live_path})")

            stop = asyncio.Event()
            typed = {"sm": [], "tm": []}
            typists = [
                asyncio.create_task(type_markers(carer, "sm", "first", stop, typed["sm"])),
                asyncio.create_task(type_markers(pro, "tm", "last", stop, typed["tm"])),
            ]
            events.append((time.time(), "typing starts"))
            await asyncio.sleep(BEFORE_FIRST_KILL_SECONDS)
            restarts = []
            for name in ("ws-1", "ws-2"):
                restarts.append(await asyncio.to_thread(restart, stack, name, events))
                log(
                    f"{name}: pid {restarts[-1]['old']} killed, pid {restarts[-1]['new']} "
                    f"answers /healthz {restarts[-1]['healthz']} after {restarts[-1]['took']:.1f} s"
                )
                await asyncio.sleep(BETWEEN_RESTARTS_SECONDS)
            await asyncio.sleep(max(0, args.type_after - BETWEEN_RESTARTS_SECONDS))
            stop.set()
            await asyncio.gather(*typists)
            events.append((time.time(), "typing stops"))
            result["typed"], result["restarts"] = typed, restarts

            # Both connected again, then both showing the same text with every marker.
            deadline = time.monotonic() + WAIT_SECONDS
            while True:
                statuses = [await status_of(page) for page in (carer, pro)]
                if all(s["status"] == "connected" for s in statuses):
                    break
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            result["final_status"] = statuses
            all_markers = typed["sm"] + typed["tm"]
            deadline = time.monotonic() + WAIT_SECONDS
            while True:
                texts = [await live_text(page) for page in (carer, pro)]
                agreed = texts[0] == texts[1] and all(m in texts[0] for m in all_markers)
                if agreed or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            result["pages_agree"] = agreed
            result["page_texts"] = texts
            result["status_logs"] = [
                await page.evaluate("() => window.__liveStatusLog") for page in (carer, pro)
            ]
            for context in (carer_context, pro_context):
                await context.close()
            events.append((time.time(), "pages closed"))
        finally:
            await browser.close()
    return result


# --- The checks --------------------------------------------------------------------------------


def wait_for_write_back(db, section_id):
    """Until the section's body has not changed for QUIET_SECONDS and no LiveUpdate rows are
    left; (seconds waited, settled)."""
    started = time.monotonic()
    last_body, since = None, time.monotonic()
    while time.monotonic() - started < WRITE_BACK_SECONDS:
        body = db.section(section_id)[0]
        if body != last_body:
            last_body, since = body, time.monotonic()
        if db.pending_updates(section_id) == 0 and time.monotonic() - since >= QUIET_SECONDS:
            return time.monotonic() - started, True
        time.sleep(0.5)
    return time.monotonic() - started, False


def check(result, db, carer_id, pro_id, log_dir):
    section_id = result["section_id"]
    original, original_attribution, _version = result["before"]
    body, attribution, version = db.section(section_id)
    failures, notes = [], []
    typed = result["typed"]
    authors = {"sm": carer_id, "tm": pro_id}

    # Every marker once.
    for prefix, markers in typed.items():
        counts = {m: len(re.findall(rf"(?<!\w){m}(?!\w)", body)) for m in markers}
        missing = [m for m, n in counts.items() if n == 0]
        doubled = [m for m, n in counts.items() if n > 1]
        if missing:
            failures.append(
                f"{len(missing)} of {prefix}'s markers missing from the body: {missing}"
            )
        if doubled:
            failures.append(f"{prefix}'s markers more than once in the body: {doubled}")
    strays = sorted(
        {w for w in words(body) if MARKER.match(w)} - set(typed["sm"]) - set(typed["tm"])
    )
    if strays:
        failures.append(f"marker-like words nobody typed: {strays}")

    # The original text, once.
    lines = [line for line in original.splitlines() if line.strip()]

    def doubled_lines(text):
        return [line for line in set(lines) if text.count(line) > original.count(line)]

    def missing_lines(text):
        return [line for line in set(lines) if text.count(line) < original.count(line)]

    if doubled_lines(body):
        failures.append(f"original lines doubled in the body: {doubled_lines(body)[:3]}")
    if missing_lines(body):
        failures.append(f"original lines missing from the body: {missing_lines(body)[:3]}")
    stripped = re.sub(r" (sm|tm)\d{3}", "", body)
    if stripped != original:
        failures.append(
            "the body without the markers is not the original text "
            f"({len(stripped)} against {len(original)} characters)"
        )

    # The history.
    revisions = db.revisions(section_id)
    new_revisions = revisions[result["revisions_before"] :]
    for rev_version, rev_body, _rev_attribution, _author in revisions:
        markers_twice = [
            w for w in set(words(rev_body)) if MARKER.match(w) and words(rev_body).count(w) > 1
        ]
        if markers_twice:
            failures.append(f"version {rev_version} holds markers twice: {sorted(markers_twice)}")
        if doubled_lines(rev_body):
            failures.append(
                f"version {rev_version} holds original lines twice: {doubled_lines(rev_body)[:2]}"
            )
    if not revisions or revisions[-1][0] != version or revisions[-1][1] != body:
        failures.append("the last version in the history is not the section's text")

    # Credit.
    credited = attributed_words(body, attribution)
    if len(credited) != len(words(body)):
        failures.append(f"attribution covers {len(credited)} of {len(words(body))} words")
    wrong = [
        (word, author)
        for word, author in credited
        if MARKER.match(word) and author != authors[word[:2]]
    ]
    if wrong:
        failures.append(f"{len(wrong)} markers credited to the wrong person: {wrong[:10]}")
    original_credit = attributed_words(original, original_attribution)
    kept_credit = [(w, a) for w, a in credited if not MARKER.match(w)]
    if kept_credit != original_credit:
        changed = [
            (i, before, after)
            for i, (before, after) in enumerate(zip(original_credit, kept_credit, strict=False))
            if before != after
        ]
        failures.append(
            f"the original words' credit changed ({len(changed)} words, e.g. {changed[:5]}; "
            f"{len(original_credit)} words before, {len(kept_credit)} after)"
        )

    # The logs.
    nginx_log = log_dir / "nginx-error.log"
    if nginx_log.exists():
        refused = nginx_log.read_text(errors="replace").count("no live upstreams")
        if refused:
            notes.append(f"nginx answered 'no live upstreams' (502) {refused} time(s)")
    for name in ("ws-1.log", "ws-2.log"):
        path = log_dir / name
        if path.exists():
            over = path.read_text(errors="replace").count("over capacity in group")
            if over:
                notes.append(f"{name}: {over} 'channels over capacity in group' lines")
    for name in ("ws-1.log", "ws-2.log", "web.log", "worker.log", "beat.log", "nginx-error.log"):
        path = log_dir / name
        if not path.exists():
            continue
        text = path.read_text(errors="replace")
        tracebacks = text.count("Traceback")
        if tracebacks:
            where = [i + 1 for i, line in enumerate(text.splitlines()) if "Traceback" in line]
            message = f"{name}: {tracebacks} Traceback(s), at lines {where[:10]}"
            (failures if name.startswith("ws-") else notes).append(message)
        if name.startswith("ws-") and "Too many messages" in text:
            failures.append(f"{name}: a connection was closed for too many messages")
    return failures, notes, new_revisions, (body, version)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="nginx's port (a free one if 0)")
    parser.add_argument(
        "--type-after", type=float, default=5, help="seconds of typing after the second restart"
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"Needs Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    keep_dir = Path(tempfile.mkdtemp(prefix="live-restart-trial-"))
    stack = Stack(args.port or free_port(), keep_dir)
    console, events = Console(), []
    failures, notes = [], []
    result = {}
    print(f"Trial output kept in {keep_dir}")
    try:
        stack.start()
        db = Database(stack.pg_port())
        carer_id, pro_id = db.membership(CARER[0]), db.membership(PROFESSIONAL[0])
        result = asyncio.run(browse(stack, db, args, console, events))
        waited, settled = wait_for_write_back(db, result["section_id"])
        log(f"write-back settled after {waited:.1f} s" if settled else "write-back did not settle")
        if not settled:
            failures.append(
                f"the section was still changing, or LiveUpdate rows were left "
                f"({db.pending_updates(result['section_id'])}), after {WRITE_BACK_SECONDS} s"
            )
        log_dir = stack.copy_logs()
        found, found_notes, new_revisions, (body, version) = check(
            result, db, carer_id, pro_id, log_dir
        )
        failures += found
        notes += found_notes
        db.connection.close()
    except Exception as error:
        failures.append(f"the trial stopped: {type(error).__name__}: {error}")
        with contextlib.suppress(Exception):
            stack.copy_logs()
    finally:
        ports = stack.ports() if stack.run_dir else set()
        if stack.process is not None:
            killed = stack.stop()
            if killed:
                failures.append(f"the stack did not stop within {STOP_SECONDS} s of SIGINT")
            time.sleep(1)
            left = leftovers(stack, ports) if stack.run_dir else []
            if left:
                failures.append("left running after the stack stopped: " + "; ".join(left))
            if stack.run_dir and stack.run_dir.exists():
                notes.append(f"the stack's run folder {stack.run_dir} was not removed")

    summarise(result, events, console, failures, notes, keep_dir, locals())
    return 1 if failures else 0


def summarise(result, events, console, failures, notes, keep_dir, scope):
    print()
    print("=== Live rooms through a rolling restart ===")
    if events:
        start = events[0][0]
        for at, what in events:
            print(f"  +{at - start:5.1f} s  {what}")
    if "typed" in result:
        typed = result["typed"]
        print(f"section {result['section_id']} ({result['live_path']})")
        print(
            f"typed: Sam (family carer) {len(typed['sm'])} markers, Tom (professional) "
            f"{len(typed['tm'])} markers"
        )
        for restart_ in result["restarts"]:
            print(
                f"{restart_['name']}: pid {restart_['old']} -> {restart_['new']}, "
                f"answered /healthz {restart_['healthz']} {restart_['took']:.1f} s after the kill"
                f" (the old one had exited after {restart_['gone'] or 0:.1f} s)"
            )
        for who, status_log, final in zip(
            ("Sam", "Tom"), result["status_logs"], result["final_status"], strict=True
        ):
            went = [e["status"] + (f"/{e['note']}" if e["note"] else "") for e in status_log]
            reconnects = sum(
                1
                for before, after in zip(status_log, status_log[1:], strict=False)
                if before["status"] == "reconnecting" and after["status"] == "connected"
            )
            print(f"{who}'s #live-status: {' -> '.join(went)}")
            for before, after in zip(status_log, status_log[1:], strict=False):
                if before["status"] == "reconnecting":
                    print(
                        f"  'Reconnecting…' for {(after['at'] - before['at']) / 1000:.1f} s, "
                        f"then {after['status']}"
                    )
            print(f"  reconnected {reconnects} time(s); at the end: {final['text']!r}")
            if reconnects == 0:
                failures.append(f"{who}'s page never showed a reconnection")
            if final["status"] != "connected":
                failures.append(f"{who}'s page was not connected at the end: {final}")
        print(f"pages showed the same text with every marker: {result['pages_agree']}")
        if not result["pages_agree"]:
            failures.append("the two pages did not agree on a text holding every marker")
        if "new_revisions" in scope:
            print(
                f"versions saved during the trial: "
                f"{[v for v, *_ in scope['new_revisions']]}; section at version {scope['version']}"
            )
    errors = list(console.entries)
    print(f"console errors and warnings: {len(errors)}; CSP refusals: {len(console.csp())}")
    start = events[0][0] if events else 0
    for at, who, kind, text in errors[:30]:
        print(f"  +{at - start:5.1f} s {who} {kind}: {text[:200]}")
    if console.csp():
        failures.append(f"{len(console.csp())} Content-Security-Policy refusals on the pages")
    for note in notes:
        print(f"note: {note}")
    print()
    if failures:
        print("FAILED:")
        for failure in failures:
            print(f"  - {failure}")
    else:
        print(
            "Every check held: each marker once, credited to its typist; original text once; "
            "no doubled version; no Traceback in the ws logs; nothing left running."
        )
    print(f"Logs: {keep_dir}")


if __name__ == "__main__":
    sys.exit(main())
