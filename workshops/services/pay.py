"""Fair pay writes: the rate card, each person's payment choice, closing a month, expenses and
the funding pot. Following NHS England's involvement payment policy, payments are income and
expenses are not, and a person may take the full amount, a reduced amount, donate it or decline
it (for example to protect their benefits) until the lead closes the month."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshops.enums import Action, ExpenseKind, Payment
from workshops.models import (
    Expense,
    FundingPot,
    Membership,
    Organisation,
    PayMonthClose,
    PayRate,
    TimeEntry,
)
from workshops.pay import entry_amount, mileage_amount, month_start
from workshops.rules import MANAGE_MEMBERS, VIEW
from workshops.selectors.pay import closed_months, month_is_closed, pence_per_mile, rate_card

from .contributions import contribution_record
from .permissions import require


def _refuse_if_closed(*, organisation: Organisation, day: datetime.date, field: str) -> None:
    """A ValidationError beside ``field`` when ``day``'s month is closed for payments."""
    if month_is_closed(organisation=organisation, day=day):
        message = _(
            "%(month)s is closed for payments, so this can no longer change. "
            "Please ask your organisation lead if something is wrong."
        ) % {"month": day.strftime("%B %Y")}
        raise ValidationError({field: message})


def _require_self_or_lead(actor: Membership, membership: Membership) -> None:
    """A person writes their own records; a lead may write them for anyone in the team."""
    if actor.organisation_id != membership.organisation_id:
        raise PermissionDenied
    require(actor, VIEW if actor.pk == membership.pk else MANAGE_MEMBERS, membership)


def _reprice_open_entries(*, organisation: Organisation, since: datetime.date) -> int:
    """Price again, at the card as it now is, every entry from ``since`` in a month not yet
    closed. A reduced amount above the new full amount comes down to it. Returns how many
    entries changed."""
    rates = rate_card(organisation=organisation)
    closed = closed_months(organisation=organisation)
    changed = []
    entries = TimeEntry.objects.filter(membership__organisation=organisation, date__gte=since)
    for entry in entries.select_for_update():
        if month_start(entry.date) in closed:
            continue
        amount = entry_amount(rates, activity=entry.activity, day=entry.date, minutes=entry.minutes)
        reduced = entry.reduced_pence
        if reduced is not None and reduced > amount:
            reduced = amount
        if (amount, reduced) != (entry.amount_pence, entry.reduced_pence):
            entry.amount_pence, entry.reduced_pence = amount, reduced
            changed.append(entry)
    TimeEntry.objects.bulk_update(changed, ["amount_pence", "reduced_pence"])
    return len(changed)


@transaction.atomic
def pay_rate_add(
    *,
    organisation: Organisation,
    activity: str,
    unit: str,
    amount_pence: int,
    starts_on: datetime.date,
    actor: Membership,
) -> PayRate:
    """A lead adds a row to the rate card. From ``starts_on`` it replaces the row it covers;
    time already recorded from then, in months still open, is priced again."""
    require(actor, MANAGE_MEMBERS, organisation)
    if amount_pence < 1:
        raise ValidationError({"amount": _("Enter an amount of at least 1p.")})
    rate = PayRate.objects.create(
        organisation=organisation,
        activity=activity,
        unit=unit,
        amount_pence=amount_pence,
        starts_on=starts_on,
        added_by=actor,
    )
    _reprice_open_entries(organisation=organisation, since=starts_on)
    contribution_record(actor=actor, action=Action.PAY_RATE_ADD, target=rate)
    return rate


@transaction.atomic
def payment_choice_set(
    *,
    entry: TimeEntry,
    payment: str,
    reduced_pence: int | None = None,
    actor: Membership,
) -> TimeEntry:
    """A person chooses how their own time is paid: in full, reduced, donated to the
    organisation, declined or volunteered. Only while the month is open."""
    entry = TimeEntry.objects.select_for_update().select_related("membership").get(pk=entry.pk)
    require(actor, VIEW, entry)
    if actor.pk != entry.membership_id:
        raise PermissionDenied
    _refuse_if_closed(organisation=actor.organisation, day=entry.date, field="payment")
    if payment == Payment.REDUCED:
        if reduced_pence is None or reduced_pence < 1:
            raise ValidationError(
                {"reduced": _("Enter the amount you want, or choose to decline the payment.")}
            )
        if reduced_pence > entry.amount_pence:
            raise ValidationError(
                {"reduced": _("A reduced amount cannot be more than the full amount.")}
            )
    else:
        reduced_pence = None
    entry.payment, entry.reduced_pence = payment, reduced_pence
    entry.save(update_fields=["payment", "reduced_pence"])
    contribution_record(actor=actor, action=Action.PAYMENT_CHOICE, target=entry)
    return entry


@transaction.atomic
def pay_month_close(
    *, organisation: Organisation, month: datetime.date, actor: Membership
) -> PayMonthClose:
    """A lead closes a month for payment: its choices and expenses are then final, ready for
    the payroll. A month that has not started cannot be closed."""
    require(actor, MANAGE_MEMBERS, organisation)
    month = month_start(month)
    if month > timezone.localdate():
        raise ValidationError({"month": _("This month has not started yet.")})
    if month_is_closed(organisation=organisation, day=month):
        raise ValidationError({"month": _("This month is already closed.")})
    close = PayMonthClose.objects.create(organisation=organisation, month=month, closed_by=actor)
    contribution_record(actor=actor, action=Action.PAY_MONTH_CLOSE, target=close)
    return close


