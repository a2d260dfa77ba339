"""Financial years run from 1 April to 31 March."""

from datetime import date

import pytest

from workshops.financial_year import (
    financial_year_bounds,
    financial_year_label,
    financial_year_of,
)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2025, 4, 1), 2025),
        (date(2026, 1, 1), 2025),
        (date(2026, 12, 31), 2026),
    ],
)
def test_financial_year_of_starts_on_1_april(day, year):
    assert financial_year_of(day) == year


def test_financial_year_bounds_and_label():
    assert financial_year_bounds(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    assert financial_year_label(2025) == "2025-26"
    assert financial_year_label(2099) == "2099-00"
