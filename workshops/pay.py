"""Fair pay arithmetic: which rate is in force, what an entry of time is worth, and money shown
as people read it. Pure functions, no ORM, so every rule here can be checked by hand.

Money is always whole pence (an int): sums of pence are exact, where sums of pounds as floats
are not.

The rules, as the rate card page states them:

- The rate in force for a piece of time is the latest row starting on or before its date for its
  activity (of two starting the same day, the one added last). A row for that activity beats a
  row for "any activity", whatever their dates, so a lead can set one activity apart without
  restating the others.
- Per hour: minutes / 60 x the hourly rate, rounded to the nearest penny, a half penny upwards
  (90 minutes at £12.25 an hour is £18.375, paid as £18.38).
- Per half day: up to 4 hours is one half day; more than 4 hours is two half days (a day).
- Per day: up to 4 hours is half the day rate (a half penny upwards); more is the day rate.
  One entry is never more than one day.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from workshops.enums import Payment, RateUnit

# Up to this much time counts as a half day; more counts as a day.
HALF_DAY_MINUTES = 4 * 60
# When less than this share of a funding pot is left, the page warns.
LOW_FUNDS_SHARE = Decimal("0.20")
# Choices whose money leaves the organisation: the rest (volunteered, declined, donated) cost it
# nothing and are not income to the person.
PAID_CHOICES = (Payment.PAID, Payment.REDUCED)


@dataclass(frozen=True)
class Rate:
    """One row of a rate card. ``activity`` is "" for a row that covers any activity."""

    activity: str
    unit: str
    amount_pence: int
    starts_on: date


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _latest(rows: list[Rate]) -> Rate | None:
    """The row that started last; of rows starting the same day, the one added last (rates
    are passed in the order they were added)."""
    latest = None
    for row in rows:
        if latest is None or row.starts_on >= latest.starts_on:
            latest = row
    return latest


def rate_in_force(rates: Iterable[Rate], *, activity: str, day: date) -> Rate | None:
    """The row that prices time of ``activity`` on ``day``; None when the card has none.

    Mileage rows price expenses, never time, so they are left out here."""
    started = [r for r in rates if r.starts_on <= day and r.unit != RateUnit.MILE]
    for wanted in (activity, ""):
        latest = _latest([r for r in started if r.activity == wanted])
        if latest is not None:
            return latest
    return None


def mileage_rate_in_force(rates: Iterable[Rate], *, day: date, default_pence: int) -> int:
    """Pence per mile on ``day``: the latest mileage row started by then, else the setting."""
    latest = _latest([r for r in rates if r.unit == RateUnit.MILE and r.starts_on <= day])
    return default_pence if latest is None else latest.amount_pence


def amount_for(minutes: int, rate: Rate | None) -> int:
    """What ``minutes`` of time are worth at ``rate``, in pence (0 with no rate)."""
    if rate is None or minutes <= 0:
        return 0
    if rate.unit == RateUnit.HOUR:
        return _round_half_up(Decimal(minutes) * rate.amount_pence / 60)
    if rate.unit == RateUnit.HALF_DAY:
        return rate.amount_pence * (1 if minutes <= HALF_DAY_MINUTES else 2)
    if rate.unit == RateUnit.DAY:
        if minutes <= HALF_DAY_MINUTES:
            return _round_half_up(Decimal(rate.amount_pence) / 2)
        return rate.amount_pence
    return 0


def entry_amount(rates: Iterable[Rate], *, activity: str, day: date, minutes: int) -> int:
    return amount_for(minutes, rate_in_force(rates, activity=activity, day=day))


def mileage_amount(miles: Decimal, pence_per_mile: int) -> int:
    """Miles x pence per mile, to the nearest penny (a half penny upwards)."""
    return _round_half_up(Decimal(miles) * pence_per_mile)


def to_be_paid(*, payment: str, amount_pence: int, reduced_pence: int | None) -> int:
    """What the organisation pays for one entry, given the person's choice."""
    if payment == Payment.PAID:
        return amount_pence
    if payment == Payment.REDUCED:
        return min(reduced_pence or 0, amount_pence)
    return 0


def pounds_to_pence(pounds: Decimal) -> int:
    return _round_half_up(Decimal(pounds) * 100)


def pence_to_pounds(pence: int | None) -> str | None:
    """12.50 for 1250 pence: the plain figure for a CSV, a JSON file or a form."""
    return None if pence is None else f"{pence / 100:.2f}"


def money(pence: int | None) -> str:
    """£12.50; -£3.00 for an overspend."""
    pence = pence or 0
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def month_start(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class FundsLeft:
    amount_pence: int
    spent_pence: int

    @property
    def remaining_pence(self) -> int:
        return self.amount_pence - self.spent_pence

    @property
    def overspent(self) -> bool:
        return self.remaining_pence < 0

    @property
    def overspent_pence(self) -> int:
        return max(0, -self.remaining_pence)

    @property
    def low(self) -> bool:
        """Less than a fifth of the pot left (an overspent pot is low too)."""
        return self.remaining_pence < self.amount_pence * LOW_FUNDS_SHARE
