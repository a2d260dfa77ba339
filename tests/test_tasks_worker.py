"""Real Celery workers with Redis as their broker: a pack rendered end to end, a worker killed
mid-render (the pack is made after a restart), and the broker down while people ask for a pack,
comment and invite (their requests answer; the work is done once when the broker is back).

Each worker is a separate process (``celery -A coprod worker --pool=solo``) on the same test
database (so these tests commit: ``transaction=True``) and the same PACKS_ROOT as the test, and
listens on a queue of its own, so it takes no other run's tasks and no other run takes ours. The
test process stops running tasks eagerly only once its data is made.

The first two use Redis database 5 on 127.0.0.1:6379 (CI starts it; see .ci/run): without it they
fail with a message saying so, never skipped. The broker-down test starts a redis-server of its
own on a free port, and stops and starts only that one.
"""

import contextlib
import email
import email.header
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.urls import reverse
from kombu import pools as kombu_pools

from coprod.celery import app as celery_app
from tests.factories import MembershipFactory, ModuleFactory, OrganisationFactory, WorkshopFactory
from tests.helpers import agree_module, database_url, free_port
from workshops import outbox
from workshops.enums import PackKind, PackState, Perspective, Role, SectionAudience, SectionKind
from workshops.models import Comment, Invitation, OutboxJob, Pack
from workshops.services import content as content_services
from workshops.services import packs as pack_services
from workshops.services import reviews as review_services

BROKER_URL = "redis://127.0.0.1:6379/5"
REPO_ROOT = Path(__file__).resolve().parent.parent
WORKER_START_AND_RENDER_TIMEOUT = 90  # seconds: a cold worker start is ~5 s, a render ~2 s
STOP_TIMEOUT = 15
# A worker killed mid-render: it beats every half second and is taken for lost after 3 silent
# seconds (PACK_HEARTBEAT_TIMEOUT, the operators' setting, read by worker and sweep alike).
HEARTBEAT_TIMEOUT = 3
# About 65 pages, which take a worker a few seconds to lay out: long enough to kill it midway.
LONG_BODY = "\n\n".join(
    f"## Part {n}\n\n"
    + "When a child is distressed, the behaviour tells us something: look at what came "
    "before, what happened, and what came after, and write it down together. "
    * 6
    + "\n\n- what we saw\n- what we tried\n- what helped"
    for n in range(150)
)


def _redis(url=BROKER_URL):
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def _redis_answers(url=BROKER_URL):
    try:
        return _redis(url).ping()
    except redis.RedisError:
        return False


def _wait_for(condition, *, timeout, what, log=lambda: ""):
    """Poll ``condition`` until it holds, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Not {what} after {timeout} s.\n{log()}")


class Worker:
    """A Celery worker process consuming a queue of its own; ``start`` again after a stop or a
    kill gives a new process (and log) on the same queue."""

    def __init__(self, *, broker_url, packs_root, logs, env):
        self.broker_url = broker_url
        self.queue = f"coprod-test-packs-{uuid.uuid4().hex}"
        self.packs_root = packs_root
        self.logs = logs
        self.env = env
        self.process = None

    @property
    def log(self):
        return self.logs[-1]

    def start(self):
        assert self.process is None or self.process.poll() is not None, "Still running"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CELERY_", "DJANGO_", "REDIS_", "DATABASE_", "PACKS_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="coprod.settings.base",
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=self.broker_url,
            PACKS_ROOT=str(self.packs_root),
            EMAIL_URL="console://",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.env)
        command = [
            sys.executable, "-m", "celery", "-A", "coprod", "worker",
            "--pool=solo", "--concurrency=1", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel=INFO", "-Q", self.queue,
            "--hostname", f"{self.queue}@%h",
        ]  # fmt: skip
        log = self.packs_root.parent / f"worker-{self.queue[-6:]}-{len(self.logs) + 1}.log"
        self.logs.append(log)
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, so we stop it and only it
            )
        return self

    def wait_ready(self, timeout=WORKER_START_AND_RENDER_TIMEOUT):
        _wait_for(
            lambda: " ready." in self.log.read_text() or self.process.poll() is not None,
            timeout=timeout,
            what="ready",
            log=self.tail,
        )
        assert self.process.poll() is None, self.tail()

    def kill(self):
        """The whole worker gone at once, as when its machine or container dies."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)

    def received(self, task):
        """How many times each process so far received ``task``."""
        return [
            sum(
                f"workshops.tasks.{task}[" in line and "received" in line.lower()
                for line in log.read_text().splitlines()
            )
            for log in self.logs
        ]

    def tail(self):
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in self.logs)

    def forget_queue(self):
        """Delete the queue, and the message a killed worker left unacknowledged (Redis would
        hand it back to the deleted queue an hour later)."""
        with contextlib.suppress(redis.RedisError):
            client = _redis(self.broker_url)
            client.delete(
                self.queue, f"_kombu.binding.{self.queue}", f"_kombu.binding_permanent.{self.queue}"
            )
            for tag, raw in client.hgetall("unacked").items():
                if json.loads(raw)[2] == self.queue:  # [message, exchange, routing key]
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)


