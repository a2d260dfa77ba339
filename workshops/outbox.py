"""Background work that a write asks for: stored with the write, handed to Celery after it.

Services name the job (a task in ``workshops.tasks``) and the ids it needs, never the task
itself, so services never import tasks: tasks import services. ``enqueue`` stores an
``OutboxJob`` in the caller's transaction, so a rollback leaves no job and a commit always
leaves one. After commit the job is handed to the broker; if the broker is down, the person's
request still succeeds and ``outbox_sweep`` (run by Celery beat) hands the job over when it is
back. A task claims its job first (``job_claim``), so a job handed over twice runs once.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from workshops.models import OutboxJob

logger = logging.getLogger(__name__)

TASKS_MODULE = "workshops.tasks"


def enqueue(job: str, **ids: int | str) -> OutboxJob:
    """Store the job ``job`` with ``ids`` as its keyword arguments, and hand it to Celery once
    the caller's transaction commits (at once when there is none)."""
    outbox_job = OutboxJob.objects.create(job=job, arguments=ids)
    transaction.on_commit(lambda: job_dispatch(job_id=outbox_job.pk))
    return outbox_job


def job_dispatch(*, job_id: int) -> bool:
    """Hand one waiting job to the broker. Returns whether it went.

    The job is marked as dispatched first, so two dispatchers never both send it; if the broker
    can't be reached the mark is taken back and the error kept for the sweep to try again.
    """
    now = timezone.now()
    marked = OutboxJob.objects.filter(
        pk=job_id, dispatched_at__isnull=True, claimed_at__isnull=True
    ).update(dispatched_at=now, dispatch_attempts=F("dispatch_attempts") + 1)
    if not marked:
        return False
    outbox_job = OutboxJob.objects.get(pk=job_id)
    task = current_app.tasks[f"{TASKS_MODULE}.{outbox_job.job}"]
    try:
        # No publish retries: the request that asked for the job must not wait on a broker
        # that is down. The sweep retries.
        task.apply_async(kwargs={**outbox_job.arguments, "outbox_id": outbox_job.pk}, retry=False)
    except OperationalError as error:
        logger.warning("Job %s (%s) waits for the broker: %s", job_id, outbox_job.job, error)
        OutboxJob.objects.filter(pk=job_id).update(dispatched_at=None, last_error=str(error)[:500])
        return False
    return True


def job_claim(*, job_id: int | None) -> bool:
    """A worker takes its job on. False when another run already has: do nothing then.
    Work started without a job (a command, a test) always goes ahead."""
    if job_id is None:
        return True
    return bool(
        OutboxJob.objects.filter(pk=job_id, claimed_at__isnull=True).update(
            claimed_at=timezone.now()
        )
    )


def job_release(*, job_id: int | None) -> None:
    """Give a claimed job back, when the work failed before it took effect (so a retry runs)."""
    if job_id is not None:
        OutboxJob.objects.filter(pk=job_id).update(claimed_at=None)


def job_forget_arguments(*, job_id: int | None) -> None:
    """Blank a done job's arguments, when they hold something personal (a typed email)."""
    if job_id is not None:
        OutboxJob.objects.filter(pk=job_id).update(arguments={})


def outbox_sweep() -> int:
    """Hand over every job still waiting: never dispatched (the broker was down), or dispatched
    so long ago without a worker claiming it that the broker must have lost it. Returns how
    many went."""
    lost_before = timezone.now() - timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER)
    waiting = OutboxJob.objects.filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=lost_before),
        claimed_at__isnull=True,
    )
    sent = 0
    for job_id in waiting.order_by("pk").values_list("pk", flat=True)[:1000]:
        # A lost message is sent again: forget the old dispatch first.
        OutboxJob.objects.filter(pk=job_id, dispatched_at__lt=lost_before).update(
            dispatched_at=None
        )
        sent += job_dispatch(job_id=job_id)
    return sent
