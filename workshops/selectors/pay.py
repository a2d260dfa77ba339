"""Fair pay reads: the rate card, months closed, each person's payments and expenses, a funding
pot's spend, statements and the payroll. Callers pass an organisation already fetched through
``organisation_get`` (404 outside the user's organisations); everything here stays inside it."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet

from workshops.enums import Payment
from workshops.financial_year import financial_year_bounds, financial_year_label
from workshops.models import (
    Expense,
    FundingPot,
    Membership,
    Organisation,
    PayMonthClose,
    PayRate,
    TimeEntry,
)
from workshops.pay import (
    PAID_CHOICES,
    FundsLeft,
    Rate,
    mileage_rate_in_force,
    month_start,
    to_be_paid,
)

from .base import get_or_404
from .members import organisation_members

# HMRC's approved mileage rate for cars (the first 10,000 miles), used when the rate card has
# no mileage row. ``PAY_PENCE_PER_MILE`` in the settings replaces it.
DEFAULT_PENCE_PER_MILE = 45


def pay_rates(*, organisation: Organisation) -> QuerySet[PayRate]:
    return PayRate.objects.filter(organisation=organisation).select_related("added_by__user")


def rate_card(*, organisation: Organisation) -> list[Rate]:
    """The organisation's rate card as plain rows in the order they were added, for
    ``workshops.pay`` to price time with."""
    return [
        Rate(activity=r.activity, unit=r.unit, amount_pence=r.amount_pence, starts_on=r.starts_on)
        for r in pay_rates(organisation=organisation).order_by("pk")
    ]


def default_pence_per_mile() -> int:
    return getattr(settings, "PAY_PENCE_PER_MILE", DEFAULT_PENCE_PER_MILE)


def pence_per_mile(*, organisation: Organisation, day: date) -> int:
    return mileage_rate_in_force(
        rate_card(organisation=organisation), day=day, default_pence=default_pence_per_mile()
    )


def closed_months(*, organisation: Organisation) -> set[date]:
    return set(
        PayMonthClose.objects.filter(organisation=organisation).values_list("month", flat=True)
    )


def month_is_closed(*, organisation: Organisation, day: date) -> bool:
    return PayMonthClose.objects.filter(organisation=organisation, month=month_start(day)).exists()


def own_time_entry_get(*, membership: Membership, pk: object) -> TimeEntry:
    """One of the person's own time entries (404 for anyone else's)."""
    return get_or_404(TimeEntry.objects.filter(membership=membership), pk=pk)


def expense_get(*, membership: Membership, pk: object, everyone: bool = False) -> Expense:
    """One expense, with whether its month is closed: the person's own, or for a lead
    (``everyone``) anyone's in the organisation; 404 for the rest."""
    if everyone:
        expenses = Expense.objects.filter(membership__organisation_id=membership.organisation_id)
    else:
        expenses = Expense.objects.filter(membership=membership)
    expense = get_or_404(expenses.select_related("membership__user"), pk=pk)
    expense.is_closed = month_is_closed(organisation=membership.organisation, day=expense.date)
    return expense


def pay_month_close_get(*, organisation: Organisation, pk: object) -> PayMonthClose:
    """One of the organisation's closed months (404 for another organisation's)."""
    return get_or_404(PayMonthClose.objects.filter(organisation=organisation), pk=pk)


def _everyone(organisation: Organisation) -> QuerySet[Membership]:
    """Every membership, removed ones too: people who have left are still owed their pay and
    may still need their statement."""
    return Membership.objects.filter(organisation=organisation).select_related("user")


def member_get(*, organisation: Organisation, pk: object) -> Membership:
    return get_or_404(_everyone(organisation), pk=pk)


