"""``/healthz``: 200 when every check is fine, 503 naming the check that is not.

Each part really fails: Redis is a port nothing listens on, or a redis-server of the test's own
(so the heartbeat it holds is this test's alone); the worker is a real Celery worker, started and
killed here; the database is down for a daphne process of the test's own, pointed at a closed
port. The shared PostgreSQL and Redis are never touched.
"""

import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.helpers import database_url, free_port
from tests.private_postgres import app_server
from workshops import health

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
WAIT_SECONDS = 30  # a cold worker start takes about 5 s on this machine
ALL_FINE = {"database": "ok", "redis": "ok", "worker": "ok", "disk": "ok"}


@pytest.fixture
def healthz(client):
    def ask():
        response = client.get("/healthz")
        return response.status_code, response.json()

    return ask


@pytest.fixture
def embedded(settings, tmp_path):
    """No Redis, tasks in-process: the embedded set-up."""
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PACKS_ROOT = tmp_path / "packs"
    settings.HEALTHZ_MIN_FREE_DISK_MB = 1
    return settings


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own on a free port, killed afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_timeout=2)
    try:
        _wait_until(lambda: _answers(client), "redis-server answers")
        yield url, client
    finally:
        process.kill()
        process.wait(timeout=10)


def _answers(client):
    try:
        return client.ping()
    except redis.RedisError:
        return False


def _wait_until(condition, what, timeout=WAIT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Not within {timeout} s: {what}")


@pytest.fixture
def with_workers(settings, tmp_path, own_redis):
    """Redis is the broker, so tasks go to workers and the worker check applies."""
    url, _ = own_redis
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.PACKS_ROOT = tmp_path / "packs"
    settings.HEALTHZ_MIN_FREE_DISK_MB = 1
    return settings


@contextlib.contextmanager
def celery_worker(broker_url, log_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DJANGO_", "REDIS_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="coprod.settings.base",
        DATABASE_URL=database_url(),
        REDIS_URL=broker_url,
        EMAIL_URL="console://",
    )
    command = [sys.executable, "-m", "celery", "-A", "coprod", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--loglevel=INFO"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: we kill it and only it
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.django_db
def test_healthz_embedded_set_up_answers_200_without_sign_in(healthz, embedded):
    assert healthz() == (
        200,
        {"database": "ok", "redis": "not used", "worker": "not used", "disk": "ok"},
    )


@pytest.mark.django_db
def test_healthz_is_never_cached(client, embedded):
    response = client.get("/healthz")

    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_disk_below_threshold_answers_503(healthz, embedded):
    free_mb = shutil.disk_usage(embedded.PACKS_ROOT.parent).free // (1024 * 1024)
    embedded.HEALTHZ_MIN_FREE_DISK_MB = free_mb + 1_000_000

    status, report = healthz()

    assert status == 503
    assert report["disk"].startswith("failing: ")
    assert report["disk"].endswith(f"MB free for packs, below {free_mb + 1_000_000} MB")
    assert report["database"] == "ok"


@pytest.mark.django_db
def test_healthz_redis_down_answers_503_naming_redis(healthz, settings, tmp_path):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    settings.REDIS_URL = settings.CELERY_BROKER_URL = closed
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.PACKS_ROOT = tmp_path
    settings.HEALTHZ_MIN_FREE_DISK_MB = 1

    status, report = healthz()

    assert status == 503
    assert report == {
        "database": "ok",
        "redis": "failing: Redis does not answer",
        "worker": "failing: unknown while Redis does not answer",
        "disk": "ok",
    }
    assert "127.0.0.1" not in json.dumps(report)


@pytest.mark.django_db
def test_healthz_no_worker_ever_answers_503_naming_the_worker(healthz, with_workers):
    assert healthz() == (503, {**ALL_FINE, "worker": "failing: no worker has started"})


@pytest.mark.django_db
def test_healthz_stale_heartbeat_answers_503(healthz, with_workers, own_redis):
    _, client = own_redis
    client.set(health.HEARTBEAT_KEY, repr(time.time() - 120))

    assert healthz() == (503, {**ALL_FINE, "worker": "failing: no worker heartbeat for 120 s"})


@pytest.mark.django_db
def test_healthz_fresh_heartbeat_answers_200(healthz, with_workers, own_redis):
    _, client = own_redis
    client.set(health.HEARTBEAT_KEY, repr(time.time() - 5))

    assert healthz() == (200, ALL_FINE)


@pytest.mark.django_db
def test_healthz_follows_a_real_worker_starting_and_dying(
    healthz, with_workers, own_redis, tmp_path
):
    url, client = own_redis
    with_workers.HEALTHZ_WORKER_MAX_AGE = 4
    log = tmp_path / "worker.log"

    with celery_worker(url, log) as worker:
        _wait_until(lambda: healthz()[0] == 200, f"a worker's heartbeat:\n{log.read_text()}")
        first = float(client.get(health.HEARTBEAT_KEY))
        # Not only the beat at start: the worker goes on beating while it runs.
        _wait_until(lambda: float(client.get(health.HEARTBEAT_KEY)) > first, "a second beat")
        assert healthz() == (200, ALL_FINE)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    _wait_until(lambda: healthz()[0] == 503, "the dead worker noticed", timeout=15)
    assert healthz()[1]["worker"].startswith("failing: no worker heartbeat for ")


def _get(port, path, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


def test_healthz_database_down_answers_503_under_daphne(tmp_path):
    closed_port = free_port()
    closed_database = f"postgres://postgres@127.0.0.1:{closed_port}/coprod"

    with app_server(
        closed_database,
        tmp_path,
        server="daphne",
        PACKS_ROOT=tmp_path / "packs",
        HEALTHZ_MIN_FREE_DISK_MB=1,
        DATABASE_POOL_TIMEOUT=2,
    ) as web:
        status, headers, body = _get(web.port, "/healthz", {"X-Request-ID": "probe-42"})
        log = web.log()

    assert status == 503, log
    assert json.loads(body) == {
        "database": "failing: the database does not answer",
        "redis": "not used",
        "worker": "not used",
        "disk": "ok",
    }
    assert str(closed_port) not in body.decode()
    assert headers["X-Request-ID"] == "probe-42"
    # What failed is in the log, for the people running the service, under the request's id.
    failing = [line for line in log.splitlines() if "Health check failing" in line]
    assert failing == [failing[0]]
    assert "[probe-42] Health check failing: database" in failing[0]
    assert "ERROR django.request [probe-42] Service Unavailable: /healthz" in log