@pytest.fixture
def start_worker(flushable_log, tmp_path, settings):
    """Start a worker (on the shared Redis unless told another broker); every worker started is
    stopped, and its queue deleted, whatever happens."""
    assert connection.vendor == "postgresql", "The worker shares the test's PostgreSQL database."
    settings.PACKS_ROOT = tmp_path / "packs"
    workers = []

    def start(broker_url=BROKER_URL, **env):
        assert _redis_answers(broker_url), f"The worker needs Redis at {broker_url} as its broker."
        worker = Worker(broker_url=broker_url, packs_root=settings.PACKS_ROOT, logs=[], env=env)
        workers.append(worker)
        return worker.start()

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()
            worker.forget_queue()


@pytest.fixture
def worker(start_worker):
    return start_worker()


def _forget_connections():
    # Producers are pooled per broker URL: drop any made for another broker, from the app and
    # from kombu's global registry (else later tests are handed a closed pool).
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()


@pytest.fixture
def tasks_to(settings):
    """``tasks_to(worker)``: send this test's tasks to that worker's queue on its broker, not
    eagerly; everything is put back afterwards."""
    saved = {
        key: celery_app.conf[key]
        for key in ("task_always_eager", "broker_url", "task_default_queue")
    }

    def send_to(worker):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        _forget_connections()
        celery_app.conf.update(
            task_always_eager=False, broker_url=worker.broker_url, task_default_queue=worker.queue
        )
        assert celery_app.conf.broker_write_url == worker.broker_url, "CELERY_BROKER_WRITE_URL"

    try:
        yield send_to
    finally:
        _forget_connections()
        celery_app.conf.update(saved)


@pytest.fixture
def broker_not_eager(worker, tasks_to):
    tasks_to(worker)


def _agreed_workshop(body="Lavender: made by a real worker."):
    """Made while tasks still run eagerly, so sign-off emails stay in this process."""
    organisation = OrganisationFactory(name="Worker Test Service")
    professional = MembershipFactory(
        organisation=organisation, role=Role.LEAD, perspective=Perspective.PROFESSIONAL
    )
    carer = MembershipFactory(
        organisation=organisation, role=Role.CO_TRAINER, perspective=Perspective.FAMILY_CARER
    )
    workshop = WorkshopFactory(organisation=organisation, title="Rendered by a worker", actor=carer)
    module = ModuleFactory(workshop=workshop, title="The one module", actor=carer)
    content_services.section_create(
        module=module,
        title="Key messages",
        body=body,
        kind=SectionKind.KEY_MESSAGES,
        audience=SectionAudience.EVERYONE,
        actor=carer,
    )
    agree_module(module, reviewers=[carer, professional], actor=carer)
    return workshop, carer, professional


