import datetime as dt

from hypothesis import given, strategies as st
import pytest

from key_account_tools import (
    FREQUENCIES,
    due_reports,
    is_month_last_week,
    month_bounds,
    plan_bounds,
    planned_visits,
    week_bounds,
)

D = dt.date
dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@given(dates)
def test_week_bounds_cover_the_day(day):
    monday, sunday = week_bounds(day)
    assert monday.weekday() == 0 and sunday.weekday() == 6
    assert monday <= day <= sunday and (sunday - monday).days == 6


@given(dates)
def test_month_bounds_cover_the_day(day):
    first, last = month_bounds(day)
    assert first.day == 1 and first <= day <= last
    assert (last + dt.timedelta(days=1)).day == 1


def test_month_last_week():
    assert not is_month_last_week(D(2025, 6, 23))
    assert is_month_last_week(D(2025, 6, 30))  # the week starting 30 June
    assert is_month_last_week(D(2025, 2, 24))
    with pytest.raises(ValueError):
        is_month_last_week(D(2025, 6, 24))


def test_friday_weekly_report_and_daily():
    assert due_reports(D(2025, 6, 13)) == [  # a Friday
        ("clerk_daily", D(2025, 6, 12), D(2025, 6, 12)),
        ("rep_weekly", D(2025, 6, 9), D(2025, 6, 15)),
    ]


def test_monday_meeting_pack_no_daily_for_sunday():
    assert due_reports(D(2025, 6, 16)) == [
        ("meeting_pack", D(2025, 6, 9), D(2025, 6, 15)),
    ]


def test_first_of_month_monthly_reports():
    assert due_reports(D(2025, 7, 1)) == [  # a Tuesday
        ("clerk_daily", D(2025, 6, 30), D(2025, 6, 30)),
        ("head_monthly", D(2025, 6, 1), D(2025, 6, 30)),
        ("clerk_monthly", D(2025, 6, 1), D(2025, 6, 30)),
    ]


def test_configured_weekdays():
    kinds = [kind for kind, *_ in due_reports(D(2025, 6, 12), report_weekday=3)]
    assert "rep_weekly" in kinds
    with pytest.raises(ValueError):
        due_reports(D(2025, 6, 12), report_weekday=7)


@given(dates)
def test_every_kind_has_a_frequency_and_valid_period(day):
    for kind, first, last in due_reports(day):
        assert kind in FREQUENCIES
        assert first <= last
        # Only the running week's report covers today and later days.
        assert last < day or kind == "rep_weekly"


@given(dates, st.sampled_from(["week", "month"]))
def test_plan_bounds_cover_the_day(day, period_type):
    first, last = plan_bounds(period_type, day)
    assert first <= day <= last
    if period_type == "week":
        assert (first.weekday(), (last - first).days) == (0, 6)
    else:
        assert first.day == 1 and (last + dt.timedelta(days=1)).day == 1


def test_plan_bounds_refuse_an_unknown_period():
    with pytest.raises(ValueError):
        plan_bounds("day", D(2025, 6, 9))


def test_planned_visits_weekly_plans_replace_the_monthly_one():
    """R55: a month planned weekly counts its weekly plans, not the monthly
    plan beside them; a month planned only monthly counts that plan."""
    june, july = D(2025, 6, 1), D(2025, 7, 1)
    plans = [
        ("month", june, 20),
        ("week", D(2025, 6, 2), 4),
        ("week", D(2025, 6, 9), 5),
        ("month", july, 12),
    ]
    assert planned_visits(plans) == 4 + 5 + 12
    assert planned_visits([("month", june, 20)]) == 20
    assert planned_visits([]) == 0


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["week", "month"]),
            st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
            st.integers(0, 50),
        )
    )
)
def test_planned_visits_never_exceed_all_plans_and_keep_every_week(plans):
    total = planned_visits(plans)
    assert sum(c for k, _d, c in plans if k == "week") <= total
    assert total <= sum(c for _k, _d, c in plans)


def test_planned_visits_refuse_an_unknown_period():
    with pytest.raises(ValueError):
        planned_visits([("day", D(2025, 6, 9), 1)])
