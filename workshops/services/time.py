"""Time records: what each person gave, and how it is paid."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from workshops.enums import Action
from workshops.models import CoDesignSession, Membership, TimeEntry
from workshops.rules import MANAGE_MEMBERS, VIEW

from .contributions import contribution_record
from .permissions import require


@transaction.atomic
def time_entry_create(
    *,
    membership: Membership,
    date: datetime.date,
    minutes: int,
    activity: str,
    payment: str,
    note: str = "",
    session: CoDesignSession | None = None,
    actor: Membership,
) -> TimeEntry:
    """A member records their own time (a lead may record it for them)."""
    if actor.organisation_id != membership.organisation_id:
        raise PermissionDenied
    if actor.pk != membership.pk:
        require(actor, MANAGE_MEMBERS, membership)
    else:
        require(actor, VIEW, membership)
    if (
        session is not None
        and TimeEntry.objects.filter(membership=membership, session=session).exists()
    ):
        raise ValidationError(_("Time for this session has already been confirmed."))
    entry = TimeEntry.objects.create(
        membership=membership,
        date=date,
        minutes=minutes,
        activity=activity,
        payment=payment,
        note=note,
        session=session,
    )
    contribution_record(actor=actor, action=Action.TIME_LOG, target=entry)
    return entry
