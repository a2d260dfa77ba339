"""Retention: deleting people's details once the organisation no longer needs them."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from workshops.models import Attendee, EvaluationResponse

logger = logging.getLogger(__name__)


def _days(setting: str) -> int | None:
    value = str(setting).strip()
    return int(value) if value else None


@transaction.atomic
def retention_apply(*, now: datetime | None = None) -> dict:
    """Delete attendees whose delivery's last session started more than
    ATTENDEE_RETENTION_DAYS ago (their register marks go with them), and evaluation answers
    given more than ANSWER_RETENTION_DAYS ago. Safe to run again. Written to the app's log
    with the counts: the contribution log records members' work, and this is no member's.
    Results already exported (CSV) are outside coprod's reach."""
    now = now or timezone.now()
    deleted = {"attendees": 0, "answers": 0}
    attendee_days = _days(settings.ATTENDEE_RETENTION_DAYS)
    if attendee_days is not None:
        expired = (
            Attendee.objects.annotate(last_session=Max("delivery__sessions__starts_at"))
            .filter(last_session__lt=now - timedelta(days=attendee_days))
            .values_list("pk", flat=True)
        )
        _, by_model = Attendee.objects.filter(pk__in=list(expired)).delete()
        deleted["attendees"] = by_model.get(Attendee._meta.label, 0)
    answer_days = _days(settings.ANSWER_RETENTION_DAYS)
    if answer_days is not None:
        _, by_model = EvaluationResponse.objects.filter(
            created_at__lt=now - timedelta(days=answer_days)
        ).delete()
        deleted["answers"] = by_model.get(EvaluationResponse._meta.label, 0)
    logger.info(
        "Retention: deleted %(attendees)s attendee(s) and %(answers)s answer set(s).", deleted
    )
    return deleted
