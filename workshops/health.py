"""Is the service able to work? The checks behind ``/healthz``, and the worker heartbeat.

Each check answers "ok", "not used" (the set-up does without that part) or "failing: …" in a few
plain words. Answers never carry hostnames, addresses or error texts (the page needs no sign-in);
the details go to the log instead. Every check is cheap, as load balancers and compose ask often:
one ``SELECT 1``, one Redis ``PING`` and ``GET`` with a short timeout, one ``statvfs``.

Workers beat a heartbeat into Redis (every couple of seconds, from Celery's own worker heartbeat;
Celery imports this module in every worker through ``CELERY_IMPORTS``), so a web process can tell
whether any worker is alive without asking one.
"""

import logging
import shutil
import time
from functools import lru_cache
from pathlib import Path

import redis
from celery.signals import heartbeat_sent, worker_ready
from django.conf import settings
from django.db import DatabaseError, connection
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

OK = "ok"
NOT_USED = "not used"
FAILING = "failing: "
CHECKS = ("database", "redis", "worker", "disk")

HEARTBEAT_KEY = "coprod:worker-heartbeat"
# Long after any sensible HEALTHZ_WORKER_MAX_AGE; only so a retired set-up leaves nothing behind.
HEARTBEAT_EXPIRES = 24 * 60 * 60
# A check must answer well within a load balancer's own timeout (often 2-5 s).
REDIS_TIMEOUT = 1.0


def redis_url() -> str:
    """The Redis that holds the heartbeat: REDIS_URL, or the broker when that is Redis."""
    broker = settings.CELERY_BROKER_URL or ""
    return settings.REDIS_URL or (broker if broker.startswith(("redis://", "rediss://")) else "")


@lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    # One try, no retries: a Redis that does not answer at once counts as down for this check.
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT,
        socket_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database did not answer: %s", error)
        return FAILING + "the database does not answer"
    return OK


def redis_and_worker_checks(*, url: str, eager: bool, max_age: float, now: float) -> dict:
    """Redis's answer to one PING, and how long ago a worker last beat its heartbeat there."""
    if not url:
        # Without Redis there is nowhere for workers to beat (a broker other than Redis).
        return {"redis": NOT_USED, "worker": NOT_USED if eager else "not checked without Redis"}
    client = _redis_client(url)
    try:
        with client.pipeline(transaction=False) as pipe:
            _, beat = pipe.ping().get(HEARTBEAT_KEY).execute()
    except redis.RedisError as error:
        logger.warning("Health check: Redis did not answer: %s", error)
        worker = NOT_USED if eager else FAILING + "unknown while Redis does not answer"
        return {"redis": FAILING + "Redis does not answer", "worker": worker}
    return {"redis": OK, "worker": NOT_USED if eager else worker_check(beat, max_age, now)}


def worker_check(beat: bytes | None, max_age: float, now: float) -> str:
    """``beat`` is the last heartbeat's Unix time as Redis holds it (None: never beaten)."""
    if beat is None:
        return FAILING + "no worker has started"
    age = now - float(beat)
    if age > max_age:
        return FAILING + f"no worker heartbeat for {age:.0f} s"
    return OK


def disk_check(path: Path, min_free_mb: int) -> str:
    """Free space where packs are written. The folder is made on the first render, so before
    that the nearest folder above it that exists stands in (it is on the same disk)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    except OSError as error:
        logger.warning("Health check: free space for packs is unknown: %s", error)
        return FAILING + "free space for packs is unknown"
    if free_mb < min_free_mb:
        return FAILING + f"{free_mb} MB free for packs, below {min_free_mb} MB"
    return OK


def health_report() -> dict:
    """Every check's answer, by name (the order of CHECKS)."""
    report = {"database": database_check()}
    report.update(
        redis_and_worker_checks(
            url=redis_url(),
            eager=settings.CELERY_TASK_ALWAYS_EAGER,
            max_age=settings.HEALTHZ_WORKER_MAX_AGE,
            now=time.time(),
        )
    )
    report["disk"] = disk_check(Path(settings.PACKS_ROOT), settings.HEALTHZ_MIN_FREE_DISK_MB)
    return {name: report[name] for name in CHECKS}


def failing_checks(report: dict) -> list[str]:
    return [name for name, answer in report.items() if answer.startswith(FAILING)]


def worker_heartbeat_record(**kwargs) -> None:
    """Note that a worker is alive, now. Never lets a Redis failure reach the worker: the
    heartbeat only informs the health check, and the worker logs a lost broker itself."""
    url = redis_url()
    if not url:
        return
    try:
        _redis_client(url).set(HEARTBEAT_KEY, repr(time.time()), ex=HEARTBEAT_EXPIRES)
    except redis.RedisError as error:
        logger.debug("Worker heartbeat not recorded: %s", error)


# At start, then with every heartbeat Celery's worker sends (every 2 s unless the worker was
# started with --without-heartbeat, which leaves only the first).
worker_ready.connect(worker_heartbeat_record, weak=False)
heartbeat_sent.connect(worker_heartbeat_record, weak=False)
