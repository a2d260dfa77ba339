"""Live co-design room under load: 20 people in one section, over real websockets.

Run from the project root:

    .venv/bin/python benchmarks/live_room.py [--processes 1|2] [--people 20] [--edits 200] \
        [--writers 20] [--write-seconds 5] [--append docs/performance.md]

Creates a throwaway PostgreSQL database, coprod_bench_live, on the server DATABASE_URL names
(postgres://postgres@127.0.0.1:5432 when it names none), migrates it and fills it: an
organisation with a lead, the co-trainers (invited and accepted through the member services,
half family carers and half professionals), a workshop, a module with the section to write and
a few more, and a co-design session with the module on its agenda (content services). Each
co-trainer is signed in by a session made the way ``django.contrib.auth.login`` makes one.

Then it starts the real ASGI application with daphne on free loopback ports (DEBUG off,
ALLOWED_HOSTS=127.0.0.1) and connects one websocket client per co-trainer (the ``websockets``
package; each client holds a pycrdt document and speaks y-websocket: sync step 1 and 2 both
ways, then updates).

- ``--processes 1``: one daphne process with the in-memory channel layer, as deployed without
  Redis.
- ``--processes 2``: two daphne processes sharing a redis-server this script starts for the run
  (a free port, nothing written to disk, stopped at the end) through the Redis channel layer,
  as deployed with several processes. REDIS_URL is set for the daphne processes only, with
  CELERY_BROKER_URL set but empty so that tasks still run in-process. Clients are spread
  alternately over the two processes, so most deliveries cross from one process to the other.

Either way the durable update log is on, as it always is: every update a writer sends is
stored as a LiveUpdate row in PostgreSQL before it is applied and passed on, so every latency
below includes that insert.

Measured:
(a) join: from just before the first client connects to when every client's document holds
    the room's text (all connect at once).
(b) in turn: ``--edits`` short insertions, each by a random client at a random word boundary,
    one after the other: the next is sent once every other client has the last. Each insertion
    carries a unique marker; its latency to each of the other clients is from just before the
    sender's ``send`` to when that client's document first contains the marker (so it includes
    storing the update, the channel layer, the loopback network, and the receiving client
    applying the update).
(c) together: the same number of insertions again, sent at ``--rate`` per second across the
    room without waiting (everyone typing at once), latency measured the same way.
(d) memory: resident set size (VmRSS from /proc, no tracemalloc or other instrumentation in the
    server) of each daphne process after a warm-up room has opened and closed, with the
    20-client room open, after the edits, and after ``--extra-rooms`` more rooms with one client
    each (the marginal cost of a room).
(e) update-log write rate: ``--writers`` rooms of their own (one more section each), each with
    one writer and one observer on the same process. For ``--write-seconds`` every writer
    appends a short marker, waits until its observer's document holds it, and appends the next
    (one update in flight per writer, paced under the server's per-connection rate limit).
    The server stores an update before it passes it on, so a marker the observer has is a
    stored row: the rate is markers received within the window divided by its length, per
    process and in all. Afterwards the script counts the rooms' LiveUpdate rows in the
    database and compares them with the markers sent (no write-back runs during the window:
    the rooms are never idle for 5 s and were opened less than 60 s before).

To say where the time goes, the report adds: the milliseconds one ``live_updates_append`` takes
from this process alone, and the rate 20 tasks reach through ``database_sync_to_async`` without
websockets (the server's own path to the database); the CPU time of each daphne process per
phase, and in (e) of its event loop thread and its database thread apart (/proc); and with two
processes the commands the redis-server ran per delivery (INFO commandstats).

Finally everyone leaves, the rooms write back, and the script checks that the saved sections
hold every marker exactly once. Bounded: ``--time-limit`` seconds for the whole run; the daphne
processes and the redis-server are stopped and the database dropped at the end, also when
something fails. Loopback only.
"""

import argparse
import asyncio
import contextlib
import importlib
import json
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
# This process (and a single daphne) uses the in-memory channel layer and runs tasks
# in-process: no Redis. With two processes, only the daphne environments get REDIS_URL.
for _name in ("REDIS_URL", "CELERY_BROKER_URL"):
    os.environ.pop(_name, None)
common.setup_django()

