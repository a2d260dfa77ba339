"""The outbox: a job exists exactly when its write does, goes to the broker once it is reachable,
and runs once however often it is handed over."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu import pools as kombu_pools

from coprod.celery import app as celery_app
from tests.helpers import free_port
from workshops import outbox
from workshops.models import OutboxJob
from workshops.services import reviews as review_services

pytestmark = pytest.mark.django_db


def _comment(world, review_round):
    return review_services.comment_add(
        round=review_round, body="Could we say this more gently?", actor=world.lead
    )


def test_enqueue_in_a_rolled_back_write_leaves_no_job(world, review_round):
    before = OutboxJob.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        _comment(world, review_round)
        raise RuntimeError("the write fails after asking for its email")

    assert OutboxJob.objects.count() == before


def test_enqueue_hands_the_job_over_after_commit_and_it_runs_once(
    world, review_round, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment = _comment(world, review_round)
    job = OutboxJob.objects.get(job="comment_notify")
    assert job.arguments == {"comment_id": comment.pk}
    assert job.dispatched_at is None  # nothing is sent before the write commits

    mail.outbox.clear()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    sent = len(mail.outbox)

    assert job.dispatched_at is not None
    assert job.claimed_at is not None
    assert sent >= 1
    # Handed over again (a lost message, a second dispatcher): the claim stops a second email.
    celery_app.tasks["workshops.tasks.comment_notify"].apply(
        kwargs={"comment_id": comment.pk, "outbox_id": job.pk}
    )
    assert len(mail.outbox) == sent


def test_job_claim_only_the_first_claim_wins(world):
    job = OutboxJob.objects.create(job="comment_notify", arguments={"comment_id": 1})

    assert outbox.job_claim(job_id=job.pk) is True
    assert outbox.job_claim(job_id=job.pk) is False


def test_job_release_lets_a_retry_claim_again(world):
    job = OutboxJob.objects.create(job="comment_notify", arguments={"comment_id": 1})
    outbox.job_claim(job_id=job.pk)

    outbox.job_release(job_id=job.pk)

    assert outbox.job_claim(job_id=job.pk) is True


def test_job_claim_without_a_job_goes_ahead():
    assert outbox.job_claim(job_id=None) is True


def test_outbox_sweep_hands_over_a_lost_job_and_leaves_claimed_ones(world, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER + 60)
    lost = OutboxJob.objects.create(
        job="comment_notify", arguments={"comment_id": 0}, dispatched_at=long_ago
    )
    recent = OutboxJob.objects.create(
        job="comment_notify", arguments={"comment_id": 0}, dispatched_at=timezone.now()
    )
    claimed = OutboxJob.objects.create(
        job="comment_notify",
        arguments={"comment_id": 0},
        dispatched_at=long_ago,
        claimed_at=long_ago,
    )

    sent = outbox.outbox_sweep()

    assert sent == 1
    lost.refresh_from_db()
    recent.refresh_from_db()
    claimed.refresh_from_db()
    assert lost.claimed_at is not None  # the eager worker took it at once
    assert lost.dispatch_attempts == 1
    assert recent.claimed_at is None  # still in the broker's hands
    assert claimed.claimed_at == long_ago


@pytest.fixture
def unreachable_broker(settings):
    """Tasks go to a broker that refuses connections, as when Redis is down."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}

    def forget_connections():
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        kombu_pools.reset()

    settings.CELERY_TASK_ALWAYS_EAGER = False
    forget_connections()
    celery_app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{free_port()}/0")
    try:
        yield
    finally:
        forget_connections()
        celery_app.conf.update(saved)


def test_job_dispatch_with_the_broker_down_keeps_the_job_waiting(world, unreachable_broker):
    job = OutboxJob.objects.create(job="comment_notify", arguments={"comment_id": 0})

    went = outbox.job_dispatch(job_id=job.pk)

    job.refresh_from_db()
    assert went is False
    assert job.dispatched_at is None  # the sweep will try again
    assert job.dispatch_attempts == 1
    assert job.last_error != ""
    assert job.claimed_at is None
