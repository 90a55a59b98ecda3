from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, strategies as st
import pytest

from key_account_tools import (
    blended_rate,
    claim_window_open,
    commission_amount,
    cumulative_base,
    due_amounts,
    rebate_penalty,
    round_half_up,
    rule_score,
    shares,
    split,
)


def test_round_half_up_is_exact():
    assert round_half_up(2.675) == 2.68
    assert round_half_up(0.125) == 0.13
    assert round_half_up(-0.125) == -0.13
    assert round_half_up(1.005) == 1.01


def test_untaxed_share_is_the_default_base():
    # 113,000 collected on an invoice of 113,000 with 100,000 untaxed
    assert cumulative_base(1.0, 113000, 100000) == 100000
    assert cumulative_base(1.0, 113000, 100000, taxed_base=True) == 113000
    assert cumulative_base(0.4, 113000, 100000) == 40000


def test_spec_example_taxed_base():
    """SPEC R37 example: 113,000 collected, rep rate 5 %, rebate 3 %, an AE:
    commission 5,650 split 3,955 / 1,695, allowance 2,260, rebate 3,390."""
    due = due_amounts(
        1.0,
        113000,
        100000,
        {"commission": 5, "allowance": 2, "rebate": 3},
        executive_share=30,
        has_executive=True,
        taxed_base=True,
    )
    assert due[("commission", "rep")][2] == 3955
    assert due[("commission", "executive")][2] == 1695
    assert due[("allowance", "rep")][2] == 2260
    assert due[("rebate", "customer")][2] == 3390
    assert due[("commission", "rep")][0] == 113000


def test_no_executive_rep_takes_all():
    due = due_amounts(1.0, 113000, 100000, {"commission": 5}, 30, False)
    assert due == {("commission", "rep"): (100000, 5, 5000)}


def test_zero_rates_give_nothing():
    assert due_amounts(1.0, 100, 100, {"commission": 0, "rebate": 0}, 30, True) == {}


def test_split_sums_exactly():
    assert split(0.01, {"rep": 70, "executive": 30}) == {"rep": 0.01, "executive": 0.0}
    assert split(10.01, {"rep": 70, "executive": 30}) == {"rep": 7.01, "executive": 3.0}
    with pytest.raises(ValueError):
        split(10, {"rep": 70, "executive": 20})


def test_half_cents_round_up_whatever_the_binary_float():
    """66.85 * 30 / 100 is 20.054999… in binary floating point; the
    executive's 30 % of a 66.85 commission is 20.06 (half up), as PostgreSQL's
    numeric arithmetic and Odoo's currency rounding say."""
    assert split(66.85, {"rep": 70, "executive": 30}) == {
        "rep": 46.79,
        "executive": 20.06,
    }
    assert commission_amount(401.1, 5) == 20.06  # 20.055 exactly
    assert cumulative_base(0.5, 20.1, 20.1) == 10.05


@given(
    cents=st.integers(min_value=-(10**9), max_value=10**9),
    rate=st.integers(min_value=0, max_value=100_000),
)
def test_percent_is_decimal_half_up(cents, rate):
    """A percentage of an amount rounds as exact decimal arithmetic does."""
    amount, percent = Decimal(cents) / 100, Decimal(rate) / 10000
    expected = (amount * percent / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert commission_amount(float(amount), float(percent)) == float(expected)


def test_shares_bounds():
    assert shares(30, True) == {"rep": 70, "executive": 30}
    assert shares(0, True) == {"rep": 100}
    with pytest.raises(ValueError):
        shares(120, True)


@given(
    total=st.integers(min_value=1, max_value=10**9).map(lambda c: c / 100),
    tax_rate=st.sampled_from([0, 6, 9, 13, 17]),
    rate=st.integers(min_value=0, max_value=1000).map(lambda r: r / 100),
    cuts=st.lists(st.integers(min_value=1, max_value=99), max_size=6),
    executive=st.booleans(),
)
def test_partial_payments_sum_to_the_full_payment(
    total, tax_rate, rate, cuts, executive
):
    """Cumulative amounts minus what was already given: any sequence of
    partial payments ends with exactly the full-payment amounts."""
    untaxed = round_half_up(total / (1 + tax_rate / 100))
    points = sorted({c / 100 for c in cuts}) + [1.0]
    given_so_far = {}
    for fraction in points:
        rates = {"commission": rate, "allowance": 2}
        due = due_amounts(fraction, total, untaxed, rates, 30, executive)
        for key, (_base, _rate, amount) in due.items():
            line = round_half_up(amount - given_so_far.get(key, 0.0))
            given_so_far[key] = round_half_up(given_so_far.get(key, 0.0) + line)
    full = due_amounts(
        1.0, total, untaxed, {"commission": rate, "allowance": 2}, 30, executive
    )
    assert {k: v[2] for k, v in full.items()} == given_so_far


@given(amount=st.integers(min_value=-(10**9), max_value=10**9).map(lambda c: c / 100))
def test_split_parts_always_sum(amount):
    parts = split(amount, {"rep": 70, "executive": 30})
    assert round_half_up(sum(parts.values())) == amount


def test_commission_amount():
    assert commission_amount(100000, 5) == 5000
    assert commission_amount(33.33, 3) == 1.0


def test_blended_rate():
    assert blended_rate([(100, 5), (100, 3)]) == 4
    assert blended_rate([(300, 5), (100, 1)]) == 4
    assert blended_rate([]) == 0


def test_rule_score_prefers_the_most_specific():
    assert rule_score(True, False, False) > rule_score(False, True, True)
    assert rule_score(False, True, False) > rule_score(False, False, True)
    assert rule_score(False, False, True) > rule_score(False, False, False)


@pytest.mark.parametrize(
    ("day", "last_day", "open_"),
    [
        (20, 30, False),
        (24, 31, False),
        (25, 31, True),
        (30, 31, True),
        (31, 31, False),
        (28, 28, True),
        (29, 29, True),
    ],
)
def test_claim_window(day, last_day, open_):
    assert claim_window_open(day, last_day) is open_


def test_withheld_rebate_penalty_is_five_times_the_amount():
    """A withheld rebate of 3,390 proposes a fine of 16,950."""
    assert rebate_penalty(3390) == 16950
    assert rebate_penalty(0.01) == 0.05
    assert rebate_penalty(66.85, factor=3) == 200.55
    assert rebate_penalty(0) == 0
    assert rebate_penalty(-10) == 0


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_rebate_penalty_is_exact_in_cents(amount):
    assert rebate_penalty(float(amount)) == float(amount * 5)
