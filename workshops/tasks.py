"""Thin Celery tasks: ids in, one service or plain function called, return quietly if gone."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from workshops import notifications, selectors
from workshops.enums import DecisionKind, RoundStatus
from workshops.models import Comment, Decision, Invitation, ReviewRound
from workshops.services.packs import pack_render

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_email_send(invitation_id):
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by__user")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        logger.info("Invitation %s is gone or used; no email sent.", invitation_id)
        return
    notifications.send_email(
        to=invitation.email,
        subject=f"You are invited to co-produce workshops with {invitation.organisation.name}",
        template="invitation",
        context={
            "invitation": invitation,
            "link": notifications.absolute_url(
                reverse("invitation_accept", args=[invitation.token])
            ),
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


def _round(round_id):
    return (
        ReviewRound.objects.select_related("module__workshop__organisation", "opened_by__user")
        .filter(pk=round_id)
        .first()
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def review_round_opened_notify(round_id):
    round = _round(round_id)
    if round is None:
        logger.info("Review round %s is gone; no email sent.", round_id)
        return
    notifications.send_to_members(
        notifications.round_reviewers(round),
        subject=f"Please review “{round.module.title}” (round {round.number})",
        template="review_opened",
        context={"round": round, "link": notifications.absolute_url(round.get_absolute_url())},
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def review_decision_notify(decision_id):
    decision = (
        Decision.objects.select_related("round__module", "membership__user")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        return
    round = decision.round
    verb = "approved" if decision.kind == DecisionKind.APPROVE else "asked for changes to"
    notifications.send_to_members(
        [m for m in notifications.module_authors(round.module) if m.pk != decision.membership_id],
        subject=f"{decision.membership.credit_name} {verb} “{round.module.title}”",
        template="review_decision",
        context={
            "decision": decision,
            "round": round,
            "link": notifications.absolute_url(round.get_absolute_url()),
        },
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def comment_notify(comment_id):
    comment = (
        Comment.objects.select_related("round__module", "author__user")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return
    round = comment.round
    notifications.send_to_members(
        [m for m in notifications.module_authors(round.module) if m.pk != comment.author_id],
        subject=f"New comment on “{round.module.title}”",
        template="review_comment",
        context={
            "comment": comment,
            "round": round,
            "link": notifications.absolute_url(round.get_absolute_url() + f"#comment-{comment.pk}"),
        },
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def module_agreed_notify(round_id):
    round = _round(round_id)
    if round is None:
        return
    people = list(notifications.module_authors(round.module)) + notifications.round_reviewers(round)
    notifications.send_to_members(
        people,
        subject=f"“{round.module.title}” is agreed",
        template="module_agreed",
        context={
            "round": round,
            "stamp": selectors.agreed_stamp(version=round.version),
            "link": notifications.absolute_url(round.module.get_absolute_url()),
        },
    )


@shared_task
def review_reminders_send():
    """Remind reviewers the day before a round is due. Safe to run more than once a day."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    due = ReviewRound.objects.filter(
        status=RoundStatus.OPEN, due_date=tomorrow, reminder_sent_at__isnull=True
    )
    for round_id in due.values_list("pk", flat=True):
        # Claim the reminder first, so two workers never both send it.
        claimed = ReviewRound.objects.filter(pk=round_id, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if not claimed:
            continue
        round = _round(round_id)
        decided = set(round.decisions.values_list("membership_id", flat=True))
        undecided = [m for m in notifications.round_reviewers(round) if m.pk not in decided]
        notifications.send_to_members(
            undecided,
            subject=f"Reminder: “{round.module.title}” is due for review tomorrow",
            template="review_reminder",
            context={"round": round, "link": notifications.absolute_url(round.get_absolute_url())},
        )


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.PACK_RENDER_TIME_LIMIT,
    time_limit=settings.PACK_RENDER_TIME_LIMIT + 30,
)
def pack_render_task(pack_id):
    """Render one pack. A redelivered or repeated task finds it ready and does nothing."""
    pack_render(pack_id=pack_id)
