"""Calendar maths: months, anniversaries, working days (SPEC §1)."""

import calendar
import datetime


def add_months(day, months):
    """``day`` shifted by ``months`` calendar months, clamped to month end
    (2025-01-31 + 1 month = 2025-02-28)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def is_overdue_more_than(due, today, months):
    """ "More than N months overdue": today > due date + N calendar months."""
    return today > add_months(due, months)


def next_anniversary(day, today):
    """Next yearly occurrence of ``day``'s month and day on or after ``today``
    (29 February falls on 28 February in other years)."""
    for year in (today.year, today.year + 1):
        last = calendar.monthrange(year, day.month)[1]
        candidate = datetime.date(year, day.month, min(day.day, last))
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def reminder_is_due(day, today, days_before):
    """Whether the reminder for the next anniversary of ``day`` is due today
    or was due earlier this cycle (within ``days_before`` days before it)."""
    upcoming = next_anniversary(day, today)
    return today >= upcoming - datetime.timedelta(days=days_before)


def add_working_days(start, days, weekend=(5, 6), holidays=()):
    """``start`` plus ``days`` working days (Monday=0 ... Sunday=6).

    Adding 0 days returns ``start`` itself.
    """
    if days < 0:
        raise ValueError("Working days to add cannot be negative")
    if len(set(weekend)) >= 7:
        raise ValueError("A week needs at least one working day")
    holidays = set(holidays)
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if current.weekday() not in weekend and current not in holidays:
            remaining -= 1
    return current


def days_domain(field, date_from, date_to):
    """Search domain of the datetimes ``field`` from the start of the day
    ``date_from`` to the end of the day ``date_to`` (naive, as stored)."""
    start = datetime.datetime.combine(date_from, datetime.time.min)
    end = datetime.datetime.combine(
        date_to + datetime.timedelta(days=1), datetime.time.min
    )
    return [(field, ">=", start), (field, "<", end)]
