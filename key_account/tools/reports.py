"""Periods of the scheduled reports (SPEC R81-R83)."""

import datetime

from .kpi import period_bounds

# Scheduled report kinds and how often each is sent.
FREQUENCIES = {
    "rep_weekly": "weekly",
    "meeting_pack": "weekly",
    "head_monthly": "monthly",
    "clerk_daily": "daily",
    "clerk_monthly": "monthly",
}


def week_bounds(day):
    """Monday and Sunday of ``day``'s week."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def month_bounds(day):
    """First and last day of ``day``'s month."""
    return period_bounds("month", day)


def plan_bounds(period_type, day):
    """First and last day of the visit plan of ``period_type`` (``"week"``
    or ``"month"``) containing ``day``."""
    if period_type == "week":
        return week_bounds(day)
    if period_type == "month":
        return month_bounds(day)
    raise ValueError(f"Unknown plan period {period_type!r}")


def planned_visits(plans):
    """Visits a rep planned, from their plans ``plans`` (iterable of
    ``(period_type, first day, planned count)``) of one period (R55).

    A weekly plan is the finer one: it always counts, and a monthly plan
    counts only when no weekly plan starts within its month, so that a rep
    planning both ways is not counted twice."""
    plans = list(plans)
    weekly_months = {
        (start.year, start.month) for kind, start, _count in plans if kind == "week"
    }
    total = 0
    for kind, start, count in plans:
        if kind not in ("week", "month"):
            raise ValueError(f"Unknown plan period {kind!r}")
        if kind == "month" and (start.year, start.month) in weekly_months:
            continue
        total += count
    return total


def is_month_last_week(monday):
    """Whether the week starting on ``monday`` is the last one starting in
    its month: the week whose report carries the customer log (R81)."""
    if monday.weekday() != 0:
        raise ValueError("A week starts on a Monday")
    return (monday + datetime.timedelta(days=7)).month != monday.month


def due_reports(today, report_weekday=4, meeting_weekday=0, weekend=(5, 6)):
    """The reports due on ``today``: a list of (kind, first day, last day).

    - the rep's weekly report of the running week on ``report_weekday``
      (Friday: the reminder before the Monday meeting, R81);
    - the Monday meeting pack of the previous week on ``meeting_weekday``
      (R83), listing the weekly reports missing for that week;
    - the KA head's and the clerk's monthly reports of the previous month on
      the 1st (R82);
    - the clerk's daily report of the previous day, unless it fell on the
      weekend (R82).
    """
    for weekday in (report_weekday, meeting_weekday):
        if not 0 <= weekday <= 6:
            raise ValueError("Weekdays run from 0 (Monday) to 6 (Sunday)")
    due = []
    yesterday = today - datetime.timedelta(days=1)
    if yesterday.weekday() not in weekend:
        due.append(("clerk_daily", yesterday, yesterday))
    if today.weekday() == report_weekday:
        due.append(("rep_weekly", *week_bounds(today)))
    if today.weekday() == meeting_weekday:
        due.append(("meeting_pack", *week_bounds(today - datetime.timedelta(days=7))))
    if today.day == 1:
        first, last = month_bounds(yesterday)
        due.append(("head_monthly", first, last))
        due.append(("clerk_monthly", first, last))
    return due
