from hypothesis import given, strategies as st
import pytest

from key_account_tools import amount_band

amounts = st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        (0, 1),
        (0.0, 1),
        (50_000, 1),
        (99_999.99, 1),
        (100_000, 2),
        (100_000.0, 2),
        (100_000.01, 2),
        (299_999.99, 2),
        (300_000, 3),
        (300_000.01, 3),
        (10_000_000, 3),
    ],
)
def test_default_band_boundaries(amount, band):
    assert amount_band(amount) == band


@pytest.mark.parametrize("amount", [-0.01, -1, -100_000])
def test_negative_amount_raises(amount):
    with pytest.raises(ValueError):
        amount_band(amount)


@pytest.mark.parametrize(
    "thresholds",
    [
        (300_000.0, 100_000.0),
        (100_000.0, 100_000.0),
        (10.0, 20.0, 15.0),
    ],
)
def test_non_ascending_thresholds_raise(thresholds):
    with pytest.raises(ValueError):
        amount_band(1.0, thresholds)


def test_non_ascending_thresholds_raise_even_for_zero_amount():
    with pytest.raises(ValueError):
        amount_band(0, (5.0, 1.0))


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        (0, 1),
        (9.99, 1),
        (10, 2),
        (49.99, 2),
        (50, 3),
        (999.99, 3),
        (1000, 4),
        (10**9, 4),
    ],
)
def test_custom_thresholds(amount, band):
    assert amount_band(amount, (10.0, 50.0, 1000.0)) == band


def test_single_threshold_and_no_threshold():
    assert amount_band(4.99, [5.0]) == 1
    assert amount_band(5.0, [5.0]) == 2
    assert amount_band(10**9, ()) == 1


def test_thresholds_may_be_any_iterable():
    assert amount_band(150, iter([100.0, 200.0])) == 2


@given(a=amounts, b=amounts)
def test_band_is_monotonic_in_amount(a, b):
    low, high = sorted((a, b))
    assert amount_band(low) <= amount_band(high)


@given(
    amount=amounts,
    thresholds=st.lists(
        st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
        unique=True,
        max_size=6,
    ).map(sorted),
)
def test_band_in_range_and_counts_reached_bounds(amount, thresholds):
    band = amount_band(amount, thresholds)
    assert 1 <= band <= len(thresholds) + 1
    assert band == 1 + sum(1 for bound in thresholds if amount >= bound)


@given(
    thresholds=st.lists(
        st.floats(min_value=0, max_value=1e9, allow_nan=False),
        unique=True,
        min_size=1,
        max_size=6,
    ).map(sorted),
    data=st.data(),
)
def test_each_threshold_is_an_inclusive_lower_bound(thresholds, data):
    index = data.draw(st.integers(min_value=0, max_value=len(thresholds) - 1))
    assert amount_band(thresholds[index], thresholds) == index + 2
