import calendar
import datetime as dt

from hypothesis import assume, given, strategies as st
import pytest

from key_account_tools import (
    add_months,
    add_working_days,
    days_domain,
    is_overdue_more_than,
    next_anniversary,
    reminder_is_due,
)

D = dt.date
dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))
months = st.integers(min_value=-1200, max_value=1200)


def month_number(day):
    return day.year * 12 + day.month - 1


def last_day(year, month):
    return calendar.monthrange(year, month)[1]


# --------------------------------------------------------------------------
# add_months
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 15), 1, D(2025, 2, 15)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 11, 30), 2, D(2026, 1, 30)),
        (D(2025, 12, 31), 1, D(2026, 1, 31)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 1, 10), 0, D(2025, 1, 10)),
        # negative months
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
        (D(2025, 1, 31), -13, D(2023, 12, 31)),
        (D(2025, 5, 31), -3, D(2025, 2, 28)),
    ],
)
def test_add_months_examples(start, n, expected):
    assert add_months(start, n) == expected


@given(day=dates, n=months)
def test_add_months_lands_in_target_month_clamped(day, n):
    result = add_months(day, n)
    assert month_number(result) == month_number(day) + n
    assert result.day == min(day.day, last_day(result.year, result.month))


@given(day=dates, n=months)
def test_add_months_round_trip(day, n):
    there_and_back = add_months(add_months(day, n), -n)
    # Same month, never later (clamping can only lose days)...
    assert month_number(there_and_back) == month_number(day)
    assert there_and_back <= day
    # ...and exact when no clamping can happen.
    if day.day <= 28:
        assert there_and_back == day


@given(day=dates, a=st.integers(-600, 600), b=st.integers(-600, 600))
def test_add_months_composes_without_clamping(day, a, b):
    assume(day.day <= 28)
    assert add_months(add_months(day, a), b) == add_months(day, a + b)


@given(d1=dates, d2=dates, n=months)
def test_add_months_is_monotonic(d1, d2, n):
    low, high = sorted((d1, d2))
    assert add_months(low, n) <= add_months(high, n)


@given(day=dates, n=st.integers(min_value=1, max_value=1200))
def test_add_positive_months_moves_forward(day, n):
    assert add_months(day, n) > day
    assert add_months(day, -n) < day


# --------------------------------------------------------------------------
# is_overdue_more_than
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 1, 10), False),
        (D(2025, 3, 9), False),
        (D(2025, 3, 10), False),  # exactly due + 2 months: not *more* than
        (D(2025, 3, 11), True),
        (D(2025, 3, 15), True),
    ],
)
def test_overdue_more_than_two_months(today, expected):
    assert is_overdue_more_than(D(2025, 1, 10), today, 2) is expected


def test_overdue_month_end_due_date():
    # 2024-12-31 + 2 months = 2025-02-28
    assert not is_overdue_more_than(D(2024, 12, 31), D(2025, 2, 28), 2)
    assert is_overdue_more_than(D(2024, 12, 31), D(2025, 3, 1), 2)


@given(due=dates, n=st.integers(0, 60), delta=st.integers(-400, 400))
def test_overdue_threshold_is_strict(due, n, delta):
    limit = add_months(due, n)
    today = limit + dt.timedelta(days=delta)
    assert is_overdue_more_than(due, today, n) is (delta > 0)


@given(due=dates, t1=dates, t2=dates, n=st.integers(0, 24))
def test_overdue_is_monotonic_in_today(due, t1, t2, n):
    early, late = sorted((t1, t2))
    if is_overdue_more_than(due, early, n):
        assert is_overdue_more_than(due, late, n)


# --------------------------------------------------------------------------
# next_anniversary / reminder_is_due
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 1, 1), D(2025, 2, 28)),
        (D(2025, 2, 28), D(2025, 2, 28)),
        (D(2025, 3, 1), D(2026, 2, 28)),
        (D(2027, 3, 1), D(2028, 2, 29)),
        (D(2028, 2, 29), D(2028, 2, 29)),
        (D(2028, 3, 1), D(2029, 2, 28)),
    ],
)
def test_next_anniversary_of_feb_29(today, expected):
    assert next_anniversary(D(2000, 2, 29), today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 6, 14), D(2025, 6, 15)),
        (D(2025, 6, 15), D(2025, 6, 15)),  # on the day itself
        (D(2025, 6, 16), D(2026, 6, 15)),
        (D(2025, 12, 31), D(2026, 6, 15)),
    ],
)
def test_next_anniversary_examples(today, expected):
    assert next_anniversary(D(1980, 6, 15), today) == expected


@given(day=dates, today=dates)
def test_next_anniversary_properties(day, today):
    result = next_anniversary(day, today)
    assert today <= result < today + dt.timedelta(days=366)
    assert result.month == day.month
    assert result.day == min(day.day, last_day(result.year, result.month))
    # It is the *next* one: the previous year's occurrence is already past.
    previous_year = result.year - 1
    previous = D(
        previous_year, day.month, min(day.day, last_day(previous_year, day.month))
    )
    assert previous < today


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 6, 7), False),  # 8 days before
        (D(2025, 6, 8), True),  # exactly 7 days before
        (D(2025, 6, 12), True),
        (D(2025, 6, 15), True),  # on the anniversary
        (D(2025, 6, 16), False),  # next cycle is a year away
    ],
)
def test_reminder_due_seven_days_before(today, expected):
    assert reminder_is_due(D(1980, 6, 15), today, 7) is expected


