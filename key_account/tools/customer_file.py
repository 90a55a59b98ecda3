"""Customer-file maths (SPEC R69, R71, R78): the entry deadline of
collected information, purchase frequency and revenue share."""

import datetime

from .dates import add_months, add_working_days


def entry_deadline(learned, days=2):
    """Last day to enter (and review) information learned on ``learned``:
    ``days`` working days later (R69)."""
    return add_working_days(learned, days)


def entered_late(learned, entered, days=2):
    """Whether information learned on ``learned`` and entered on
    ``entered`` missed the ``days`` working-day limit."""
    return entered > entry_deadline(learned, days)


def window_start(today, months):
    """First day of the ``months`` months ending on ``today`` (included):
    12 months to 2025-06-15 start on 2024-06-16."""
    if months < 1:
        raise ValueError("The window is at least one month")
    return add_months(today, -months) + datetime.timedelta(days=1)


def per_month(count, months):
    """``count`` spread over ``months`` months (orders or amount per month)."""
    if months < 1:
        raise ValueError("The window is at least one month")
    return count / months


def share(part, total):
    """``part`` in % of ``total``; 0 without a (positive) total."""
    if not total or total <= 0:
        return 0.0
    return part * 100.0 / total