def _wait_until_ready(pack, worker, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pack.refresh_from_db()
        if pack.state in (PackState.READY, PackState.FAILED):
            return pack
        if worker.process.poll() is not None:
            break
        time.sleep(0.25)
    pytest.fail(
        f"Pack {pack.pk} is {pack.state} after {timeout} s; worker exit code "
        f"{worker.process.poll()}. Worker log:\n{worker.tail()}"
    )


@pytest.fixture
def sent_tasks(monkeypatch):
    """Names of the tasks the Celery app publishes from now on.

    Every task sent to a broker, by ``delay``, ``apply_async`` or by name, goes out through the
    app's ``send_task``; this records each call and then makes it as before.
    """
    sent = []
    send_task = celery_app.send_task

    def recording_send_task(name, *args, **kwargs):
        sent.append(name)
        return send_task(name, *args, **kwargs)

    monkeypatch.setattr(celery_app, "send_task", recording_send_task)
    return sent


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_renders_a_requested_pack_once(worker, request):
    workshop, carer, professional = _agreed_workshop()
    request.getfixturevalue("broker_not_eager")
    sent_tasks = request.getfixturevalue("sent_tasks")

    pack = pack_services.pack_request(workshop=workshop, kind=PackKind.ATTENDEE, actor=carer)

    # The request published exactly one task, through the recorded boundary.
    assert sent_tasks == ["workshops.tasks.pack_render_task"]

    # pack_request committed, and its on-commit hook sent the task to the worker's queue.
    pack = _wait_until_ready(pack, worker, WORKER_START_AND_RENDER_TIMEOUT)
    assert pack.state == PackState.READY, f"{pack.error}\n{worker.tail()}"
    assert pack.attempts == 1
    assert pack.path.parent == worker.packs_root
    data = pack.path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pack.size_bytes == len(data)
    assert pack.page_count >= 4  # cover, contents, the module, trainers, credits, notes
    assert "pack_render_task" in worker.log.read_text()
    modified = pack.path.stat().st_mtime_ns

    sent_tasks.clear()

    again = pack_services.pack_request(
        workshop=workshop, kind=PackKind.ATTENDEE, actor=professional
    )

    assert again.pk == pack.pk
    assert Pack.objects.filter(workshop=workshop).count() == 1
    assert sent_tasks == []  # no task was published
    again.refresh_from_db()
    assert again.attempts == 1
    assert _redis().llen(worker.queue) == 0  # nothing was sent
    time.sleep(1.5)  # had anything been sent, the idle worker would have taken it by now
    again.refresh_from_db()
    assert (again.state, again.attempts) == (PackState.READY, 1)
    assert again.path.stat().st_mtime_ns == modified
    assert worker.received("pack_render_task") == [1]


# A worker killed mid-render


def _beating(pack):
    """Being made, and its worker has beaten the heartbeat at least once since it began."""
    pack.refresh_from_db()
    return pack.state == PackState.RENDERING and pack.heartbeat_at > pack.started_at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_render_the_pack_is_made_once_more_after_a_restart(
    start_worker, tasks_to, settings
):
    settings.PACK_HEARTBEAT_TIMEOUT = HEARTBEAT_TIMEOUT  # for the sweep, run in this process
    workshop, carer, _professional = _agreed_workshop(body=LONG_BODY)
    worker = start_worker(PACK_HEARTBEAT_TIMEOUT=str(HEARTBEAT_TIMEOUT))
    tasks_to(worker)
    pack = pack_services.pack_request(workshop=workshop, kind=PackKind.ATTENDEE, actor=carer)
    _wait_for(
        lambda: _beating(pack),
        timeout=WORKER_START_AND_RENDER_TIMEOUT,
        what="rendering with a heartbeat",
        log=worker.tail,
    )

    worker.kill()

    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.RENDERING, 1), "finished before the kill"
    assert pack.is_working  # the page still says it is being made, and keeps asking
    worker.start()
    # The sweep (the beat task runs it every half minute) finds the render silent once the
    # heartbeat timeout has passed, and queues it again, once.
    requeued = []
    _wait_for(
        lambda: requeued.append(pack_services.pack_requeue_lost()) or sum(requeued),
        timeout=HEARTBEAT_TIMEOUT + 10,
        what="queued again",
        log=worker.tail,
    )
    assert sum(requeued) == 1
    pack = _wait_until_ready(pack, worker, WORKER_START_AND_RENDER_TIMEOUT)

    assert pack.state == PackState.READY, f"{pack.error}\n{worker.tail()}"
    assert pack.attempts == 2
    assert [path.name for path in worker.packs_root.iterdir()] == [pack.path.name]
    assert pack.path.read_bytes().startswith(b"%PDF-")
    assert pack.page_count > 20
    assert worker.received("pack_render_task") == [1, 1]  # once by each worker
    jobs = OutboxJob.objects.filter(job="pack_render_task", arguments__pack_id=pack.pk)
    assert [job.claimed_at is not None for job in jobs] == [True, True]
    assert pack_services.pack_requeue_lost() == 0


# The broker down while people ask for work


class RedisServer:
    """A redis-server of this test's own on a free port, keeping nothing on disk: stopped and
    started again, it comes back empty, as a broker that lost its messages."""

    def __init__(self, directory):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None

    def start(self):
        self.directory.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_for(lambda: _redis_answers(self.url), timeout=10, what="answering")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=STOP_TIMEOUT)
        assert not _redis_answers(self.url)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=STOP_TIMEOUT)


