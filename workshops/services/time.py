"""Time records: what each person gave, and how it is paid."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from workshops.enums import Action, Payment
from workshops.models import CoDesignSession, Membership, TimeEntry
from workshops.pay import entry_amount
from workshops.rules import MANAGE_MEMBERS, VIEW
from workshops.selectors.pay import month_is_closed, rate_card

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
    """A member records their own time (a lead may record it for them). Its amount is set
    from the rate card in force on its date; a month closed for payments takes no more time."""
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
    if payment == Payment.REDUCED:
        raise ValidationError(
            {"payment": _("Record the time first, then choose a reduced amount on your payments.")}
        )
    organisation = membership.organisation
    if month_is_closed(organisation=organisation, day=date):
        raise ValidationError(
            {"date": _("That month is closed for payments. Please ask your organisation lead.")}
        )
    rates = rate_card(organisation=organisation)
    entry = TimeEntry.objects.create(
        membership=membership,
        date=date,
        minutes=minutes,
        activity=activity,
        payment=payment,
        amount_pence=entry_amount(rates, activity=activity, day=date, minutes=minutes),
        note=note,
        session=session,
    )
    contribution_record(actor=actor, action=Action.TIME_LOG, target=entry)
    return entry
