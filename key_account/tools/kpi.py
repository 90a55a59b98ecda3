"""KPI maths (SPEC R77-R80, R85): periods, completion rates, the sales score
and the quarterly assessment."""

import calendar
import datetime
import math

PERIOD_TYPES = ("month", "quarter", "year")
# Shortfalls are compared after rounding to this many decimals, so that
# 95.0 % read back as 94.99999999 is still one 5 % step, not two.
PERCENT_DIGITS = 6


def period_bounds(period_type, day):
    """(first day, last day) of the month, quarter or year containing ``day``."""
    if period_type == "month":
        first_month, months = day.month, 1
    elif period_type == "quarter":
        first_month, months = 3 * ((day.month - 1) // 3) + 1, 3
    elif period_type == "year":
        first_month, months = 1, 12
    else:
        raise ValueError(f"Unknown period type {period_type!r}")
    last_month = first_month + months - 1
    last_day = calendar.monthrange(day.year, last_month)[1]
    return (
        datetime.date(day.year, first_month, 1),
        datetime.date(day.year, last_month, last_day),
    )


def percent(actual, target):
    """``actual`` ÷ ``target`` × 100, or None without a (positive) target:
    nothing to complete is no 0 % and no 100 % either."""
    if not target or target <= 0:
        return None
    return actual * 100.0 / target


def sales_score(completion, points=25.0, step=5.0):
    """R79: ``points`` at ``completion`` ≥ 100 %, one point less per full
    ``step`` % below (floor), never below 0, no bonus above 100 %.
    No completion (no target) scores nothing."""
    if step <= 0:
        raise ValueError("The scoring step must be positive")
    if points < 0:
        raise ValueError("The points of sales completion cannot be negative")
    if completion is None:
        return 0.0
    shortfall = round(100.0 - completion, PERCENT_DIGITS)
    if shortfall <= 0:
        return float(points)
    steps = math.floor(round(shortfall / step, PERCENT_DIGITS))
    return float(max(0.0, points - steps))


def below_threshold(score, threshold):
    """R80: a quarterly score below ``threshold`` records a verbal warning."""
    return round(score, PERCENT_DIGITS) < round(threshold, PERCENT_DIGITS)


def working_days(date_from, date_to, weekend=(5, 6), holidays=()):
    """Working days from ``date_from`` to ``date_to`` included (Monday=0)."""
    if date_to < date_from:
        return 0
    holidays = set(holidays)
    total = (date_to - date_from).days + 1
    full_weeks, rest = divmod(total, 7)
    count = full_weeks * (7 - len(set(weekend)))
    for offset in range(rest):
        day = date_from + datetime.timedelta(days=full_weeks * 7 + offset)
        if day.weekday() not in weekend:
            count += 1
    count -= sum(
        1
        for day in holidays
        if date_from <= day <= date_to and day.weekday() not in weekend
    )
    return count


def activity_target(per_day, days):
    """R85: the activities expected over ``days`` working days at
    ``per_day`` a day (0: no target)."""
    return max(0.0, per_day or 0.0) * max(0, days)
