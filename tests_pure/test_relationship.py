import datetime as dt

from hypothesis import given, strategies as st
import pytest

from key_account_tools import (
    expense_ratio,
    needs_higher_approval,
    needs_recovery,
    over_tolerance,
    satisfaction_due,
    survey_score,
)

amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False)


def test_spec_example_entertainment_overrun():
    # Budget 4,500: 10 % more is 4,950; 5,200 needs the approvals again.
    assert over_tolerance(4500.0, 5200.0, 10.0)
    assert not over_tolerance(4500.0, 4950.0, 10.0)
    assert over_tolerance(4500.0, 4950.01, 10.0)
    assert not over_tolerance(4500.0, 3000.0, 10.0)


def test_zero_tolerance_and_negative():
    assert over_tolerance(100.0, 100.01, 0.0)
    assert not over_tolerance(100.0, 100.0, 0.0)
    with pytest.raises(ValueError):
        over_tolerance(100.0, 120.0, -1.0)


@given(amounts, st.floats(min_value=0, max_value=100))
def test_within_budget_is_never_over(budget, tolerance):
    assert not over_tolerance(budget, budget, tolerance)


def test_general_manager_threshold():
    assert needs_higher_approval(4500.0, 3000.0)
    assert not needs_higher_approval(3000.0, 3000.0)
    assert needs_higher_approval(1000.01, 1000.0)
    assert not needs_higher_approval(10**9, 0.0)


def test_survey_score():
    assert survey_score(40.0) == 2.0
    assert survey_score(100.0) == 5.0
    assert survey_score(130.0) == 5.0
    assert survey_score(0.0) == 0.0
    assert survey_score(None) == 0.0
    assert survey_score(50.0, scale=10) == 5.0
    with pytest.raises(ValueError):
        survey_score(50.0, scale=0)


@given(st.floats(min_value=0.01, max_value=100))
def test_survey_score_within_scale(percentage):
    assert 0 <= survey_score(percentage) <= 5


def test_recovery_threshold():
    assert needs_recovery(2, 2.0)
    assert needs_recovery(1.5, 2.0)
    assert not needs_recovery(2.1, 2.0)
    assert not needs_recovery(0, 2.0)
    assert not needs_recovery(False, 2.0)


def test_expense_ratio():
    assert expense_ratio(30.0, 1000.0) == 3.0
    assert expense_ratio(30.0, 0.0) == 0.0
    assert expense_ratio(30.0, -5.0) == 0.0


def test_satisfaction_due():
    day = dt.date(2025, 1, 1)
    assert satisfaction_due(day, None, 90) == dt.date(2025, 4, 1)
    assert satisfaction_due(None, day, 90) == dt.date(2025, 4, 1)
    assert satisfaction_due(dt.date(2025, 2, 1), day, 30) == dt.date(2025, 3, 3)
    assert satisfaction_due(None, None, 90) is None
    assert satisfaction_due(day, day, 0) is None