import redis  # noqa: E402
import websockets  # noqa: E402
from channels.db import database_sync_to_async  # noqa: E402
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
from workshops.live import consumers, hub  # noqa: E402
from workshops.live.rooms import STATUS, SYNC, TEXT_NAME  # noqa: E402
from workshops.models import LiveUpdate, Membership, Organisation, Section, User  # noqa: E402
from workshops.services.content import module_create, section_create, workshop_create  # noqa: E402
from workshops.services.live import live_updates_append  # noqa: E402
from workshops.services.members import invitation_accept, invitation_create  # noqa: E402
from workshops.services.sessions import session_create  # noqa: E402

SEED = 20260512
# Targets for the in-turn and together p95, and for 20 people joining, by number of processes.
TARGET_P95_MS = {1: 15, 2: 30}
TARGET_JOIN_SECONDS = 1.0
# The writers of (e) stay under the server's per-connection limit (consumers.RATE_*), with a
# margin for the sync messages each sends on joining.
WRITER_BURST = consumers.RATE_BURST - 20
WRITER_PER_SECOND = consumers.RATE_PER_SECOND * 0.9
BODY = (
    "Behaviour that challenges often tells us that something is not right for the child. "
    "We start by noticing what happens just before the behaviour and what happens just after "
    "it. Family carers know their child best: their observations are where a plan begins. "
    "Mae'r plentyn yn dweud rhywbeth wrthym ni, ŵ ŷ."
)


# Set-up (synchronous, in this process)


def fill(*, people, extra_rooms, writers):
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
    rate_sections = [new_section(f"Write rate {n}") for n in range(writers)]
    session = session_create(
        workshop=workshop,
        title="Benchmark session",
        starts_at=timezone.now(),
        agenda=[module],
        facilitator=lead,
        actor=lead,
    )
    cookies = [session_cookie(member.user) for member in members]
    return session, section, warmup, extras, rate_sections, cookies, members


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


def insert_timing(section, member, count=200):
    """Milliseconds each of ``count`` calls of ``live_updates_append`` takes from this process:
    the insert the server makes for every update, alone (rows deleted again afterwards)."""
    doc = Doc()
    text = doc.get(TEXT_NAME, type=Text)
    timings = []
    for index in range(count):
        before = doc.get_state()
        text += f" t{index}"
        update = doc.get_update(before)
        started = time.perf_counter()
        live_updates_append(updates=[(section.pk, member.pk, update)])
        timings.append((time.perf_counter() - started) * 1000)
    LiveUpdate.objects.filter(section=section).delete()
    return timings


async def store_path_rate(section, member, calls=400, concurrency=20):
    """Updates a second stored through the server's own path, without websockets: ``concurrency``
    tasks on one event loop each awaiting ``hub.store`` (which stores together the updates that
    arrive while a store runs, through the process's one database thread, as in daphne)
    ``calls / concurrency`` times."""
    doc = Doc()
    text = doc.get(TEXT_NAME, type=Text)
    updates = []
    for index in range(calls):
        before = doc.get_state()
        text += f" s{index}"
        updates.append(doc.get_update(before))
    latencies = []

    async def task(mine):
        for update in mine:
            started = time.perf_counter()
            await hub.store(section.pk, member.pk, update)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(task(updates[n::concurrency]) for n in range(concurrency)))
    wall = time.perf_counter() - started

    def tidy():
        LiveUpdate.objects.filter(section=section).delete()
        connection.close()

    await database_sync_to_async(tidy)()
    return calls / wall, latencies


# The servers


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port, process, what):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start listening within 30 s")


def start_redis(port, folder):
    """A redis-server of this run's own: loopback, nothing saved to disk."""
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            folder,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(port, process, "redis-server")
    except BaseException:
        stop(process)
        raise
    return process


