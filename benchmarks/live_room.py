"""Live co-design room under load: 20 people in one section, over real websockets.

Run from the project root:

    .venv/bin/python benchmarks/live_room.py [--people 20] [--edits 200] \
        [--append docs/performance.md]

Creates a throwaway PostgreSQL database, coprod_bench_live, on the server DATABASE_URL names
(postgres://postgres@127.0.0.1:5432 when it names none), migrates it and fills it: an
organisation with a lead, the co-trainers (invited and accepted through the member services,
half family carers and half professionals), a workshop, a module with the section to write and
a few more, and a co-design session with the module on its agenda (content services). Each
co-trainer is signed in by a session made the way ``django.contrib.auth.login`` makes one.

Then it starts the real ASGI application with daphne on a free loopback port (DEBUG off,
ALLOWED_HOSTS=127.0.0.1, in-memory channel layer: one process, as deployed without Redis) and
connects one websocket client per co-trainer (the ``websockets`` package; each client holds a
pycrdt document and speaks y-websocket: sync step 1 and 2 both ways, then updates).

Measured:
(a) in turn: ``--edits`` short insertions, each by a random client at a random word boundary,
    one after the other: the next is sent once every other client has the last. Each insertion
    carries a unique marker; its latency to each of the other clients is from just before the
    sender's ``send`` to when that client's document first contains the marker (so it includes
    the server, the loopback network, and the receiving client applying the update).
(b) together: the same number of insertions again, sent at ``--rate`` per second across the
    room without waiting (everyone typing at once), latency measured the same way.
(c) memory: resident set size (VmRSS from /proc, no tracemalloc or other instrumentation in the
    server) of the daphne process after a warm-up room has opened and closed, with the
    20-client room open, after the edits, and after ``--extra-rooms`` more rooms with one client
    each (the marginal cost of a room).

Finally everyone leaves, the room writes back, and the script checks that the saved section holds
every marker exactly once. Bounded: ``--time-limit`` seconds for the whole run; daphne is stopped
and the database dropped at the end, also when something fails. Loopback only.
"""

import argparse
import asyncio
import contextlib
import importlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import common

DATABASE_NAME = "coprod_bench_live"
os.environ["DATABASE_URL"] = common.database_url(DATABASE_NAME)
os.environ["DEBUG"] = "0"
os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
os.environ["EMAIL_URL"] = "locmem://"  # invitations send email; keep it in memory
os.environ.setdefault("LOG_LEVEL", "WARNING")
# One process with the in-memory channel layer, and tasks in-process: no Redis.
for _name in ("REDIS_URL", "CELERY_BROKER_URL"):
    os.environ.pop(_name, None)
common.setup_django()

