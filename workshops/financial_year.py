"""UK financial years run from 1 April to 31 March. Pure functions."""

from datetime import date


def financial_year_of(day: date) -> int:
    """The year in which the financial year holding ``day`` starts (2026 for 2026-27)."""
    return day.year if day >= date(day.year, 4, 1) else day.year - 1


def financial_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def financial_year_label(start_year: int) -> str:
    return f"{start_year}-{str(start_year + 1)[-2:]}"
