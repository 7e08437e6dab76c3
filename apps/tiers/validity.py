"""Calendar arithmetic of tier validity: pure functions over dates, no database.

`valid_until` is the last day a tier is held: the check runs at the end of that day (or at the end of the month it
falls in, when the org checks monthly). Month arithmetic clamps to the month's last day, so 31 Jan + 1 month is
28 Feb (29 Feb in a leap year), and an anniversary or fixed date of 29 Feb falls on 28 Feb in other years.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from .choices import ValidityMode


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def is_month_end(day: date) -> bool:
    return day == month_end(day)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def on_day(year: int, month: int, day: int) -> date:
    """(year, month, day) with the day clamped to the month (29 Feb → 28 Feb outside leap years)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_yearly(after: date, month: int, day: int, *, not_before: date | None = None) -> date:
    """The first occurrence of month/day strictly after `after` and not before `not_before`."""
    floor = max(after + timedelta(days=1), not_before or after)
    candidate = on_day(floor.year, month, day)
    while candidate < floor:
        candidate = on_day(candidate.year + 1, month, day)
    return candidate


def validity_end(*, mode: str, start: date, months: int = 12, registered_on: date | None = None,
                 fixed_month: int = 12, fixed_day: int = 31, min_duration_months: int = 0) -> date | None:
    """Last day of a tier entered (or renewed) on `start`; None when tiers do not expire."""
    if mode == ValidityMode.FIXED_MONTHS:
        return add_months(start, months)
    floor = add_months(start, min_duration_months) if min_duration_months else None
    if mode == ValidityMode.REGISTRATION_ANNIVERSARY:
        anchor = registered_on or start
        return next_yearly(start, anchor.month, anchor.day, not_before=floor)
    if mode == ValidityMode.FIXED_DATE:
        return next_yearly(start, fixed_month, fixed_day, not_before=floor)
    return None


def settings_validity_end(settings, *, start: date, registered_on: date | None, first_cycle: bool = True):
    """validity_end with a programme's TierProgramSettings (the minimum duration applies to the first cycle only)."""
    if settings is None:
        return None
    return validity_end(mode=settings.validity_mode, start=start, months=settings.validity_months,
                        registered_on=registered_on, fixed_month=settings.fixed_month, fixed_day=settings.fixed_day,
                        min_duration_months=settings.min_duration_months if first_cycle else 0)
