"""The fair pay arithmetic (workshops.pay): which rate is in force, what time is worth per
hour, half day and day, rounding to the penny, and which financial year an amount falls in."""

from datetime import date
from decimal import Decimal

import pytest

from workshops.enums import Payment, RateUnit, TimeActivity
from workshops.financial_year import financial_year_of
from workshops.pay import (
    FundsLeft,
    Rate,
    amount_for,
    entry_amount,
    mileage_amount,
    mileage_rate_in_force,
    money,
    pounds_to_pence,
    rate_in_force,
    to_be_paid,
)

HOURLY = Rate("", RateUnit.HOUR, 2000, date(2025, 4, 1))  # £20 an hour, any activity
RAISED = Rate("", RateUnit.HOUR, 2500, date(2025, 6, 15))  # £25 an hour from mid-June
DELIVERY_DAY = Rate(TimeActivity.DELIVERY, RateUnit.DAY, 15001, date(2025, 1, 1))
CARD = [HOURLY, RAISED, DELIVERY_DAY]


def test_pay_rate_change_mid_month_prices_each_day_at_its_own_rate():
    before = entry_amount(CARD, activity=TimeActivity.REVIEW, day=date(2025, 6, 14), minutes=60)
    on_the_day = entry_amount(CARD, activity=TimeActivity.REVIEW, day=date(2025, 6, 15), minutes=60)
    after = entry_amount(CARD, activity=TimeActivity.REVIEW, day=date(2025, 6, 30), minutes=60)

    assert (before, on_the_day, after) == (2000, 2500, 2500)


def test_pay_activity_row_beats_any_activity_row_even_when_older():
    rate = rate_in_force(CARD, activity=TimeActivity.DELIVERY, day=date(2025, 7, 1))

    assert rate == DELIVERY_DAY


def test_pay_of_two_rows_starting_the_same_day_the_one_added_last_counts():
    first = Rate("", RateUnit.HOUR, 1000, date(2025, 4, 1))
    second = Rate("", RateUnit.HOUR, 1200, date(2025, 4, 1))

    assert rate_in_force([first, second], activity=TimeActivity.REVIEW, day=date(2025, 4, 1)) == (
        second
    )


def test_pay_no_row_started_yet_is_no_rate_and_nothing_owed():
    assert rate_in_force(CARD, activity=TimeActivity.REVIEW, day=date(2025, 3, 31)) is None
    assert entry_amount(CARD, activity=TimeActivity.REVIEW, day=date(2025, 3, 31), minutes=60) == 0


@pytest.mark.parametrize(
    ("minutes", "pence"),
    [(60, 2000), (90, 3000), (1, 33), (2, 67), (45, 1500)],
)
def test_pay_per_hour_is_minutes_over_sixty_times_the_rate(minutes, pence):
    # 1 minute at £20 an hour is 33.33p (33p); 2 minutes is 66.67p (67p).
    assert amount_for(minutes, HOURLY) == pence


def test_pay_per_hour_rounds_a_half_penny_up():
    # 90 minutes at £12.25 an hour is £18.375: paid as £18.38.
    assert amount_for(90, Rate("", RateUnit.HOUR, 1225, date(2025, 1, 1))) == 1838


@pytest.mark.parametrize(("minutes", "pence"), [(1, 6000), (240, 6000), (241, 12000), (600, 12000)])
def test_pay_per_half_day_up_to_four_hours_is_one_half_day(minutes, pence):
    assert amount_for(minutes, Rate("", RateUnit.HALF_DAY, 6000, date(2025, 1, 1))) == pence


@pytest.mark.parametrize(("minutes", "pence"), [(30, 7501), (240, 7501), (241, 15001)])
def test_pay_per_day_up_to_four_hours_is_half_the_day_rounded_up(minutes, pence):
    # Half of £150.01 is £75.005: paid as £75.01.
    assert amount_for(minutes, DELIVERY_DAY) == pence


def test_pay_31_march_and_1_april_fall_in_different_financial_years():
    card = [
        Rate("", RateUnit.HOUR, 1800, date(2024, 4, 1)),
        Rate("", RateUnit.HOUR, 2000, date(2025, 4, 1)),
    ]
    march = entry_amount(card, activity=TimeActivity.REVIEW, day=date(2025, 3, 31), minutes=60)
    april = entry_amount(card, activity=TimeActivity.REVIEW, day=date(2025, 4, 1), minutes=60)

    assert (financial_year_of(date(2025, 3, 31)), march) == (2024, 1800)
    assert (financial_year_of(date(2025, 4, 1)), april) == (2025, 2000)


def test_pay_mileage_rows_price_expenses_and_never_time():
    card = [Rate("", RateUnit.MILE, 40, date(2025, 1, 1))]

    assert rate_in_force(card, activity=TimeActivity.TRAVEL, day=date(2025, 6, 1)) is None
    assert mileage_rate_in_force(card, day=date(2025, 6, 1), default_pence=45) == 40
    assert mileage_rate_in_force(card, day=date(2024, 6, 1), default_pence=45) == 45
    assert mileage_amount(Decimal("12.5"), 45) == 563  # 562.5p, a half penny up


@pytest.mark.parametrize(
    ("payment", "reduced", "paid"),
    [
        (Payment.PAID, None, 3000),
        (Payment.REDUCED, 1000, 1000),
        (Payment.REDUCED, 5000, 3000),  # never above the full amount
        (Payment.DONATED, None, 0),
        (Payment.DECLINED, None, 0),
        (Payment.VOLUNTEERED, None, 0),
    ],
)
def test_pay_what_is_paid_follows_the_choice(payment, reduced, paid):
    assert to_be_paid(payment=payment, amount_pence=3000, reduced_pence=reduced) == paid


def test_pay_money_is_shown_in_pounds_and_pence():
    assert [money(1250), money(5), money(123456), money(-300), money(None)] == [
        "£12.50",
        "£0.05",
        "£1,234.56",
        "-£3.00",
        "£0.00",
    ]
    assert pounds_to_pence(Decimal("12.5")) == 1250


def test_pay_funds_low_below_a_fifth_and_overspent_below_nothing():
    assert not FundsLeft(amount_pence=10000, spent_pence=8000).low
    assert FundsLeft(amount_pence=10000, spent_pence=8001).low
    overspent = FundsLeft(amount_pence=10000, spent_pence=10050)
    assert (overspent.overspent, overspent.low, overspent.remaining_pence) == (True, True, -50)
