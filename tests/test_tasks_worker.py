"""A real Celery worker, with Redis as its broker, renders a pack end to end.

The worker is a separate process (``celery -A coprod worker --pool=solo``) on the same test
database (so this test commits: ``transaction=True``) and the same PACKS_ROOT as the test. It
listens on a queue of its own on Redis database 5, so it takes no other run's tasks and no other
run takes ours. The test process stops running tasks eagerly only for the pack request itself.

It needs Redis answering on 127.0.0.1:6379 (CI starts it; see .ci/run): without it the test
fails with a message saying so, it is never skipped.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection
from kombu import pools as kombu_pools

from coprod.celery import app as celery_app
from tests.factories import MembershipFactory, ModuleFactory, OrganisationFactory, WorkshopFactory
from tests.helpers import agree_module, database_url
from workshops.enums import PackKind, PackState, Perspective, Role, SectionAudience, SectionKind
from workshops.models import Pack
from workshops.services import content as content_services
from workshops.services import packs as pack_services

BROKER_URL = "redis://127.0.0.1:6379/5"
REPO_ROOT = Path(__file__).resolve().parent.parent
WORKER_START_AND_RENDER_TIMEOUT = 90  # seconds: a cold worker start is ~5 s, a render ~2 s
STOP_TIMEOUT = 15


def _redis():
    return redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2, socket_timeout=5)


def _redis_answers():
    try:
        return _redis().ping()
    except redis.RedisError:
        return False


@pytest.fixture
def worker(flushable_log, tmp_path, settings):
    """A Celery worker process consuming a queue of its own; stopped (and its queue deleted)
    whatever happens."""
    assert connection.vendor == "postgresql", "The worker shares the test's PostgreSQL database."
    assert _redis_answers(), "The worker needs Redis at 127.0.0.1:6379 as its broker."
    queue = f"coprod-test-packs-{uuid.uuid4().hex}"
    packs_root = tmp_path / "packs"
    settings.PACKS_ROOT = packs_root
    log = tmp_path / "worker.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DJANGO_", "REDIS_", "DATABASE_", "PACKS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="coprod.settings.base",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=BROKER_URL,
        PACKS_ROOT=str(packs_root),
        EMAIL_URL="console://",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    command = [
        sys.executable, "-m", "celery", "-A", "coprod", "worker",
        "--pool=solo", "--concurrency=1", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--loglevel=INFO", "-Q", queue, "--hostname", f"{queue}@%h",
    ]  # fmt: skip
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so we stop it and only it
        )
    try:
        yield {"queue": queue, "process": process, "log": log, "packs_root": packs_root}
    finally:
        _stop(process)
        with contextlib.suppress(redis.RedisError):
            _redis().delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def _stop(process):
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # warm shutdown
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def broker_not_eager(settings, worker):
    """Send this test's tasks to the worker's queue on Redis, then put everything back."""
    saved = {
        key: celery_app.conf[key]
        for key in ("task_always_eager", "broker_url", "task_default_queue")
    }

    def forget_connections():
        # Producers are pooled per broker URL: drop any made for another broker, from the app
        # and from kombu's global registry (else later tests are handed a closed pool).
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        kombu_pools.reset()

    settings.CELERY_TASK_ALWAYS_EAGER = False
    forget_connections()
    celery_app.conf.update(
        task_always_eager=False, broker_url=BROKER_URL, task_default_queue=worker["queue"]
    )
    assert celery_app.conf.broker_write_url == BROKER_URL, "CELERY_BROKER_WRITE_URL is set"
    try:
        yield
    finally:
        forget_connections()
        celery_app.conf.update(saved)


def _agreed_workshop():
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
        body="Lavender: made by a real worker.",
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
        if worker["process"].poll() is not None:
            break
        time.sleep(0.25)
    pytest.fail(
        f"Pack {pack.pk} is {pack.state} after {timeout} s; worker exit code "
        f"{worker['process'].poll()}. Worker log:\n{worker['log'].read_text()[-4000:]}"
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
    assert pack.state == PackState.READY, f"{pack.error}\n{worker['log'].read_text()[-4000:]}"
    assert pack.attempts == 1
    assert pack.path.parent == worker["packs_root"]
    data = pack.path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pack.size_bytes == len(data)
    assert pack.page_count >= 4  # cover, contents, the module, trainers, credits, notes
    assert "pack_render_task" in worker["log"].read_text()
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
    assert _redis().llen(worker["queue"]) == 0  # nothing was sent
    time.sleep(1.5)  # had anything been sent, the idle worker would have taken it by now
    again.refresh_from_db()
    assert (again.state, again.attempts) == (PackState.READY, 1)
    assert again.path.stat().st_mtime_ns == modified
    received = [
        line
        for line in worker["log"].read_text().splitlines()
        if "pack_render_task" in line and "received" in line.lower()
    ]
    assert len(received) == 1, received
