"""Thin Celery tasks: ids in, the object fetched, one function called; logged and done if the
object is gone. Services ask for them by name through ``workshops.outbox.enqueue``."""

import logging

from celery import shared_task
from django.conf import settings

from workshops import notifications
from workshops.models import Comment, Decision, Invitation, ReviewRound
from workshops.services.packs import pack_render

logger = logging.getLogger(__name__)

EMAIL_TASK = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


def _email_about(queryset, pk, send):
    """Send ``send``'s email about the object ``pk``, unless it is gone by now."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        logger.info("%s %s is gone; no email sent.", queryset.model.__name__, pk)
        return
    send(found)


_rounds = ReviewRound.objects.select_related("module__workshop__organisation", "opened_by__user")


@shared_task(**EMAIL_TASK)
def invitation_email_send(invitation_id):
    invitations = Invitation.objects.select_related("organisation", "invited_by__user")
    unused = invitations.filter(accepted_at__isnull=True)
    _email_about(unused, invitation_id, notifications.invitation_email)


@shared_task(**EMAIL_TASK)
def review_round_opened_notify(round_id):
    _email_about(_rounds, round_id, notifications.review_round_opened_email)


@shared_task(**EMAIL_TASK)
def review_decision_notify(decision_id):
    decisions = Decision.objects.select_related("round__module", "membership__user")
    _email_about(decisions, decision_id, notifications.review_decision_email)


@shared_task(**EMAIL_TASK)
def comment_notify(comment_id):
    comments = Comment.objects.select_related("round__module", "author__user")
    _email_about(comments, comment_id, notifications.comment_email)


@shared_task(**EMAIL_TASK)
def module_agreed_notify(round_id):
    _email_about(_rounds, round_id, notifications.module_agreed_email)


@shared_task
def review_reminders_send():
    notifications.review_reminders_send()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.PACK_RENDER_TIME_LIMIT,
    time_limit=settings.PACK_RENDER_TIME_LIMIT + 30,
)
def pack_render_task(pack_id):
    """Render one pack. A redelivered or repeated task finds it ready and does nothing."""
    pack_render(pack_id=pack_id)