def start_daphne(port, log, redis_url=None):
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
    if redis_url:
        # The Redis channel layer; set but empty, the broker keeps tasks in-process.
        env.update(REDIS_URL=redis_url, CELERY_BROKER_URL="")
    process = subprocess.Popen(
        command, cwd=common.REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_listening(port, process, "daphne")
    except BaseException:
        stop(process)
        raise
    return process


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
    """User + system CPU time so far of a process (or of one of its threads: ``pid/task/tid``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu_seconds(pid):
    """CPU time so far of each thread of a process: {thread id: seconds}. The main thread (id
    ``pid``) runs the event loop; channels runs every database call on one other thread."""
    seconds = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            seconds[int(task.name)] = cpu_seconds(f"{pid}/task/{task.name}")
    return seconds


class Servers:
    """The daphne processes of the run: ``ports[i]`` served by ``pids[i]``."""

    def __init__(self, ports, pids, redis_port=None):
        self.ports, self.pids, self.redis_port = ports, pids, redis_port

    def port_for(self, index):
        """Clients alternate between the processes."""
        return self.ports[index % len(self.ports)]

    def rss(self):
        return [rss_kib(pid) for pid in self.pids]

    def cpu(self):
        return [cpu_seconds(pid) for pid in self.pids]

    def threads(self):
        return [thread_cpu_seconds(pid) for pid in self.pids]

    def redis_commands(self):
        """Commands the redis-server has run so far (INFO commandstats), or 0 without one."""
        if self.redis_port is None:
            return 0
        with contextlib.closing(redis.Redis(host="127.0.0.1", port=self.redis_port)) as client:
            return sum(stats["calls"] for stats in client.info("commandstats").values())


# The clients


class Deliveries:
    """Which clients still wait for which marker, and the latencies seen so far."""

    def __init__(self):
        self.pending = {}  # marker -> [sent_at, remaining receivers, event]
        self.latencies = []
        self.arrivals = []  # (marker, when), for the write rate

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
        self.arrivals.append((marker, at))
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
        self.statuses = []  # the server's status messages (rooms.STATUS), as dicts
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
            if isinstance(message, str) or not message:
                continue
            if message[0] == STATUS:
                # Type, a varuint length, then the JSON object: its first "{" starts it.
                self.statuses.append(json.loads(message[message.index(b"{") :]))
                continue
            if message[0] != SYNC:
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

    async def _send_edit(self, marker, at):
        before = self.doc.get_state()
        self.ytext.insert(at, f" {marker}")
        update = self.doc.get_update(before)
        self.deliveries.sent(marker, time.perf_counter())
        await self.websocket.send(create_update_message(update))

    async def insert(self, rng, marker):
        """Type `` marker`` at a random word boundary; send it as a browser would."""
        text = self.text
        boundaries = [i for i, c in enumerate(text) if c == " "] + [len(text)]
        at = rng.choice(boundaries)
        await self._send_edit(marker, len(text[:at].encode()))

    async def append(self, marker):
        """Type `` marker`` at the end of the text."""
        await self._send_edit(marker, len(self.text.encode()))

    async def close(self):
        await self.websocket.close()
        await asyncio.gather(self.reader, return_exceptions=True)


class Pacer:
    """A writer's own token bucket, a little under the server's, so it is never cut off."""

    def __init__(self, burst, per_second):
        self.burst, self.per_second = burst, per_second
        self.tokens, self.at = float(burst), time.perf_counter()

    async def take(self):
        while True:
            now = time.perf_counter()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.per_second)
            self.at = now
            if self.tokens >= 1:
                self.tokens -= 1
                return
            await asyncio.sleep((1 - self.tokens) / self.per_second)


async def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def open_room(clients, text=BODY):
    await asyncio.gather(*(client.open() for client in clients))
    await wait_until(lambda: all(client.text == text for client in clients), 30, "everyone to sync")


def summary(latencies):
    return {
        "count": len(latencies),
        "p50": common.percentile(latencies, 0.5),
        "p95": common.percentile(latencies, 0.95),
        "p99": common.percentile(latencies, 0.99),
        "max": max(latencies),
        "mean": statistics.mean(latencies),
    }


def phase_cpu(servers, run):
    """Run a phase: (what it returned, (CPU seconds of each daphne, CPU seconds of this
    process, wall seconds))."""

    async def timed():
        server, client, wall = servers.cpu(), time.process_time(), time.perf_counter()
        value = await run()
        cpu = [after - before for after, before in zip(servers.cpu(), server, strict=True)]
        return value, (cpu, time.process_time() - client, time.perf_counter() - wall)

    return timed()


def log_rows(section_ids):
    """LiveUpdate rows of these sections now (from a thread: this one runs the event loop)."""
    try:
        return LiveUpdate.objects.filter(section_id__in=section_ids).count()
    finally:
        connection.close()


async def measure(args, servers, session, section, warmup, extras, rate_sections, cookies):
    rng = random.Random(SEED)
    results = {"load_before": os.getloadavg()[0]}

    def url(index, target):
        port = servers.port_for(index)
        return (
            f"ws://127.0.0.1:{port}/ws/live/sessions/{session.pk}/sections/{target.pk}",
            f"http://127.0.0.1:{port}",
        )

    # Warm-up: on every process a room opened, typed in and closed, so code, connections and
    # caches are loaded.
    warm_text = BODY
    for index in range(len(servers.ports)):
        uri, origin = url(index, warmup)
        warm = LiveClient("warm", uri, cookies[0], origin, Deliveries())
        await open_room([warm], warm_text)
        warm.deliveries.expect(f"warmupmarker{index}", [])
        await warm.insert(rng, f"warmupmarker{index}")
        warm_text = warm.text
        await warm.close()
    await asyncio.sleep(1.0)
    results["rss_idle"] = servers.rss()

    # (a) Joining.
    deliveries = Deliveries()
    clients = []
    for n, cookie in enumerate(cookies):
        uri, origin = url(n, section)
        clients.append(LiveClient(f"c{n}", uri, cookie, origin, deliveries))
    started = time.perf_counter()
    await open_room(clients)
    results["join_seconds"] = time.perf_counter() - started
    await asyncio.sleep(1.0)
    results["rss_room"] = servers.rss()

    markers = []

    # (b) In turn.
    async def in_turn():
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
        return missed

    results["turn_missed"], results["turn_cpu"] = await phase_cpu(servers, in_turn)
    results["turn"] = summary(deliveries.latencies)

    # (c) Together, at a fixed rate across the room.
    deliveries.latencies = []

    async def together():
        events = []
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
        return sum(1 for event in events if not event.is_set())

    commands = servers.redis_commands()
    results["together_missed"], results["together_cpu"] = await phase_cpu(servers, together)
    results["together_redis"] = servers.redis_commands() - commands
    results["together"] = summary(deliveries.latencies)

    texts = {client.text for client in clients}
    results["converged"] = len(texts) == 1
    results["doc_bytes"] = len(clients[0].doc.get_update())
    results["text_chars"] = len(clients[0].text)
    await asyncio.sleep(1.0)
    results["rss_room_edited"] = servers.rss()

    # (d) More rooms, one client each: the marginal cost of a room.
    extra_clients = []
    for n, extra in enumerate(extras):
        uri, origin = url(n, extra)
        extra_clients.append(
            LiveClient(f"x{n}", uri, cookies[n % len(cookies)], origin, Deliveries())
        )
    for client in extra_clients:
        await open_room([client])
    await asyncio.sleep(1.0)
    results["rss_extra"] = servers.rss()

    for client in extra_clients:
        await client.close()
    for client in clients:
        await client.close()
    results["markers"] = markers
    results["rate"] = await write_rate(args, servers, rate_sections, cookies, url)
    results["load_after"] = os.getloadavg()[0]
    return results


async def write_rate(args, servers, rate_sections, cookies, url):
    """(e): how many updates a second the server stores, one writer and one observer a room."""
    deliveries = Deliveries()
    rooms = []
    for n, target in enumerate(rate_sections):
        uri, origin = url(n, target)  # writer and observer on the same process
        writer = LiveClient(f"w{n}", uri, cookies[n % len(cookies)], origin, deliveries)
        observer = LiveClient(f"o{n}", uri, cookies[(n + 1) % len(cookies)], origin, deliveries)
        rooms.append((n, writer, observer))
    await asyncio.gather(*(open_room([writer, observer]) for _n, writer, observer in rooms))
    sent = {n: [] for n, _writer, _observer in rooms}
    stalled = []

    async def write(n, writer, observer, until):
        pacer = Pacer(WRITER_BURST, WRITER_PER_SECOND)
        while time.perf_counter() < until:
            await pacer.take()
            marker = f"r{n:02d}n{len(sent[n]):05d}q"
            done = deliveries.expect(marker, [observer])
            sent[n].append(marker)
            await writer.append(marker)
            try:
                await asyncio.wait_for(done.wait(), 5)
            except TimeoutError:
                stalled.append(marker)
                return

    async def window():
        started = time.perf_counter()
        until = started + args.write_seconds
        await asyncio.gather(*(write(n, w, o, until) for n, w, o in rooms))
        return started, until

    threads_before = servers.threads()
    (started, until), cpu = await phase_cpu(servers, window)
    threads = []  # per process: (event loop thread, busiest other thread) CPU seconds
    for pid, before, after in zip(servers.pids, threads_before, servers.threads(), strict=True):
        used = {tid: after[tid] - before.get(tid, 0) for tid in after}
        loop = used.pop(pid, 0)
        threads.append((loop, max(used.values(), default=0)))
    in_window = [marker for marker, at in deliveries.arrivals if at <= until]
    per_process = [0] * len(servers.ports)
    for marker in in_window:
        per_process[int(marker[1:3]) % len(servers.ports)] += 1
    total_sent = sum(len(markers) for markers in sent.values())
    rows = await asyncio.to_thread(log_rows, [target.pk for target in rate_sections])
    write_backs = sum(
        1
        for _n, _w, observer in rooms
        for status in observer.statuses
        if status["event"] == "saved"
    )
    for _n, writer, observer in rooms:
        await writer.close()
        await observer.close()
    return {
        "seconds": args.write_seconds,
        "stored_in_window": len(in_window),
        "per_process": per_process,
        "per_second": len(in_window) / args.write_seconds,
        "sent": total_sent,
        "rows": rows,
        "write_backs": write_backs,
        "stalled": len(stalled),
        "latency": summary(deliveries.latencies),
        "cpu": cpu,
        "threads": threads,
        "markers": sent,
        "pace_limit": len(rooms) * WRITER_PER_SECOND,
    }


def written_back(section, markers, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = Section.objects.get(pk=section.pk)
        if current.version > section.version and all(m in current.body for m in markers):
            return current
        time.sleep(0.2)
    return Section.objects.get(pk=section.pk)


def holds_each_once(section, markers):
    saved = written_back(section, markers)
    return all(saved.body.count(m) == 1 for m in markers)


def report(args, results, saved_ok, machine, store_ms, store_path, redis_version):
    turn, together, rate = results["turn"], results["together"], results["rate"]
    mib = 1024
    two = args.processes == 2
    target = TARGET_P95_MS[args.processes]

    def each(values, fmt):
        """One figure per process: ``a`` alone, or ``a / b``."""
        return " / ".join(fmt(value) for value in values)

    def minus(after, before):
        return [a - b for a, b in zip(after, before, strict=True)]

    room = minus(results["rss_room"], results["rss_idle"])
    edited = minus(results["rss_room_edited"], results["rss_idle"])
    extra = [
        value / max(1, args.extra_rooms)
        for value in minus(results["rss_extra"], results["rss_room_edited"])
    ]
    connections = args.people / args.processes
    per_process_rate = [n / rate["seconds"] for n in rate["per_process"]]

    def verdict(value, limit, unit):
        if value < limit:
            return f"met ({value:.1f} {unit} < {limit:g} {unit})"
        return f"**NOT met**: {value:.1f} {unit}, {value - limit:.1f} {unit} over {limit:g} {unit}"

    def cpu(label, figures):
        server, client, wall = figures
        return (
            f"{label}: {wall:.1f} s wall; CPU {each(server, lambda s: f'{s:.1f}')} s in "
            f"daphne, {client:.1f} s in the clients' process"
        )

    def latency(figures):
        return (
            f"p50 {figures['p50']:.1f} ms, **p95 {figures['p95']:.1f} ms**, "
            f"p99 {figures['p99']:.1f} ms, max {figures['max']:.1f} ms"
        )

    processes = (
        "two daphne processes on one redis-server (Redis channel layer), clients alternating "
        "between them"
        if two
        else "one daphne process, in-memory channel layer"
    )
    per = " (process 1 / process 2)" if two else ""
    command = (
        f".venv/bin/python benchmarks/live_room.py --processes {args.processes} "
        f"--people {args.people} --edits {args.edits} --rate {args.rate:g} "
        f"--extra-rooms {args.extra_rooms} --writers {args.writers} "
        f"--write-seconds {args.write_seconds:g}"
    )
    lines = [
        f"### {'Two processes' if two else 'One process'}",
        "",
        f"{args.people} co-trainers in one section's live room: {processes}; DEBUG off, "
        "loopback, every update stored in PostgreSQL before it is passed on.",
        "",
        "```",
        command,
        "```",
        "",
        "| measure | figure |",
        "|---|---|",
        f"| {args.people} clients joining at once, until all hold the text | "
        f"{results['join_seconds'] * 1000:.0f} ms |",
        f"| in turn: {args.edits} insertions, each to {args.people - 1} others "
        f"({turn['count']} deliveries) | {latency(turn)} |",
        f"| together: {args.edits} insertions at {args.rate:g}/s across the room "
        f"({together['count']} deliveries) | {latency(together)} |",
        f"| target: p95 < {target} ms, in turn | {verdict(turn['p95'], target, 'ms')} |",
        f"| target: p95 < {target} ms, together | {verdict(together['p95'], target, 'ms')} |",
    ]
    if args.people == 20:
        lines.append(
            f"| target: 20 joins < {TARGET_JOIN_SECONDS:g} s | "
            f"{verdict(results['join_seconds'], TARGET_JOIN_SECONDS, 's')} |"
        )
    lines += [
        f"| deliveries missing after 5 s / 15 s | {results['turn_missed']} / "
        f"{results['together_missed']} |",
        f"| update-log write rate: {args.writers} writers, one update in flight each, "
        f"{rate['seconds']:g} s | **{rate['per_second']:.0f} updates/s stored**"
        + (f" ({each(per_process_rate, lambda n: f'{n:.0f}')} per process)" if two else "")
        + f"; acknowledged (observer has it) p50 {rate['latency']['p50']:.1f} ms, "
        f"p95 {rate['latency']['p95']:.1f} ms |",
        f"| write rate cross-check: markers sent / LiveUpdate rows / write-backs during / "
        f"writers stalled | {rate['sent']} / {rate['rows']} / {rate['write_backs']} / "
        f"{rate['stalled']} |",
        f"| one `live_updates_append` from a lone process, no load (200 calls) | "
        f"p50 {common.percentile(store_ms, 0.5):.2f} ms, "
        f"p95 {common.percentile(store_ms, 0.95):.2f} ms |",
        f"| the same through `database_sync_to_async`, 20 tasks at once, 400 calls, no "
        f"websockets (the server's path, one database thread) | {store_path[0]:.0f} stored/s; "
        f"p50 {common.percentile(store_path[1], 0.5):.1f} ms, "
        f"p95 {common.percentile(store_path[1], 0.95):.1f} ms each |",
        *(
            [
                f"| Redis commands while together, per delivery | "
                f"{results['together_redis'] / max(1, together['count']):.1f} "
                f"({results['together_redis']} in all) |"
            ]
            if two
            else []
        ),
        f"| all clients converged; saved sections hold every marker once | "
        f"{'yes' if results['converged'] else 'NO'}; {'yes' if saved_ok else 'NO'} |",
        f"| daphne RSS{per}, idle after a warm-up room | "
        f"{each(results['rss_idle'], lambda v: f'{v / mib:.1f} MiB')} |",
        f"| + the room open with {args.people} clients, before edits | "
        f"{each(room, lambda v: f'+{v / mib:.2f} MiB')} "
        f"(≈ {sum(room) / args.people:.0f} KiB per connection) |",
        f"| + after {2 * args.edits} insertions (text {results['text_chars']} chars, "
        f"CRDT state {results['doc_bytes'] / 1024:.1f} KiB) | "
        f"{each(edited, lambda v: f'+{v / mib:.2f} MiB')} |",
        f"| each further room with one client ({args.extra_rooms} opened) | "
        f"{each(extra, lambda v: f'≈ {v:.0f} KiB')} |",
        "",
        cpu("In turn", results["turn_cpu"])
        + ". "
        + cpu("Together", results["together_cpu"])
        + ". "
        + cpu("Write rate", rate["cpu"])
        + "; of daphne's, "
        + each(
            rate["threads"],
            lambda t: f"event loop thread {t[0]:.1f} s, database thread {t[1]:.1f} s",
        )
        + " (the busiest thread but the main one; channels runs every database call on it)"
        + f" (each writer paced by a token bucket of {WRITER_BURST} and {WRITER_PER_SECOND:g} a "
        f"second, under the server's per-connection {consumers.RATE_BURST} and "
        f"{consumers.RATE_PER_SECOND} a second: at most {rate['pace_limit']:.0f} updates/s in "
        "all once the bursts are spent).",
        "",
        f"About {connections:.0f} connections per process. Machine: {machine}"
        + (f", Redis {redis_version}" if redis_version else "")
        + f", Django {version('django')}, channels {version('channels')}"
        + (f", channels-redis {version('channels-redis')}" if two else "")
        + f", daphne {version('daphne')}, pycrdt {version('pycrdt')}, "
        f"websockets {version('websockets')} (client). Run on {timezone.now():%Y-%m-%d}; "
        f"1-minute load average {results['load_before']:.1f} before and "
        f"{results['load_after']:.1f} after.",
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
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--edits", type=int, default=200, help="insertions per phase")
    parser.add_argument("--rate", type=float, default=40, help="insertions per second, together")
    parser.add_argument("--extra-rooms", type=int, default=10)
    parser.add_argument("--writers", type=int, default=20, help="rooms of the write-rate phase")
    parser.add_argument("--write-seconds", type=float, default=5, help="write-rate window")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds for the run")
    parser.add_argument("--append", metavar="FILE", help="append the results section to FILE")
    args = parser.parse_args()
    if not 2 <= args.people <= 50 or not 1 <= args.edits <= 2000 or not 0 <= args.extra_rooms <= 50:
        sys.exit("Keep to 2-50 people, 1-2000 edits and 0-50 extra rooms.")
    if not 1 <= args.writers <= 50 or not 1 <= args.write_seconds <= 30:
        # The window stays well under hub.MAX_UNSAVED_SECONDS: no write-back during it.
        sys.exit("Keep to 1-50 writers and 1-30 write seconds.")
    if settings.DEBUG:
        sys.exit("Run with DEBUG off.")

    database = common.create_database()
    processes = []
    redis_server = None
    redis_version = None
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    folder = tempfile.TemporaryDirectory()  # noqa: SIM115 (cleaned up in the finally below)
    try:
        machine = common.machine(model_in_brackets=True)
        session, section, warmup, extras, rate_sections, cookies, members = fill(
            people=args.people, extra_rooms=args.extra_rooms, writers=args.writers
        )
        store_ms = insert_timing(warmup, members[0])
        store_path = asyncio.run(store_path_rate(warmup, members[0]))
        connection.close()  # the servers have the database to themselves while measuring
        redis_url = None
        if args.processes == 2:
            redis_port = free_port()
            redis_server = start_redis(redis_port, folder.name)
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
            with contextlib.closing(redis.Redis(host="127.0.0.1", port=redis_port)) as client:
                redis_version = client.info()["redis_version"]
        ports = [free_port() for _ in range(args.processes)]
        for port in ports:
            processes.append(start_daphne(port, log, redis_url))
        servers = Servers(
            ports, [process.pid for process in processes], redis_port if redis_url else None
        )
        try:
            results = asyncio.run(
                asyncio.wait_for(
                    measure(
                        args, servers, session, section, warmup, extras, rate_sections, cookies
                    ),
                    args.time_limit,
                )
            )
        except BaseException:
            log.seek(0)
            print(log.read().decode(errors="replace")[-4000:], file=sys.stderr)
            raise
        saved_ok = holds_each_once(section, results["markers"]) and all(
            holds_each_once(target, results["rate"]["markers"][n])
            for n, target in enumerate(rate_sections)
        )
    finally:
        for process in processes:
            stop(process)
        if redis_server is not None:
            stop(redis_server)
        common.drop_database(database)
        log.close()
        folder.cleanup()

    text = report(args, results, saved_ok, machine, store_ms, store_path, redis_version)
    print(text)
    if args.append:
        append_section(args.append, text)
        print(f"Appended to {args.append}.")


if __name__ == "__main__":
    main()
