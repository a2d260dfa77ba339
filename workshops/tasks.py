"""Thin Celery tasks: ids in, the object fetched, one function called; logged and done if the
object is gone. Services ask for them by name through ``workshops.outbox.enqueue``, which passes
the job's ``outbox_id``: a task claims its job first, so a job handed over twice runs once."""

import logging

from celery import shared_task
from django.conf import settings

from workshops import notifications, outbox
from workshops.models import (
    Comment,
    Decision,
    Invitation,
    Organisation,
    ReviewRound,
    StoryConsent,
)
from workshops.services import retention
from workshops.services.packs import pack_render, pack_requeue_lost

logger = logging.getLogger(__name__)

EMAIL_TASK = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


def _email_about(queryset, pk, send, outbox_id):
    """Send ``send``'s email about the object ``pk``, once, unless it is gone by now. A failed
    send gives the job back, so the task's retry sends it."""
    if not outbox.job_claim(job_id=outbox_id):
        logger.info("Job %s was already done; no email sent again.", outbox_id)
        return
    found = queryset.filter(pk=pk).first()
    if found is None:
        logger.info("%s %s is gone; no email sent.", queryset.model.__name__, pk)
        return
    try:
        send(found)
    except BaseException:
        outbox.job_release(job_id=outbox_id)
        raise


@shared_task(**EMAIL_TASK)
def password_reset_email_send(email, outbox_id=None):
    if not outbox.job_claim(job_id=outbox_id):
        return
    try:
        notifications.password_reset_email(email=email)
    except BaseException:
        outbox.job_release(job_id=outbox_id)
        raise
    # The address typed may belong to nobody: keep it no longer than the job needs it.
    outbox.job_forget_arguments(job_id=outbox_id)


_rounds = ReviewRound.objects.select_related("module__workshop__organisation", "opened_by__user")


@shared_task(**EMAIL_TASK)
def invitation_email_send(invitation_id, outbox_id=None):
    invitations = Invitation.objects.select_related("organisation", "invited_by__user")
    unused = invitations.filter(accepted_at__isnull=True)
    _email_about(unused, invitation_id, notifications.invitation_email, outbox_id)


@shared_task(**EMAIL_TASK)
def review_round_opened_notify(round_id, outbox_id=None):
    _email_about(_rounds, round_id, notifications.review_round_opened_email, outbox_id)


@shared_task(**EMAIL_TASK)
def review_decision_notify(decision_id, outbox_id=None):
    decisions = Decision.objects.select_related("round__module", "membership__user")
    _email_about(decisions, decision_id, notifications.review_decision_email, outbox_id)


@shared_task(**EMAIL_TASK)
def comment_notify(comment_id, outbox_id=None):
    comments = Comment.objects.select_related("round__module", "author__user")
    _email_about(comments, comment_id, notifications.comment_email, outbox_id)


@shared_task(**EMAIL_TASK)
def module_agreed_notify(round_id, outbox_id=None):
    _email_about(_rounds, round_id, notifications.module_agreed_email, outbox_id)


@shared_task(**EMAIL_TASK)
def consent_withdrawn_notify(consent_id, outbox_id=None):
    consents = StoryConsent.objects.select_related("section__module__workshop__organisation")
    _email_about(consents, consent_id, notifications.consent_withdrawn_email, outbox_id)


@shared_task
def consent_endings_notify():
    notifications.consent_endings_notify()


@shared_task
def retention_apply():
    retention.retention_apply()


@shared_task
def review_reminders_send():
    notifications.review_reminders_send()


@shared_task
def log_checkpoints_send():
    for organisation in Organisation.objects.order_by("pk"):
        notifications.log_checkpoint_email(organisation)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.PACK_RENDER_TIME_LIMIT,
    time_limit=settings.PACK_RENDER_HARD_TIME_LIMIT,
)
def pack_render_task(pack_id, outbox_id=None):
    """Render one pack. A redelivered or repeated task finds it ready and does nothing."""
    if outbox.job_claim(job_id=outbox_id):
        pack_render(pack_id=pack_id)


@shared_task
def pack_sweep():
    """Queue again every pack whose worker was lost mid-render, or whose job was lost before a
    worker took it (beat runs this every half minute)."""
    requeued = pack_requeue_lost()
    if requeued:
        logger.warning("Queued %s packs again after their worker or job was lost.", requeued)


@shared_task
def outbox_sweep():
    """Hand the broker every job it never got or lost (beat runs this every half minute)."""
    sent = outbox.outbox_sweep()
    if sent:
        logger.info("Handed %s waiting jobs to the broker.", sent)
