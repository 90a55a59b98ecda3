import datetime

from hypothesis import given, strategies as st
import pytest

from key_account_tools import (
    BUCKETS,
    aging_bucket,
    bucket_bounds,
    cutoff_stage,
    ladder_cutoffs,
    ladder_stage,
    overdue_cutoff,
    overdue_more_than,
    rising_ranges,
    stage_rank,
)

D = datetime.date


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        # SPEC R39-R41 example: 50,000 due 2025-01-15.
        (D(2025, 3, 15), "current"),
        (D(2025, 3, 16), "monitor"),
        (D(2025, 5, 15), "monitor"),
        (D(2025, 5, 16), "progress"),
        (D(2025, 6, 20), "progress"),
        (D(2025, 7, 15), "progress"),
        (D(2025, 7, 16), "writeoff"),
    ],
)
def test_spec_example_in_months(today, stage):
    assert ladder_stage(D(2025, 1, 15), today) == stage


@pytest.mark.parametrize(
    ("days", "stage"),
    [
        (59, "current"),
        (60, "current"),
        (61, "monitor"),
        (120, "monitor"),
        (121, "progress"),
        (180, "progress"),
        (181, "writeoff"),
    ],
)
def test_levels_in_days(days, stage):
    due = D(2025, 1, 1)
    today = due + datetime.timedelta(days=days)
    assert ladder_stage(due, today, (60, 120, 180), unit="days") == stage


def test_month_end_clamps():
    # 2024-12-31 + 2 months = 2025-02-28: overdue from 1 March.
    assert not overdue_more_than(D(2024, 12, 31), D(2025, 2, 28), 2)
    assert overdue_more_than(D(2024, 12, 31), D(2025, 3, 1), 2)


def test_bad_levels_and_unit():
    with pytest.raises(ValueError):
        ladder_stage(D(2025, 1, 1), D(2025, 9, 1), (4, 2, 6))
    with pytest.raises(ValueError):
        overdue_more_than(D(2025, 1, 1), D(2025, 9, 1), 2, unit="weeks")


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)),
    st.integers(min_value=0, max_value=2000),
)
def test_stage_never_goes_back_with_time(due, days):
    today = due + datetime.timedelta(days=days)
    later = today + datetime.timedelta(days=1)
    assert stage_rank(ladder_stage(due, later)) >= stage_rank(ladder_stage(due, today))


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (D(2025, 7, 20), "b0_not_due"),
        (D(2025, 7, 16), "b0_not_due"),
        (D(2025, 7, 15), "b1_overdue"),
        (D(2025, 5, 16), "b1_overdue"),  # exactly 2 months: not more
        (D(2025, 5, 15), "b2_monitor"),
        (D(2025, 3, 16), "b2_monitor"),
        (D(2025, 3, 15), "b3_progress"),
        (D(2025, 1, 16), "b3_progress"),
        (D(2025, 1, 15), "b4_writeoff"),
        (D(2020, 1, 1), "b4_writeoff"),
    ],
)
def test_buckets_follow_the_ladder(due, bucket):
    assert aging_bucket(due, D(2025, 7, 16)) == bucket


def test_buckets_in_days():
    today = D(2025, 7, 16)
    assert aging_bucket(D(2025, 7, 6), today, (10, 20, 30), "days") == "b1_overdue"
    assert aging_bucket(D(2025, 7, 5), today, (10, 20, 30), "days") == "b2_monitor"
    assert aging_bucket(D(2025, 6, 15), today, (10, 20, 30), "days") == ("b4_writeoff")


def test_bucket_bounds():
    assert bucket_bounds((2, 4, 6)) == (
        ("b0_not_due", None, None),
        ("b1_overdue", None, 2),
        ("b2_monitor", 2, 4),
        ("b3_progress", 4, 6),
        ("b4_writeoff", 6, None),
    )
    with pytest.raises(ValueError):
        bucket_bounds((4, 2, 6))


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)),
    st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)),
)
def test_bucket_agrees_with_the_stage(due, today):
    bucket = aging_bucket(due, today)
    if today <= due:
        assert bucket == "b0_not_due"
    else:
        assert bucket == BUCKETS[1 + stage_rank(ladder_stage(due, today))]


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)),
    st.integers(min_value=1, max_value=400),
    st.sampled_from(["months", "days"]),
)
def test_cutoff_splits_the_due_dates(today, amount, unit):
    """Due dates up to the cutoff, and only those, are over the level."""
    if unit == "months":
        amount = amount % 25 + 1
    cutoff = overdue_cutoff(today, amount, unit)
    for offset in range(-40, 41):
        due = cutoff + datetime.timedelta(days=offset)
        assert overdue_more_than(due, today, amount, unit) == (offset <= 0)


