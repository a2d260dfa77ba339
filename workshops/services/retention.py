"""Retention: deleting or clearing people's details once the organisation no longer needs them,
by each organisation's own periods (Organisation.*_retention_days)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from workshops.models import (
    Attendee,
    EvaluationResponse,
    Invitation,
    Membership,
    Organisation,
    User,
)

from .data_rights import ERASED_DOMAIN, closed_account_clear

logger = logging.getLogger(__name__)


def retention_apply(*, now: datetime | None = None) -> dict:
    """In each organisation: delete attendees whose delivery's last session started more than
    its attendee period ago (their register marks go with them) and evaluation answers older
    than its answer period; then clear closed accounts whose period is over.

    An empty period keeps everything. Safe to run again. Each organisation and each account is
    done in a transaction of its own, so one that fails (logged) holds up none of the others.
    The counts go to the app's log; the contribution log records each account cleared (it
    records members, and attendees are not). Results already exported (CSV) are outside
    coprod's reach.
    """
    now = now or timezone.now()
    done = {"attendees": 0, "answers": 0, "accounts": 0}
    for organisation in Organisation.objects.all():
        try:
            with transaction.atomic():
                attendees = _attendees_delete(organisation, now)
                answers = _answers_delete(organisation, now)
        except Exception:
            logger.exception("Retention failed in organisation %s", organisation.pk)
            continue
        done["attendees"] += attendees
        done["answers"] += answers
    for user in _closed_accounts_due(now):
        try:
            closed_account_clear(user=user)
        except Exception:
            logger.exception("Clearing closed account %s failed", user.pk)
            continue
        done["accounts"] += 1
    logger.info(
        "Retention: deleted %(attendees)s attendee(s) and %(answers)s answer set(s); cleared "
        "%(accounts)s closed account(s).",
        done,
    )
    return done


def _attendees_delete(organisation: Organisation, now: datetime) -> int:
    if organisation.attendee_retention_days is None:
        return 0
    expired = (
        Attendee.objects.filter(delivery__workshop__organisation=organisation)
        .annotate(last_session=Max("delivery__sessions__starts_at"))
        .filter(last_session__lt=now - timedelta(days=organisation.attendee_retention_days))
        .values_list("pk", flat=True)
    )
    _, by_model = Attendee.objects.filter(pk__in=list(expired)).delete()
    return by_model.get(Attendee._meta.label, 0)


def _answers_delete(organisation: Organisation, now: datetime) -> int:
    if organisation.answer_retention_days is None:
        return 0
    _, by_model = EvaluationResponse.objects.filter(
        delivery__workshop__organisation=organisation,
        created_at__lt=now - timedelta(days=organisation.answer_retention_days),
    ).delete()
    return by_model.get(EvaluationResponse._meta.label, 0)


def _closed_accounts_due(now: datetime) -> list[User]:
    """Accounts that belong to no organisation now, are not erased yet, and left their last
    organisation longer ago than the longest period among the organisations they were in (any
    of them keeping closed accounts keeps the account). Never the site's operators, nor anyone
    invited back and not yet joined: clearing would spoil their invitation."""
    invited = Invitation.objects.filter(
        accepted_at__isnull=True,
        created_at__gte=now - timedelta(days=settings.INVITATION_VALID_DAYS),
    ).values("email")
    closed = (
        User.objects.exclude(email__iendswith=f"@{ERASED_DOMAIN}")
        .filter(is_staff=False, is_superuser=False)
        .exclude(email__in=invited)
        .annotate(
            current=Count("memberships", filter=Q(memberships__removed_at__isnull=True)),
            left_at=Max("memberships__removed_at"),
        )
        .filter(current=0, left_at__isnull=False)
    )
    closed = list(closed)
    periods: dict[int, list] = {}
    for user_id, days in Membership.objects.filter(user__in=closed).values_list(
        "user_id", "organisation__closed_account_retention_days"
    ):
        periods.setdefault(user_id, []).append(days)
    due = []
    for user in closed:
        days = periods[user.pk]
        if None not in days and user.left_at < now - timedelta(days=max(days)):
            due.append(user)
    return due
