"""Relationship maths (SPEC R31, R56, R57, R73, R74): budgets, survey
scores, dissatisfaction and the expense ratio."""

import datetime


def over_tolerance(budget, actual, tolerance_percent, digits=2):
    """Whether ``actual`` exceeds ``budget`` by more than ``tolerance_percent``
    of it (an entertainment report needing the approvals again). Exactly at
    the tolerance is still within it."""
    if tolerance_percent < 0:
        raise ValueError("The tolerance cannot be negative")
    limit = round(budget * (1 + tolerance_percent / 100.0), digits)
    return round(actual, digits) > limit


def needs_higher_approval(amount, threshold, digits=2):
    """Whether ``amount`` is above ``threshold`` (the general manager's step);
    a threshold of zero or less never applies."""
    if threshold <= 0:
        return False
    return round(amount, digits) > round(threshold, digits)


def survey_score(percentage, scale=5, digits=1):
    """A survey's scoring percentage on a 1..``scale`` score: 40 % of a
    five-point scale is 2. Nothing scored gives 0 (no score)."""
    if scale <= 0:
        raise ValueError("The scale must be positive")
    if not percentage or percentage <= 0:
        return 0.0
    return round(min(percentage, 100.0) * scale / 100.0, digits)


def needs_recovery(score, threshold):
    """A score at or below ``threshold`` needs a recovery plan (R74); a score
    of zero means none was given."""
    return bool(score) and 0 < score <= threshold


def expense_ratio(expenses, collected_base, digits=2):
    """Expenses in % of the collected base; 0 without collections."""
    if collected_base <= 0:
        return 0.0
    return round(expenses / collected_base * 100.0, digits)


def satisfaction_due(last_date, since, interval_days):
    """Date the next satisfaction survey is due: ``interval_days`` after the
    last one, or after ``since`` (designation) when there was none. None when
    the tier has no interval or nothing to count from."""
    if not interval_days or interval_days <= 0:
        return None
    start = last_date or since
    if not start:
        return None
    return start + datetime.timedelta(days=interval_days)
