"""Validity arithmetic across month ends and leap years (pure functions)."""
from __future__ import annotations

from datetime import date

import pytest

from apps.tiers.choices import ValidityMode
from apps.tiers.validity import add_months, is_month_end, month_end, next_yearly, validity_end


@pytest.mark.parametrize("start, months, expected", [
    (date(2024, 4, 15), 12, date(2025, 4, 15)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),    # leap February
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # leap day + a year
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    (date(2024, 12, 31), 2, date(2025, 2, 28)),
])
def test_fixed_months(start, months, expected):
    assert validity_end(mode=ValidityMode.FIXED_MONTHS, start=start, months=months) == expected
    assert add_months(start, months) == expected


@pytest.mark.parametrize("registered, start, minimum, expected", [
    (date(2024, 10, 25), date(2025, 10, 15), 0, date(2025, 10, 25)),  # the platform's example: 10 days later
    (date(2024, 10, 25), date(2025, 10, 15), 3, date(2026, 10, 25)),  # minimum duration pushes a year on
    (date(2024, 10, 25), date(2025, 10, 25), 0, date(2026, 10, 25)),  # upgraded on the anniversary itself
    (date(2020, 2, 29), date(2023, 1, 10), 0, date(2023, 2, 28)),    # leap-day registrant, common year
    (date(2020, 2, 29), date(2023, 3, 10), 0, date(2024, 2, 29)),    # and in a leap year
])
def test_registration_anniversary(registered, start, minimum, expected):
    assert validity_end(mode=ValidityMode.REGISTRATION_ANNIVERSARY, start=start, registered_on=registered,
                        min_duration_months=minimum) == expected


@pytest.mark.parametrize("start, month, day, minimum, expected", [
    (date(2024, 4, 15), 12, 31, 0, date(2024, 12, 31)),
    (date(2024, 12, 31), 12, 31, 0, date(2025, 12, 31)),
    (date(2024, 11, 15), 12, 31, 3, date(2025, 12, 31)),
    (date(2023, 3, 1), 2, 29, 0, date(2024, 2, 29)),
    (date(2024, 3, 1), 2, 29, 0, date(2025, 2, 28)),
])
def test_fixed_date(start, month, day, minimum, expected):
    assert validity_end(mode=ValidityMode.FIXED_DATE, start=start, fixed_month=month, fixed_day=day,
                        min_duration_months=minimum) == expected


def test_no_expiry_and_month_helpers():
    assert validity_end(mode=ValidityMode.NONE, start=date(2024, 1, 1)) is None
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29) and is_month_end(date(2023, 2, 28))
    assert not is_month_end(date(2024, 2, 28))
    assert next_yearly(date(2024, 6, 1), 6, 1) == date(2025, 6, 1)
