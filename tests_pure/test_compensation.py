import datetime

from hypothesis import given, strategies as st
import pytest

from key_account_tools import (
    authority_level,
    compensation_limits,
    compensation_percent,
    month_start,
    monthly_volume,
    volume_window,
)

D = datetime.date


# --------------------------------------------------------------------------
# volume_window: the last N full calendar months before the order month
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "window"),
    [
        (D(2025, 6, 15), 3, (D(2025, 3, 1), D(2025, 6, 1))),
        (D(2025, 6, 1), 3, (D(2025, 3, 1), D(2025, 6, 1))),
        (D(2025, 6, 30), 1, (D(2025, 5, 1), D(2025, 6, 1))),
        (D(2025, 2, 28), 3, (D(2024, 11, 1), D(2025, 2, 1))),
        (D(2025, 1, 31), 12, (D(2024, 1, 1), D(2025, 1, 1))),
    ],
)
def test_volume_window(day, months, window):
    assert volume_window(day, months) == window


def test_volume_window_needs_a_month():
    with pytest.raises(ValueError):
        volume_window(D(2025, 6, 15), 0)


@given(
    st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)),
    st.integers(1, 36),
)
def test_window_is_whole_months_before_the_order_month(day, months):
    start, end = volume_window(day, months)
    assert start.day == 1 and end.day == 1
    assert start < end <= day < (end + datetime.timedelta(days=31)).replace(day=1)
    assert (end.year - start.year) * 12 + end.month - start.month == months


def test_month_start():
    assert month_start(D(2025, 6, 15)) == D(2025, 6, 1)
    assert month_start(D(2025, 6, 1)) == D(2025, 6, 1)


# --------------------------------------------------------------------------
# monthly_volume: average over the window, months without invoices count 0
# --------------------------------------------------------------------------


def test_monthly_volume_spec_example():
    # SPEC R35: average monthly invoiced untaxed amount of the last 3 months.
    assert monthly_volume([150_000.0, 250_000.0, 200_000.0], 3) == 200_000.0


def test_months_without_invoices_count_as_zero():
    assert monthly_volume([300_000.0], 3) == 100_000.0
    assert monthly_volume([], 3) == 0.0


def test_credit_notes_lower_the_volume_never_below_zero():
    assert monthly_volume([100_000.0, -40_000.0], 2) == 30_000.0
    assert monthly_volume([-10_000.0], 3) == 0.0


def test_monthly_volume_needs_a_month():
    with pytest.raises(ValueError):
        monthly_volume([1.0], 0)


@given(
    st.lists(st.floats(min_value=0, max_value=1e9, allow_nan=False), max_size=12),
    st.integers(1, 12),
)
def test_volume_between_zero_and_the_total(totals, months):
    volume = monthly_volume(totals, months)
    assert 0.0 <= volume <= sum(totals) + 1e-6


# --------------------------------------------------------------------------
# compensation_percent
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("compensation", "percent"),
    [(1_500.0, 0.75), (2_000.0, 1.0), (3_000.0, 1.5), (12_000.0, 6.0), (0.0, 0.0)],
)
def test_percent_of_the_spec_examples(compensation, percent):
    assert compensation_percent(compensation, 200_000.0) == percent


def test_percent_rounded_to_two_decimals():
    assert compensation_percent(1_000.0, 300_000.0) == 0.33


@pytest.mark.parametrize("volume", [0.0, -5.0])
def test_no_volume_no_percent(volume):
    assert compensation_percent(1_000.0, volume) is None


# --------------------------------------------------------------------------
# compensation_limits, then the level of the R17 row
# --------------------------------------------------------------------------

STANDARD = (1.0, 5.0)
PERFORMANCE = (2.0, 5.0)


def test_limits_pick_the_customer_class():
    assert compensation_limits(False, STANDARD, PERFORMANCE) == STANDARD
    assert compensation_limits(True, STANDARD, PERFORMANCE) == PERFORMANCE


def test_performance_priced_without_own_limits_uses_the_standard_ones():
    assert compensation_limits(True, STANDARD, None) == STANDARD
    assert compensation_limits(True, None, None) is None


@pytest.mark.parametrize(
    ("performance_priced", "percent", "level"),
    [
        (False, 0.75, "rep"),
        (False, 1.0, "rep"),
        (False, 1.5, "director"),
        (False, 5.0, "director"),
        (False, 6.0, "manager"),
        (True, 1.5, "rep"),
        (True, 2.0, "rep"),
        (True, 2.01, "director"),
        (True, 5.01, "manager"),
    ],
)
def test_levels_of_the_compensation_row(performance_priced, percent, level):
    # R17: rep <= 1 % standard, <= 2 % performance-priced; KA head <= 5 %.
    rep, head = compensation_limits(performance_priced, STANDARD, PERFORMANCE)
    assert authority_level(percent, rep, head) == level