@transaction.atomic
def pay_month_reopen(*, close: PayMonthClose, actor: Membership) -> None:
    """A lead reopens a closed month so a mistake can be mended: its choices and expenses may
    change again until it is closed once more. The close is deleted (a month closes once at a
    time); the log keeps that it was closed and reopened, and by whom."""
    require(actor, MANAGE_MEMBERS, close)
    close = PayMonthClose.objects.select_for_update().filter(pk=close.pk).first()
    if close is None:
        raise ValidationError({"month": _("This month is not closed.")})
    contribution_record(actor=actor, action=Action.PAY_MONTH_REOPEN, target=close)
    close.delete()


def _expense_amounts(
    *,
    organisation: Organisation,
    date: datetime.date,
    kind: str,
    receipt_note: str,
    amount_pence: int | None,
    miles: Decimal | None,
) -> dict:
    """An expense's checked fields, as they are stored. Mileage is priced from the miles at the
    rate card's mileage rate on ``date``, or the standard rate."""
    per_mile = None
    if kind == ExpenseKind.MILEAGE:
        if not miles or miles <= 0:
            raise ValidationError({"miles": _("Enter how many miles you travelled.")})
        per_mile = pence_per_mile(organisation=organisation, day=date)
        amount_pence = mileage_amount(miles, per_mile)
    else:
        miles = None
    if not amount_pence or amount_pence < 1:
        raise ValidationError({"amount": _("Enter what it cost, for example 4.50.")})
    if not receipt_note.strip():
        raise ValidationError(
            {"receipt_note": _("Say who keeps the receipt, or why there is none.")}
        )
    return {
        "date": date,
        "kind": kind,
        "miles": miles,
        "pence_per_mile": per_mile,
        "amount_pence": amount_pence,
        "receipt_note": receipt_note.strip(),
    }


def _expense_locked(expense: Expense) -> Expense:
    return (
        Expense.objects.select_for_update(of=("self",))
        .select_related("membership__organisation")
        .get(pk=expense.pk)
    )


@transaction.atomic
def expense_add(
    *,
    membership: Membership,
    date: datetime.date,
    kind: str,
    receipt_note: str,
    amount_pence: int | None = None,
    miles: Decimal | None = None,
    actor: Membership,
) -> Expense:
    """A person claims back what taking part cost them (a lead may claim it for them). Mileage
    is priced from the miles at the rate card's mileage rate, or the standard rate."""
    _require_self_or_lead(actor, membership)
    _refuse_if_closed(organisation=membership.organisation, day=date, field="date")
    fields = _expense_amounts(
        organisation=membership.organisation,
        date=date,
        kind=kind,
        receipt_note=receipt_note,
        amount_pence=amount_pence,
        miles=miles,
    )
    expense = Expense.objects.create(membership=membership, **fields)
    contribution_record(actor=actor, action=Action.EXPENSE_ADD, target=expense)
    return expense


@transaction.atomic
def expense_update(
    *,
    expense: Expense,
    date: datetime.date,
    kind: str,
    receipt_note: str,
    amount_pence: int | None = None,
    miles: Decimal | None = None,
    actor: Membership,
) -> Expense:
    """The person whose expense it is, or a lead, mends it while its month is open. It may not
    move into a closed month either. Mileage is priced again at the rate for the new date."""
    expense = _expense_locked(expense)
    _require_self_or_lead(actor, expense.membership)
    organisation = expense.membership.organisation
    _refuse_if_closed(organisation=organisation, day=expense.date, field="date")
    _refuse_if_closed(organisation=organisation, day=date, field="date")
    fields = _expense_amounts(
        organisation=organisation,
        date=date,
        kind=kind,
        receipt_note=receipt_note,
        amount_pence=amount_pence,
        miles=miles,
    )
    for name, value in fields.items():
        setattr(expense, name, value)
    expense.save(update_fields=list(fields))
    contribution_record(actor=actor, action=Action.EXPENSE_EDIT, target=expense)
    return expense


@transaction.atomic
def expense_remove(*, expense: Expense, actor: Membership) -> None:
    """The person whose expense it is, or a lead, takes back a claim while its month is open.
    The row is deleted; the log keeps only its id."""
    expense = _expense_locked(expense)
    _require_self_or_lead(actor, expense.membership)
    _refuse_if_closed(organisation=expense.membership.organisation, day=expense.date, field="date")
    contribution_record(actor=actor, action=Action.EXPENSE_REMOVE, target=expense)
    expense.delete()


@transaction.atomic
def funding_pot_set(
    *, organisation: Organisation, year: int, name: str, amount_pence: int, actor: Membership
) -> FundingPot:
    """A lead says how much there is for payments and expenses in one financial year."""
    require(actor, MANAGE_MEMBERS, organisation)
    pot, _created = FundingPot.objects.update_or_create(
        organisation=organisation, year=year, defaults={"name": name, "amount_pence": amount_pence}
    )
    contribution_record(actor=actor, action=Action.FUNDING_POT_SET, target=pot)
    return pot