def test_reminder_zero_days_before_is_only_the_day():
    assert reminder_is_due(D(1980, 6, 15), D(2025, 6, 15), 0)
    assert not reminder_is_due(D(1980, 6, 15), D(2025, 6, 14), 0)


def test_reminder_across_new_year():
    assert reminder_is_due(D(1990, 1, 3), D(2024, 12, 28), 7)
    assert not reminder_is_due(D(1990, 1, 3), D(2024, 12, 26), 7)


@given(day=dates, today=dates, days_before=st.integers(0, 400))
def test_reminder_matches_distance_to_anniversary(day, today, days_before):
    distance = (next_anniversary(day, today) - today).days
    assert reminder_is_due(day, today, days_before) is (distance <= days_before)


# --------------------------------------------------------------------------
# add_working_days
# --------------------------------------------------------------------------

FRIDAY = D(2025, 3, 7)
WEEKEND = (5, 6)


def test_friday_plus_two_working_days_is_tuesday():
    # SPEC: minutes of a Friday visit are due end of Tuesday.
    assert FRIDAY.weekday() == 4
    result = add_working_days(FRIDAY, 2)
    assert result == D(2025, 3, 11)
    assert result.weekday() == 1


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (FRIDAY, 1, D(2025, 3, 10)),  # Monday
        (D(2025, 3, 8), 1, D(2025, 3, 10)),  # Saturday -> Monday
        (D(2025, 3, 9), 1, D(2025, 3, 10)),  # Sunday -> Monday
        (D(2025, 3, 3), 4, D(2025, 3, 7)),  # Monday -> Friday
        (D(2025, 3, 3), 5, D(2025, 3, 10)),  # Monday -> next Monday
        (FRIDAY, 10, D(2025, 3, 21)),
    ],
)
def test_add_working_days_examples(start, n, expected):
    assert add_working_days(start, n) == expected


def test_holidays_are_skipped():
    easter_monday = D(2025, 4, 21)
    assert add_working_days(D(2025, 4, 18), 1, holidays=[easter_monday]) == D(
        2025, 4, 22
    )
    assert add_working_days(D(2025, 4, 18), 2, holidays=[easter_monday]) == D(
        2025, 4, 23
    )


def test_holiday_on_weekend_changes_nothing():
    assert add_working_days(FRIDAY, 2, holidays=[D(2025, 3, 8)]) == D(2025, 3, 11)


def test_custom_weekend():
    # Friday/Saturday weekend: Thursday + 1 working day = Sunday.
    thursday = D(2025, 3, 6)
    assert add_working_days(thursday, 1, weekend=(4, 5)) == D(2025, 3, 9)


@pytest.mark.parametrize("start", [FRIDAY, D(2025, 3, 8), D(2025, 3, 9)])
def test_zero_days_returns_start(start):
    assert add_working_days(start, 0) == start


@pytest.mark.parametrize("n", [-1, -5])
def test_negative_working_days_raise(n):
    with pytest.raises(ValueError):
        add_working_days(FRIDAY, n)


def test_week_without_working_day_raises():
    with pytest.raises(ValueError):
        add_working_days(FRIDAY, 1, weekend=range(7))


holiday_sets = st.sets(
    st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)), max_size=30
)
starts = st.dates(min_value=D(2024, 1, 1), max_value=D(2025, 12, 31))


@given(start=starts, n=st.integers(1, 120), holidays=holiday_sets)
def test_working_days_result_is_a_working_day(start, n, holidays):
    result = add_working_days(start, n, holidays=holidays)
    assert result > start
    assert result.weekday() not in WEEKEND
    assert result not in holidays
    # Exactly n working days in (start, result].
    span = [start + dt.timedelta(days=i) for i in range(1, (result - start).days + 1)]
    working = [d for d in span if d.weekday() not in WEEKEND and d not in holidays]
    assert len(working) == n


@given(start=starts, n=st.integers(0, 120))
def test_working_days_without_holidays_bounds(start, n):
    result = add_working_days(start, n)
    assert n <= (result - start).days <= n + 2 * (n // 5 + 1)


@given(start=starts, a=st.integers(0, 60), b=st.integers(0, 60), holidays=holiday_sets)
def test_working_days_compose(start, a, b, holidays):
    step = add_working_days(
        add_working_days(start, a, holidays=holidays), b, holidays=holidays
    )
    assert step == add_working_days(start, a + b, holidays=holidays)
    assert add_working_days(start, min(a, b), holidays=holidays) <= add_working_days(
        start, max(a, b), holidays=holidays
    )


@given(dates, st.integers(min_value=0, max_value=400))
def test_days_domain_spans_whole_days(start, length):
    end = start + dt.timedelta(days=length)
    (f1, op1, low), (f2, op2, high) = days_domain("x", start, end)
    assert (f1, op1, f2, op2) == ("x", ">=", "x", "<")
    assert low == dt.datetime.combine(start, dt.time.min)
    assert high - dt.timedelta(microseconds=1) == dt.datetime.combine(end, dt.time.max)
