from hypothesis import given, strategies as st
import pytest

from key_account_tools import average_days_to_pay, suggest_tier, tier_move

TIERS = [("A", 300_000.0), ("B", 100_000.0), ("C", 0.0)]


@pytest.mark.parametrize(
    ("revenue", "code"),
    [
        (0, "C"),
        (80_000, "C"),
        (99_999.99, "C"),
        (100_000, "B"),
        (299_999.99, "B"),
        (300_000, "A"),
        (5_000_000, "A"),
    ],
)
def test_suggest_tier_examples(revenue, code):
    assert suggest_tier(revenue, TIERS) == code


def test_tier_order_does_not_matter():
    assert suggest_tier(150_000, list(reversed(TIERS))) == "B"


def test_none_when_nothing_qualifies():
    assert suggest_tier(50_000, [("A", 300_000.0), ("B", 100_000.0)]) is None
    assert suggest_tier(1_000_000, []) is None
    assert suggest_tier(-1, TIERS) is None


def test_ties_pick_first_listed():
    assert (
        suggest_tier(200_000, [("X", 100_000.0), ("Y", 100_000.0), ("C", 0.0)]) == "X"
    )
    assert suggest_tier(200_000, [("Y", 100_000.0), ("X", 100_000.0)]) == "Y"


def test_missing_minimum_counts_as_zero():
    assert suggest_tier(10, [("C", None), ("B", 100.0)]) == "C"
    assert suggest_tier(10, [("C", False), ("Z", 0.0)]) == "C"


tier_lists = st.lists(
    st.tuples(
        st.text("ABCDEFG", min_size=1, max_size=2),
        st.integers(0, 10).map(lambda x: x * 50_000.0),
    ),
    max_size=8,
    unique_by=lambda tier: tier[0],  # tier codes are unique
)
revenues = st.floats(min_value=-1e5, max_value=1e6, allow_nan=False)


@given(revenue=revenues, tiers=tier_lists)
def test_suggested_tier_is_highest_qualifying_minimum(revenue, tiers):
    code = suggest_tier(revenue, tiers)
    qualifying = [(c, m) for c, m in tiers if m <= revenue]
    if not qualifying:
        assert code is None
        return
    best = max(m for _, m in qualifying)
    # The first listed tier with the best qualifying minimum wins.
    assert code == next(c for c, m in tiers if m == best)
    assert dict(tiers)[code] <= revenue


@given(r1=revenues, r2=revenues, tiers=tier_lists)
def test_more_revenue_never_lowers_the_minimum(r1, r2, tiers):
    minimums = dict(tiers)
    low, high = sorted((r1, r2))
    code_low, code_high = suggest_tier(low, tiers), suggest_tier(high, tiers)
    if code_low is not None:
        assert code_high is not None
        assert minimums[code_high] >= minimums[code_low]


# --------------------------------------------------------------------------
# average_days_to_pay
# --------------------------------------------------------------------------


def test_average_days_weighted_by_amount():
    # (10*100 + 40*300) / 400 = 32.5
    assert average_days_to_pay([(10, 100.0), (40, 300.0)]) == 32.5


def test_average_days_plain_mean_with_equal_amounts():
    assert average_days_to_pay([(10, 50.0), (20, 50.0), (60, 50.0)]) == 30.0


def test_average_days_rounded_to_one_decimal():
    assert average_days_to_pay([(1, 1.0), (2, 1.0), (2, 1.0)]) == 1.7


def test_average_days_ignores_non_positive_amounts():
    assert (
        average_days_to_pay([(10, 100.0), (500, 0.0), (900, -50.0), (700, None)])
        == 10.0
    )


def test_average_days_none_when_nothing_paid():
    assert average_days_to_pay([]) is None
    assert average_days_to_pay([(10, 0.0), (20, -5.0)]) is None


pairs = st.lists(
    st.tuples(
        st.integers(0, 365), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
    ),
    max_size=20,
)


@given(pairs=pairs)
def test_average_days_between_min_and_max(pairs):
    paid = [(d, a) for d, a in pairs if a > 0]
    result = average_days_to_pay(pairs)
    if not paid:
        assert result is None
        return
    assert min(d for d, _ in paid) - 0.05 <= result <= max(d for d, _ in paid) + 0.05
    expected = sum(d * a for d, a in paid) / sum(a for _, a in paid)
    assert result == pytest.approx(expected, abs=0.05 + 1e-9)


@given(pairs=pairs)
def test_average_days_ignores_order(pairs):
    assert average_days_to_pay(pairs) == average_days_to_pay(list(reversed(pairs)))


# --------------------------------------------------------------------------
# tier_move
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "new", "move"),
    [
        (None, (30, 3), "new"),
        ((20, 2), (10, 1), "up"),
        ((20, 2), (30, 3), "down"),
        ((20, 2), (20, 2), "same"),
        ((20, 2), None, None),
        (None, None, None),
        # Same sequence: the id breaks the tie, as in the tiers' order.
        ((10, 1), (10, 2), "down"),
    ],
)
def test_tier_move_examples(current, new, move):
    assert tier_move(current, new) == move


ranks = st.tuples(st.integers(0, 100), st.integers(1, 50))


@given(a=ranks, b=ranks)
def test_tier_move_is_antisymmetric(a, b):
    forward, backward = tier_move(a, b), tier_move(b, a)
    if a == b:
        assert forward == backward == "same"
    else:
        assert {forward, backward} == {"up", "down"}
