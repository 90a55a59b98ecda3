"""Receivables aging maths (SPEC R38-R41)."""

import datetime

from .dates import add_months

# Ladder stages, lowest first (SPEC R39-R41).
STAGES = ("current", "monitor", "progress", "writeoff")
# Report buckets (SPEC R38): not due, then one per ladder stage: overdue up
# to the first level, more than the first, the second, the third level.
BUCKETS = ("b0_not_due", "b1_overdue", "b2_monitor", "b3_progress", "b4_writeoff")


def overdue_more_than(due, today, amount, unit="months"):
    """Whether ``today`` is past ``due`` plus ``amount`` months or days."""
    if unit == "months":
        limit = add_months(due, amount)
    elif unit == "days":
        limit = due + datetime.timedelta(days=amount)
    else:
        raise ValueError(f"Unknown unit {unit!r}")
    return today > limit


def ladder_stage(due, today, levels=(2, 4, 6), unit="months"):
    """Stage of a receivable due on ``due``: ``current``, then ``monitor``
    (over the first level), ``progress`` (second), ``writeoff`` (third)."""
    if list(levels) != sorted(levels) or len(levels) != len(STAGES) - 1:
        raise ValueError("Three ascending ladder levels are expected")
    stage = STAGES[0]
    for level, name in zip(levels, STAGES[1:], strict=True):
        if overdue_more_than(due, today, level, unit):
            stage = name
    return stage


def overdue_cutoff(today, amount, unit="months"):
    """The latest due date more than ``amount`` months (or days) overdue on
    ``today``: ``overdue_more_than(due, today, amount, unit)`` holds exactly
    for the due dates up to it (adding months never moves a date back, so
    those due dates form a range). Lets a query find the receivables of a
    stage by a range of due dates."""
    one = datetime.timedelta(days=1)
    if unit == "days":
        return today - datetime.timedelta(days=amount) - one
    cutoff = add_months(today, -amount) if unit == "months" else today
    # Month ends clamp: step the estimate onto the boundary (a few days).
    while overdue_more_than(cutoff + one, today, amount, unit):
        cutoff += one
    while not overdue_more_than(cutoff, today, amount, unit):
        cutoff -= one
    return cutoff


def ladder_cutoffs(today, levels=(2, 4, 6), unit="months"):
    """``overdue_cutoff`` of each ladder level: a receivable due on or before
    the Nth cutoff has reached the Nth stage above ``current``."""
    if list(levels) != sorted(levels) or len(levels) != len(STAGES) - 1:
        raise ValueError("Three ascending ladder levels are expected")
    return tuple(overdue_cutoff(today, level, unit) for level in levels)


def cutoff_stage(due, cutoffs):
    """Stage of a receivable due on ``due`` by the ``ladder_cutoffs`` of a
    day: ``ladder_stage`` on that day. No cutoffs (the ladder never ran) or
    no due date: ``current``."""
    stage = STAGES[0]
    if due and cutoffs:
        for cutoff, name in zip(cutoffs, STAGES[1:], strict=True):
            if due <= cutoff:
                stage = name
    return stage


def rising_ranges(old, new):
    """The due dates whose stage rises from the ``ladder_cutoffs`` ``old``
    (None: the ladder never ran) to ``new``, as ranges ``(after, up_to)``
    (``after`` None: no lower bound): per level whose cutoff moved forward,
    the due dates it passed. Ranges may overlap when the days between are
    longer than the gap between two levels."""
    if not old:
        return [(None, new[0])]
    return [
        (before, after)
        for before, after in zip(old, new, strict=True)
        if after > before
    ]


def stage_rank(stage):
    return STAGES.index(stage or "current")


def aging_bucket(due, today, levels=(2, 4, 6), unit="months"):
    """Report bucket of a receivable due on ``due`` (R38): not due until its
    due date, then the bucket of its ``ladder_stage`` on ``today``."""
    if today <= due:
        return BUCKETS[0]
    return BUCKETS[1 + stage_rank(ladder_stage(due, today, levels, unit))]


def bucket_bounds(levels=(2, 4, 6)):
    """(code, more than, up to) of each overdue bucket in the ladder's unit
    (None: no bound); the not-due bucket has neither. Labels the report's
    buckets after the configured ladder."""
    if list(levels) != sorted(levels) or len(levels) != len(STAGES) - 1:
        raise ValueError("Three ascending ladder levels are expected")
    lows = (None, None, *levels)
    highs = (None, *levels, None)
    return tuple(zip(BUCKETS, lows, highs, strict=True))
