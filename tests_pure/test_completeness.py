from hypothesis import given, strategies as st
import pytest

from key_account_tools import completeness

keys = st.lists(st.sampled_from(list("abcdefghij")), max_size=15)


def test_nothing_required_is_complete():
    assert completeness([], []) == 100.0
    assert completeness(["a", "b"], []) == 100.0


def test_two_of_four_is_half():
    assert completeness(["a", "c"], ["a", "b", "c", "d"]) == 50.0


def test_extra_filled_items_do_not_count():
    assert completeness(["a", "c", "x", "y", "z"], ["a", "b", "c", "d"]) == 50.0


def test_nothing_filled_is_zero_and_all_filled_is_hundred():
    assert completeness([], ["a", "b"]) == 0.0
    assert completeness(["b", "a"], ["a", "b"]) == 100.0


def test_rounded_to_two_decimals():
    assert completeness(["a"], ["a", "b", "c"]) == 33.33
    assert completeness(["a", "b"], ["a", "b", "c"]) == 66.67


def test_duplicates_do_not_inflate():
    assert completeness(["a", "a", "a"], ["a", "b", "b", "c", "d"]) == pytest.approx(
        25.0
    )


@given(filled=keys, required=keys)
def test_completeness_in_range_and_exact(filled, required):
    value = completeness(filled, required)
    assert 0.0 <= value <= 100.0
    if set(required):
        expected = 100.0 * len(set(filled) & set(required)) / len(set(required))
        assert value == pytest.approx(expected, abs=0.005)
        assert (value == 100.0) == set(required).issubset(filled)


@given(filled=keys, more=keys, required=keys)
def test_filling_more_never_decreases(filled, more, required):
    assert completeness(filled + more, required) >= completeness(filled, required)
