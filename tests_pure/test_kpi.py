import datetime as dt

from hypothesis import given, strategies as st
import pytest

from key_account_tools import (
    activity_target,
    below_threshold,
    percent,
    period_bounds,
    sales_score,
    working_days,
)

D = dt.date
dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@pytest.mark.parametrize(
    "period_type, day, expected",
    [
        ("month", D(2025, 2, 14), (D(2025, 2, 1), D(2025, 2, 28))),
        ("month", D(2024, 2, 29), (D(2024, 2, 1), D(2024, 2, 29))),
        ("quarter", D(2025, 5, 31), (D(2025, 4, 1), D(2025, 6, 30))),
        ("quarter", D(2025, 12, 1), (D(2025, 10, 1), D(2025, 12, 31))),
        ("year", D(2025, 7, 4), (D(2025, 1, 1), D(2025, 12, 31))),
    ],
)
def test_period_bounds(period_type, day, expected):
    assert period_bounds(period_type, day) == expected


def test_period_bounds_unknown_type():
    with pytest.raises(ValueError, match="Unknown period type"):
        period_bounds("week", D(2025, 1, 1))


@given(dates, st.sampled_from(["month", "quarter", "year"]))
def test_period_contains_day(day, period_type):
    first, last = period_bounds(period_type, day)
    assert first <= day <= last
    assert first.day == 1
    assert (last + dt.timedelta(days=1)).day == 1


def test_percent():
    # SPEC example: 450,000 collected of 500,000 due is 90 %.
    assert percent(450000, 500000) == 90.0
    assert percent(870000, 1000000) == 87.0
    assert percent(5, 0) is None
    assert percent(5, -1) is None


@pytest.mark.parametrize(
    "completion, score",
    [
        (87.0, 23.0),  # SPEC example: two full 5 % steps below
        (100.0, 25.0),
        (130.0, 25.0),  # no bonus
        (95.0, 24.0),
        (95.01, 25.0),  # less than one full step below
        (94.99, 24.0),
        (90.0, 23.0),
        (0.0, 5.0),
        (-50.0, 0.0),  # never below 0
        (None, 0.0),  # no target
    ],
)
def test_sales_score(completion, score):
    assert sales_score(completion) == score


def test_sales_score_float_noise():
    # 19 / 20 is 95 % up to float noise: still one step, not two.
    assert sales_score(19 * 100.0 / 20) == 24.0
    assert sales_score(percent(0.95, 1.0)) == 24.0


def test_sales_score_settings():
    assert sales_score(80.0, points=40, step=10) == 38.0
    with pytest.raises(ValueError):
        sales_score(80.0, step=0)
    with pytest.raises(ValueError):
        sales_score(80.0, points=-1)


@given(st.floats(min_value=-500, max_value=500))
def test_sales_score_bounds_and_monotony(completion):
    score = sales_score(completion)
    assert 0.0 <= score <= 25.0
    assert score <= sales_score(completion + 5.0)
    assert score == int(score)


def test_below_threshold():
    assert below_threshold(59.99, 60)
    assert not below_threshold(60, 60)
    assert not below_threshold(75, 60)


@pytest.mark.parametrize(
    "date_from, date_to, holidays, expected",
    [
        (D(2025, 6, 1), D(2025, 6, 30), (), 21),
        (D(2025, 6, 9), D(2025, 6, 9), (), 1),  # a Monday
        (D(2025, 6, 7), D(2025, 6, 8), (), 0),  # a weekend
        (D(2025, 6, 10), D(2025, 6, 9), (), 0),
        (D(2025, 6, 1), D(2025, 6, 30), (D(2025, 6, 2), D(2025, 6, 7)), 20),
    ],
)
def test_working_days(date_from, date_to, holidays, expected):
    assert working_days(date_from, date_to, holidays=holidays) == expected


@given(dates, st.integers(min_value=0, max_value=800))
def test_working_days_matches_day_by_day(start, length):
    end = start + dt.timedelta(days=length)
    expected = sum(
        1
        for offset in range(length + 1)
        if (start + dt.timedelta(days=offset)).weekday() < 5
    )
    assert working_days(start, end) == expected


def test_activity_target():
    assert activity_target(1, 21) == 21
    assert activity_target(0, 21) == 0
    assert activity_target(10, 0) == 0
    assert activity_target(None, 5) == 0