def _mail_sent(folder):
    """(recipient, subject) of every message the file email backend wrote into ``folder``."""
    separator = b"\n" + b"-" * 79 + b"\n"  # written after each message
    raws = [raw for file in folder.glob("*.log") for raw in file.read_bytes().split(separator)]
    messages = [email.message_from_bytes(raw) for raw in raws if raw.strip()]
    return sorted((message["To"], _decoded(message["Subject"])) for message in messages)


def _decoded(header):
    return str(email.header.make_header(email.header.decode_header(header)))


def _round_to_comment_on(workshop, carer, professional):
    """An open review round on a module the carer wrote (so a comment emails the carer)."""
    module = ModuleFactory(workshop=workshop, title="Under review", actor=carer)
    content_services.section_create(
        module=module,
        title="Draft",
        body="Words to review.",
        kind=SectionKind.EXPLANATION,
        audience=SectionAudience.EVERYONE,
        actor=carer,
    )
    return review_services.review_round_open(
        module=module, reviewers=[carer, professional], actor=professional
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_broker_down_requests_answer_and_their_work_is_done_once_when_it_is_back(
    own_redis, start_worker, tasks_to, client_for, tmp_path
):
    workshop, carer, lead = _agreed_workshop()
    round = _round_to_comment_on(workshop, carer, lead)
    mail = tmp_path / "mail"
    worker = start_worker(broker_url=own_redis.url, EMAIL_URL=f"file://{mail}")
    worker.wait_ready()
    tasks_to(worker)
    client = client_for(lead)
    invitee = "new.co-trainer@example.org"

    own_redis.stop()
    started = time.monotonic()
    answers = [
        client.post(
            reverse("pack_request", args=[workshop.pk]), {"kind": "attendee", "module": ""}
        ),
        client.post(reverse("comment_add", args=[round.pk]), {"body": "Could we say it gently?"}),
        client.post(
            reverse("member_invite", args=[workshop.organisation_id]),
            {"email": invitee, "role": Role.CO_TRAINER, "perspective": Perspective.FAMILY_CARER},
        ),
    ]
    took = time.monotonic() - started

    pack = Pack.objects.get(workshop=workshop)
    comment = Comment.objects.get(round=round)
    invitation = Invitation.objects.get(email=invitee)
    assert [answer.status_code for answer in answers] == [302, 302, 302]
    assert [answer["Location"] for answer in answers] == [
        reverse("pack_detail", args=[pack.pk]),
        round.get_absolute_url() + f"#comment-{comment.pk}",
        reverse("member_list", args=[workshop.organisation_id]),
    ]
    assert took < 5  # nobody waits on the broker
    waiting = OutboxJob.objects.filter(claimed_at__isnull=True).order_by("job")
    assert [(job.job, job.arguments) for job in waiting] == [
        ("comment_notify", {"comment_id": comment.pk}),
        ("invitation_email_send", {"invitation_id": invitation.pk}),
        ("pack_render_task", {"pack_id": pack.pk}),
    ]
    assert all(job.dispatched_at is None and job.last_error for job in waiting)
    assert pack.state == PackState.QUEUED
    assert _mail_sent(mail) == []

    own_redis.start()  # empty: whatever it held is gone
    assert outbox.outbox_sweep() == 3

    expected_mail = sorted(
        [
            (carer.user.email, "New comment on “Under review”"),
            (invitee, "You are invited to co-produce workshops with Worker Test Service"),
        ]
    )
    _wait_for(
        lambda: (
            _mail_sent(mail) == expected_mail
            and not OutboxJob.objects.filter(claimed_at__isnull=True).exists()
            and Pack.objects.get(pk=pack.pk).state == PackState.READY
        ),
        timeout=40,
        what="all done",
        log=lambda: f"{_mail_sent(mail)}\n{worker.tail()}",
    )
    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.READY, 1)
    assert pack.path.read_bytes().startswith(b"%PDF-")

    # Swept again: nothing is sent twice.
    assert outbox.outbox_sweep() == 0
    assert pack_services.pack_requeue_lost() == 0
    time.sleep(1.5)  # had anything been sent, the idle worker would have taken it by now
    assert _mail_sent(mail) == expected_mail
    assert [Comment.objects.count(), Invitation.objects.filter(email=invitee).count()] == [1, 1]
    assert worker.received("pack_render_task") == [1]