def statement_people(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation_members(organisation=organisation)


def rate_card_page(*, organisation: Organisation) -> dict:
    return {
        "rates": list(pay_rates(organisation=organisation)),
        "default_pence_per_mile": default_pence_per_mile(),
    }


def payment_choices_page(*, membership: Membership) -> dict:
    """The person's time in months not yet closed (choices they may still change), and their
    time in closed months for the record."""
    closed = closed_months(organisation=membership.organisation)
    entries = list(TimeEntry.objects.filter(membership=membership).order_by("-date", "-pk"))
    return {
        "open_entries": [e for e in entries if month_start(e.date) not in closed],
        "closed_entries": [e for e in entries if month_start(e.date) in closed],
    }


def expenses_page(*, membership: Membership) -> dict:
    closed = closed_months(organisation=membership.organisation)
    expenses = list(Expense.objects.filter(membership=membership).order_by("-date", "-pk"))
    for expense in expenses:
        expense.is_closed = month_start(expense.date) in closed
    return {"expenses": expenses}


def pay_months_page(*, organisation: Organisation) -> dict:
    closes = PayMonthClose.objects.filter(organisation=organisation).select_related(
        "closed_by__user"
    )
    return {"closes": list(closes)}


def _paid_in(entries: QuerySet[TimeEntry]) -> int:
    return sum(
        to_be_paid(payment=p, amount_pence=a, reduced_pence=r)
        for p, a, r in entries.filter(payment__in=PAID_CHOICES).values_list(
            "payment", "amount_pence", "reduced_pence"
        )
    )


def year_spend(*, organisation: Organisation, year: int) -> int:
    """Pence spent in the financial year: payments to be paid, reduced amounts and expenses.
    Donated, declined and volunteered time costs nothing."""
    start, end = financial_year_bounds(year)
    entries = TimeEntry.objects.filter(
        membership__organisation=organisation, date__range=(start, end)
    )
    expenses = Expense.objects.filter(
        membership__organisation=organisation, date__range=(start, end)
    ).values_list("amount_pence", flat=True)
    return _paid_in(entries) + sum(expenses)


def funding_page(*, organisation: Organisation, year: int) -> dict:
    pot = FundingPot.objects.filter(organisation=organisation, year=year).first()
    spent = year_spend(organisation=organisation, year=year)
    return {
        "pot": pot,
        "year": year,
        "year_label": financial_year_label(year),
        "spent_pence": spent,
        "funds": FundsLeft(amount_pence=pot.amount_pence, spent_pence=spent) if pot else None,
    }


def statement(*, membership: Membership, year: int) -> dict:
    """One person's year, for a benefits adviser: every time entry with its amount and choice,
    and expenses apart, with the payments (income) and expenses (not income) totalled."""
    start, end = financial_year_bounds(year)
    entries = list(
        TimeEntry.objects.filter(membership=membership, date__range=(start, end)).order_by(
            "date", "pk"
        )
    )
    for entry in entries:
        entry.paid_pence = to_be_paid(
            payment=entry.payment,
            amount_pence=entry.amount_pence,
            reduced_pence=entry.reduced_pence,
        )
    expenses = list(
        Expense.objects.filter(membership=membership, date__range=(start, end)).order_by(
            "date", "pk"
        )
    )
    return {
        "person": membership,
        "year": year,
        "year_label": financial_year_label(year),
        "entries": entries,
        "expenses": expenses,
        "payments_total": sum(e.paid_pence for e in entries),
        "donated_total": sum(e.amount_pence for e in entries if e.payment == Payment.DONATED),
        "expenses_total": sum(e.amount_pence for e in expenses),
    }


def payroll(*, organisation: Organisation, month: date) -> list[dict]:
    """Per person, one month: what is to be paid (paid and reduced), what they donated, how many
    entries they declined or volunteered, and expenses to pay back. People with nothing in the
    month are left out."""
    start = month_start(month)
    return _payroll_rows(organisation, start, _next_month(start))


def payroll_year(*, organisation: Organisation, year: int) -> list[dict]:
    """The financial year starting in April of ``year``, month by month: each month's rows as
    ``payroll`` gives them, in month order, read in the same three queries."""
    first, last = financial_year_bounds(year)
    return _payroll_rows(organisation, first, last + timedelta(days=1))


def _next_month(start: date) -> date:
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _payroll_rows(organisation: Organisation, start: date, end: date) -> list[dict]:
    members = {m.pk: m for m in _everyone(organisation).order_by("user__full_name", "pk")}
    order = {pk: position for position, pk in enumerate(members)}
    rows: dict[tuple[date, int], dict] = {}

    def row_for(day: date, membership_id: int) -> dict:
        month = month_start(day)
        return rows.setdefault(
            (month, membership_id),
            {
                "month": month,
                "person": members[membership_id].user.full_name,
                "membership_id": membership_id,
                "pay_pence": 0,
                "donated_pence": 0,
                "declined": 0,
                "volunteered": 0,
                "expenses_pence": 0,
            },
        )

    for entry in TimeEntry.objects.filter(
        membership__organisation=organisation, date__gte=start, date__lt=end
    ):
        row = row_for(entry.date, entry.membership_id)
        row["pay_pence"] += to_be_paid(
            payment=entry.payment,
            amount_pence=entry.amount_pence,
            reduced_pence=entry.reduced_pence,
        )
        if entry.payment == Payment.DONATED:
            row["donated_pence"] += entry.amount_pence
        elif entry.payment in (Payment.DECLINED, Payment.VOLUNTEERED):
            row[entry.payment] += 1
    for expense in Expense.objects.filter(
        membership__organisation=organisation, date__gte=start, date__lt=end
    ):
        row_for(expense.date, expense.membership_id)["expenses_pence"] += expense.amount_pence
    return [rows[key] for key in sorted(rows, key=lambda key: (key[0], order[key[1]]))]