import websockets  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402
from pycrdt import (  # noqa: E402
    Doc,
    Text,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

from workshops.enums import (  # noqa: E402
    OrganisationKind,
    Perspective,
    Role,
    SectionAudience,
    SectionKind,
)
from workshops.live.rooms import SYNC, TEXT_NAME  # noqa: E402
from workshops.models import Membership, Organisation, Section, User  # noqa: E402
from workshops.services.content import module_create, section_create, workshop_create  # noqa: E402
from workshops.services.members import invitation_accept, invitation_create  # noqa: E402
from workshops.services.sessions import session_create  # noqa: E402

SEED = 20260512
TARGET_P95_MS = 150
BODY = (
    "Behaviour that challenges often tells us that something is not right for the child. "
    "We start by noticing what happens just before the behaviour and what happens just after "
    "it. Family carers know their child best: their observations are where a plan begins. "
    "Mae'r plentyn yn dweud rhywbeth wrthym ni, ŵ ŷ."
)


# Set-up (synchronous, in this process)


def fill(*, people, extra_rooms):
    organisation = Organisation.objects.create(
        name="Benchmark live co-design", kind=OrganisationKind.CHARITY
    )
    lead_user = User.objects.create_user(
        "lead@bench.example", "bench-password", full_name="Bench Lead", first_name="Bench"
    )
    lead = Membership.objects.create(
        user=lead_user,
        organisation=organisation,
        role=Role.LEAD,
        perspective=Perspective.PROFESSIONAL,
    )
    members = []
    for index in range(people):
        invitation = invitation_create(
            organisation=organisation,
            email=f"cotrainer{index}@bench.example",
            role=Role.CO_TRAINER,
            perspective=Perspective.FAMILY_CARER if index % 2 == 0 else Perspective.PROFESSIONAL,
            actor=lead,
        )
        members.append(
            invitation_accept(
                invitation=invitation,
                full_name=f"Co-trainer {index}",
                first_name=f"Co{index}",
                password="bench-password",
            )
        )
    workshop = workshop_create(
        organisation=organisation, title="Understanding behaviour", actor=lead
    )
    module = module_create(workshop=workshop, title="What behaviour tells us", actor=lead)

    def new_section(title):
        return section_create(
            module=module,
            title=title,
            body=BODY,
            kind=SectionKind.EXPLANATION,
            audience=SectionAudience.EVERYONE,
            actor=lead,
        )

    section = new_section("Written together")
    warmup = new_section("Warm-up")
    extras = [new_section(f"Extra room {n}") for n in range(extra_rooms)]
    session = session_create(
        workshop=workshop,
        title="Benchmark session",
        starts_at=timezone.now(),
        agenda=[module],
        facilitator=lead,
        actor=lead,
    )
    cookies = [session_cookie(member.user) for member in members]
    return session, section, warmup, extras, cookies


def session_cookie(user):
    """A signed-in session, as ``login()`` stores one; the cookie a browser would send."""
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The backend that signs people in (the permission backend of ``rules`` does not).
    store[BACKEND_SESSION_KEY] = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user")
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


# The server


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_daphne(port, log):
    command = [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "-v",
        "0",
        "coprod.asgi:application",
    ]
    env = {**os.environ, "PYTHONPATH": str(common.REPO_ROOT)}
    process = subprocess.Popen(
        command, cwd=common.REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("daphne did not start listening within 30 s")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# The clients


class Deliveries:
    """Which clients still wait for which marker, and the latencies seen so far."""

    def __init__(self):
        self.pending = {}  # marker -> [sent_at, remaining receivers, event]
        self.latencies = []

    def expect(self, marker, receivers):
        event = asyncio.Event()
        self.pending[marker] = [None, set(receivers), event]
        for client in receivers:
            client.expected.add(marker)
        return event

    def sent(self, marker, at):
        self.pending[marker][0] = at

    def arrived(self, marker, client, at):
        entry = self.pending[marker]
        entry[1].discard(client)
        self.latencies.append((at - entry[0]) * 1000)
        if not entry[1]:
            entry[2].set()


class LiveClient:
    def __init__(self, name, uri, cookie, origin, deliveries):
        self.name = name
        self.uri, self.cookie, self.origin = uri, cookie, origin
        self.deliveries = deliveries
        self.doc = Doc()
        self.ytext = self.doc.get(TEXT_NAME, type=Text)
        self.expected = set()
        self.websocket = None
        self.reader = None

    @property
    def text(self):
        return str(self.ytext)

    async def open(self):
        self.websocket = await websockets.connect(
            self.uri,
            origin=self.origin,
            additional_headers={"Cookie": self.cookie},
            open_timeout=10,
            close_timeout=5,
            max_size=2**22,
            compression=None,  # browsers' y-websocket frames are small; as most deployments
        )
        self.reader = asyncio.create_task(self._read())
        await self.websocket.send(create_sync_message(self.doc))

    async def _read(self):
        async for message in self.websocket:
            if isinstance(message, str) or not message or message[0] != SYNC:
                continue
            reply = handle_sync_message(message[1:], self.doc)
            if reply:
                await self.websocket.send(reply)
            if self.expected:
                now = time.perf_counter()
                text = self.text
                for marker in [m for m in self.expected if m in text]:
                    self.expected.discard(marker)
                    self.deliveries.arrived(marker, self, now)

    async def insert(self, rng, marker):
        """Type `` marker`` at a random word boundary; send it as a browser would."""
        text = self.text
        boundaries = [i for i, c in enumerate(text) if c == " "] + [len(text)]
        at = rng.choice(boundaries)
        before = self.doc.get_state()
        self.ytext.insert(len(text[:at].encode()), f" {marker}")
        update = self.doc.get_update(before)
        self.deliveries.sent(marker, time.perf_counter())
        await self.websocket.send(create_update_message(update))

    async def close(self):
        await self.websocket.close()
        await asyncio.gather(self.reader, return_exceptions=True)


async def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def open_room(clients):
    await asyncio.gather(*(client.open() for client in clients))
    await wait_until(lambda: all(client.text == BODY for client in clients), 30, "everyone to sync")


def summary(latencies):
    return {
        "count": len(latencies),
        "p50": common.percentile(latencies, 0.5),
        "p95": common.percentile(latencies, 0.95),
        "p99": common.percentile(latencies, 0.99),
        "max": max(latencies),
        "mean": statistics.mean(latencies),
    }


async def measure(args, port, pid, session, section, warmup, extras, cookies):
    rng = random.Random(SEED)
    results = {"load_before": os.getloadavg()[0]}
    base = f"ws://127.0.0.1:{port}/ws/live/sessions/{session.pk}/sections"
    origin = f"http://127.0.0.1:{port}"

    # Warm-up: one room opened, typed in and closed, so code, connections and caches are loaded.
    warm = LiveClient("warm", f"{base}/{warmup.pk}", cookies[0], origin, Deliveries())
    await open_room([warm])
    warm.deliveries.expect("warmupmarker", [])
    await warm.insert(rng, "warmupmarker")
    await warm.close()
    await asyncio.sleep(1.0)
    results["rss_idle"] = rss_kib(pid)

    deliveries = Deliveries()
    clients = [
        LiveClient(f"c{n}", f"{base}/{section.pk}", cookie, origin, deliveries)
        for n, cookie in enumerate(cookies)
    ]
    started = time.perf_counter()
    await open_room(clients)
    results["join_seconds"] = time.perf_counter() - started
    await asyncio.sleep(1.0)
    results["rss_room"] = rss_kib(pid)

    markers = []

    # (a) In turn.
    cpu_server, cpu_client, wall = cpu_seconds(pid), time.process_time(), time.perf_counter()
    missed = 0
    for index in range(args.edits):
        sender = rng.choice(clients)
        marker = f"m{index:04d}q"
        markers.append(marker)
        done = deliveries.expect(marker, [c for c in clients if c is not sender])
        await sender.insert(rng, marker)
        try:
            await asyncio.wait_for(done.wait(), 5)
        except TimeoutError:
            missed += 1
    results["turn"] = summary(deliveries.latencies)
    results["turn_missed"] = missed
    results["turn_cpu"] = (
        cpu_seconds(pid) - cpu_server,
        time.process_time() - cpu_client,
        time.perf_counter() - wall,
    )

    # (b) Together, at a fixed rate across the room.
    deliveries.latencies = []
    events = []
    cpu_server, cpu_client, wall = cpu_seconds(pid), time.process_time(), time.perf_counter()
    interval = 1 / args.rate
    next_at = time.perf_counter()
    for index in range(args.edits, 2 * args.edits):
        sender = rng.choice(clients)
        marker = f"m{index:04d}q"
        markers.append(marker)
        events.append(deliveries.expect(marker, [c for c in clients if c is not sender]))
        await sender.insert(rng, marker)
        next_at += interval
        await asyncio.sleep(max(0, next_at - time.perf_counter()))
    waited = asyncio.gather(*(event.wait() for event in events))
    with contextlib.suppress(TimeoutError):  # counted below as missing
        await asyncio.wait_for(waited, 15)
    results["together"] = summary(deliveries.latencies)
    results["together_missed"] = sum(1 for event in events if not event.is_set())
    results["together_cpu"] = (
        cpu_seconds(pid) - cpu_server,
        time.process_time() - cpu_client,
        time.perf_counter() - wall,
    )

    texts = {client.text for client in clients}
    results["converged"] = len(texts) == 1
    results["doc_bytes"] = len(clients[0].doc.get_update())
    results["text_chars"] = len(clients[0].text)
    await asyncio.sleep(1.0)
    results["rss_room_edited"] = rss_kib(pid)

    # (c) More rooms, one client each: the marginal cost of a room.
    extra_clients = [
        LiveClient(f"x{n}", f"{base}/{extra.pk}", cookies[n % len(cookies)], origin, Deliveries())
        for n, extra in enumerate(extras)
    ]
    for client in extra_clients:
        await open_room([client])
    await asyncio.sleep(1.0)
    results["rss_extra"] = rss_kib(pid)

    for client in extra_clients:
        await client.close()
    for client in clients:
        await client.close()
    results["markers"] = markers
    results["load_after"] = os.getloadavg()[0]
    return results


def written_back(section, markers, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = Section.objects.get(pk=section.pk)
        if current.version > section.version and all(m in current.body for m in markers):
            return current
        time.sleep(0.2)
    return Section.objects.get(pk=section.pk)


def report(args, results, saved_ok, machine):
    turn, together = results["turn"], results["together"]
    mib = 1024
    room = results["rss_room"] - results["rss_idle"]
    edited = results["rss_room_edited"] - results["rss_idle"]
    extra = (results["rss_extra"] - results["rss_room_edited"]) / max(1, args.extra_rooms)
    verdict = "met" if turn["p95"] < TARGET_P95_MS else "NOT met"

    def cpu(label, figures):
        server, client, wall = figures
        return (
            f"{label}: {wall:.1f} s wall; CPU {server:.1f} s in daphne, "
            f"{client:.1f} s in the {args.people} clients' process"
        )

    lines = [
        "## Live co-design rooms",
        "",
        f"{args.people} co-trainers in one section's live room, each a websocket client with a "
        "pycrdt document speaking y-websocket to the real ASGI app under daphne (one process, "
        "in-memory channel layer, DEBUG off), all on loopback. Latency is from just before the "
        "sender's `send` to the moment each of the other clients' documents contains the "
        "insertion's unique marker; it includes the server, the network stack and the receiving "
        "client applying the update, with the clients in one Python process on the same machine.",
        "",
        "```",
        f".venv/bin/python benchmarks/live_room.py --people {args.people} "
        f"--edits {args.edits} --rate {args.rate:g} --extra-rooms {args.extra_rooms}",
        "```",
        "",
        "| measure | figure |",
        "|---|---|",
        f"| in turn: {args.edits} insertions, each to {args.people - 1} others "
        f"({turn['count']} deliveries) | p50 {turn['p50']:.1f} ms, **p95 {turn['p95']:.1f} ms**, "
        f"p99 {turn['p99']:.1f} ms, max {turn['max']:.1f} ms |",
        f"| together: {args.edits} insertions at {args.rate:g}/s across the room "
        f"({together['count']} deliveries) | p50 {together['p50']:.1f} ms, "
        f"p95 {together['p95']:.1f} ms, p99 {together['p99']:.1f} ms, "
        f"max {together['max']:.1f} ms |",
        f"| target p95 < {TARGET_P95_MS} ms (in turn) | {verdict} |",
        f"| deliveries missing after 5 s / 15 s | {results['turn_missed']} / "
        f"{results['together_missed']} |",
        f"| all clients converged; saved section holds every marker once | "
        f"{'yes' if results['converged'] else 'NO'}; {'yes' if saved_ok else 'NO'} |",
        f"| {args.people} clients joining and syncing at once | "
        f"{results['join_seconds'] * 1000:.0f} ms |",
        f"| daphne RSS, idle after a warm-up room | {results['rss_idle'] / mib:.1f} MiB |",
        f"| + the room open with {args.people} clients, before edits | "
        f"+{room / mib:.2f} MiB (≈ {room / args.people:.0f} KiB per connection) |",
        f"| + after {2 * args.edits} insertions (text {results['text_chars']} chars, "
        f"CRDT state {results['doc_bytes'] / 1024:.1f} KiB) | +{edited / mib:.2f} MiB |",
        f"| each further room with one client ({args.extra_rooms} opened) | ≈ {extra:.0f} KiB |",
        "",
        cpu("In turn", results["turn_cpu"]) + ". " + cpu("Together", results["together_cpu"]) + ".",
        "",
        "Memory is the daphne process's resident set size (VmRSS from /proc) with no tracemalloc "
        "or other instrumentation in the server. It is coarse: Python and the C allocator keep "
        "freed memory, grow in arenas, and per-connection buffers (Twisted, autobahn, the consumer "
        "and its channel-layer queue) are counted with the room's pycrdt document, so the figures "
        "are the cost of a room as the process sees it, not of the document alone.",
        "",
        f"Machine: {machine}, Django {version('django')}, channels {version('channels')}, "
        f"daphne {version('daphne')}, pycrdt {version('pycrdt')}, "
        f"websockets {version('websockets')} (client). Run on {timezone.now():%Y-%m-%d}; "
        f"1-minute load average {results['load_before']:.1f} before and "
        f"{results['load_after']:.1f} after (the machine was shared with other work: with "
        "more runnable processes than CPUs, tail latencies grow).",
        "",
    ]
    return "\n".join(lines)


def append_section(path, text):
    """Append only: others write other sections of the same file."""
    path = Path(path)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if not existing.strip():
        prefix = "# Performance\n\n"
    elif existing.endswith("\n\n"):
        prefix = ""
    elif existing.endswith("\n"):
        prefix = "\n"
    else:
        prefix = "\n\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(prefix + text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--edits", type=int, default=200, help="insertions per phase")
    parser.add_argument("--rate", type=float, default=40, help="insertions per second, together")
    parser.add_argument("--extra-rooms", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=300, help="seconds for the run")
    parser.add_argument("--append", metavar="FILE", help="append the results section to FILE")
    args = parser.parse_args()
    if not 2 <= args.people <= 50 or not 1 <= args.edits <= 2000 or not 0 <= args.extra_rooms <= 50:
        sys.exit("Keep to 2-50 people, 1-2000 edits and 0-50 extra rooms.")
    if settings.DEBUG:
        sys.exit("Run with DEBUG off.")

    database = common.create_database()
    daphne = None
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    try:
        machine = common.machine(model_in_brackets=True)
        session, section, warmup, extras, cookies = fill(
            people=args.people, extra_rooms=args.extra_rooms
        )
        connection.close()  # daphne has the database to itself while measuring
        port = free_port()
        daphne = start_daphne(port, log)
        try:
            results = asyncio.run(
                asyncio.wait_for(
                    measure(args, port, daphne.pid, session, section, warmup, extras, cookies),
                    args.time_limit,
                )
            )
        except BaseException:
            log.seek(0)
            print(log.read().decode(errors="replace")[-4000:], file=sys.stderr)
            raise
        saved = written_back(section, results["markers"])
        saved_ok = all(saved.body.count(m) == 1 for m in results["markers"])
    finally:
        if daphne is not None:
            stop(daphne)
        common.drop_database(database)
        log.close()

    text = report(args, results, saved_ok, machine)
    print(text)
    if args.append:
        append_section(args.append, text)
        print(f"Appended to {args.append}.")


if __name__ == "__main__":
    main()
