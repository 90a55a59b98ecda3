from hypothesis import given, strategies as st
import pytest

from key_account_tools import (
    authority_level,
    highest_level,
    level_rank,
    percent_below,
)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (0, "rep"),
        (4.99, "rep"),
        (5, "rep"),
        (5.01, "director"),
        (9.99, "director"),
        (10, "manager"),
        (25, "manager"),
    ],
)
def test_customer_rebate_row(value, level):
    # R17: rep <= 5 %, KA head > 5 % and < 10 %, GM >= 10 %.
    assert authority_level(value, 5, 10, head_inclusive=False) == level


@pytest.mark.parametrize(
    ("value", "level"),
    [(0, "rep"), (0.01, "director"), (10, "director"), (10.01, "manager")],
)
def test_price_below_floor_row(value, level):
    # R17: rep 0, KA head <= 10 %, GM more.
    assert authority_level(value, 0, 10) == level


def test_discount_example_of_the_issue():
    assert authority_level(18, 10, 20) == "director"
    assert authority_level(20, 10, 20) == "director"
    assert authority_level(20.5, 10, 20) == "manager"


@pytest.mark.parametrize(("rep", "head"), [(-1, 5), (10, 5)])
def test_bad_limits_raise(rep, head):
    with pytest.raises(ValueError):
        authority_level(1, rep, head)


limits = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), limits, limits)
def test_level_is_monotonic(value, a, b):
    rep, head = min(a, b), max(a, b)
    lower = authority_level(value, rep, head)
    higher = authority_level(value + 1, rep, head)
    assert level_rank(higher) >= level_rank(lower)


def test_highest_level():
    assert highest_level([]) == "rep"
    assert highest_level(["rep", False, "director"]) == "director"
    assert highest_level(["director", "manager", "rep"]) == "manager"


@pytest.mark.parametrize(
    ("price", "reference", "percent"),
    [(90, 100, 10.0), (100, 100, 0.0), (120, 100, 0.0), (50, 0, 0.0), (0, 80, 100.0)],
)
def test_percent_below(price, reference, percent):
    assert percent_below(price, reference) == percent