@pytest.mark.parametrize(
    ("today", "amount", "cutoff"),
    [
        # 31 March: 28 February + 1 month = 28 March is past, 1 March is not.
        (D(2025, 3, 31), 1, D(2025, 2, 28)),
        (D(2025, 3, 1), 1, D(2025, 1, 31)),
        (D(2025, 3, 16), 2, D(2025, 1, 15)),
        (D(2024, 3, 30), 1, D(2024, 2, 29)),
    ],
)
def test_cutoff_at_month_ends(today, amount, cutoff):
    assert overdue_cutoff(today, amount) == cutoff


def test_ladder_cutoffs_follow_the_stages():
    today = D(2025, 7, 16)
    cutoffs = ladder_cutoffs(today)
    assert cutoffs == (D(2025, 5, 15), D(2025, 3, 15), D(2025, 1, 15))
    assert ladder_stage(D(2025, 1, 15), today) == "writeoff"
    assert ladder_stage(D(2025, 1, 16), today) == "progress"
    assert ladder_cutoffs(today, (60, 120, 180), "days")[0] == D(2025, 5, 16)
    with pytest.raises(ValueError):
        ladder_cutoffs(today, (4, 2, 6))
    with pytest.raises(ValueError):
        overdue_cutoff(today, 2, "weeks")


LADDERS = st.sampled_from(
    [((2, 4, 6), "months"), ((1, 3, 13), "months"), ((60, 120, 180), "days")]
)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)), LADDERS)
def test_cutoff_stage_is_the_stage_of_the_day(today, ladder):
    """The stage by a day's cutoffs is the stage on that day, around each
    level; without cutoffs (the ladder never ran) it is ``current``."""
    levels, unit = ladder
    cutoffs = ladder_cutoffs(today, levels, unit)
    for cutoff in cutoffs:
        for offset in range(-3, 4):
            due = cutoff + datetime.timedelta(days=offset)
            assert cutoff_stage(due, cutoffs) == ladder_stage(due, today, levels, unit)
            assert cutoff_stage(due, None) == "current"
    assert cutoff_stage(None, cutoffs) == "current"


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)),
    st.integers(min_value=0, max_value=400),
    LADDERS,
    LADDERS,
)
def test_rising_ranges_hold_the_rises(day, days, before, after):
    """A due date is in a rising range exactly when its stage by the new
    cutoffs is above its stage by the old ones: days later, levels changed
    in between, or the ladder's first run."""
    old = ladder_cutoffs(day, *before)
    new = ladder_cutoffs(day + datetime.timedelta(days=days), *after)
    ranges = rising_ranges(old, new)
    first = rising_ranges(None, new)
    start = min(old[2], new[2]) - datetime.timedelta(days=3)
    for offset in range((max(old[0], new[0]) - start).days + 4):
        due = start + datetime.timedelta(days=offset)
        rises = stage_rank(cutoff_stage(due, new)) > stage_rank(cutoff_stage(due, old))
        inside = any(
            (after_ is None or due > after_) and due <= up_to
            for after_, up_to in ranges
        )
        assert inside == rises, (due, old, new)
        assert any(due <= up_to for _a, up_to in first) == (
            cutoff_stage(due, new) != "current"
        )


def test_rising_ranges_example():
    old = ladder_cutoffs(D(2025, 3, 15))
    new = ladder_cutoffs(D(2025, 3, 16))
    # One day later: the due dates of 15 January pass the first level.
    assert rising_ranges(old, new) == [
        (D(2025, 1, 14), D(2025, 1, 15)),
        (D(2024, 11, 14), D(2024, 11, 15)),
        (D(2024, 9, 14), D(2024, 9, 15)),
    ]
    assert rising_ranges(new, new) == []
    assert rising_ranges(None, new) == [(None, D(2025, 1, 15))]
