from hypothesis import assume, given, strategies as st
import pytest

from key_account_tools import (
    HEALTH_FACTORS,
    complaint_score,
    frequency_score,
    health_combine,
    health_warning_reasons,
    overdue_score,
    payment_score,
    recency_score,
    revenue_score,
    satisfaction_score,
    visit_score,
)

days = st.integers(min_value=0, max_value=5000)
counts = st.integers(min_value=0, max_value=500)
amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False)
factor_scores = st.one_of(
    st.none(), st.floats(min_value=0, max_value=100, allow_nan=False)
)
# Weights are settings with two decimals: none or at least 0.01.
weights = st.one_of(
    st.just(0.0), st.floats(min_value=0.01, max_value=1000, allow_nan=False)
)
scores_maps = st.fixed_dictionaries(dict.fromkeys(HEALTH_FACTORS, factor_scores))
weights_maps = st.fixed_dictionaries(dict.fromkeys(HEALTH_FACTORS, weights))
severities = st.dictionaries(st.sampled_from(["0", "1", "2", "3"]), counts)


def _in_bounds(value):
    return value is None or 0.0 <= value <= 100.0


# Factors: bounds
@given(days, counts, counts, amounts, amounts, days, st.integers(0, 400))
def test_factor_scores_are_within_bounds(
    since, window, recent, revenue, target, gap, interval
):
    assert _in_bounds(recency_score(since, window))
    assert _in_bounds(frequency_score(recent, window))
    assert _in_bounds(revenue_score(revenue, target))
    assert _in_bounds(payment_score(float(since)))
    assert _in_bounds(visit_score(gap, interval))


@given(severities)
def test_complaint_score_within_bounds(open_by_severity):
    assert 0.0 <= complaint_score(open_by_severity) <= 100.0


@given(st.floats(min_value=0, max_value=5, allow_nan=False))
def test_satisfaction_within_bounds(score):
    assert _in_bounds(satisfaction_score(score))


# Factors: monotonicity
@given(days, days, st.integers(1, 500))
def test_recency_worsens_with_time(a, b, window):
    early, late = sorted((a, b))
    assert recency_score(early, window) >= recency_score(late, window)


@given(counts, counts, st.integers(1, 500))
def test_frequency_improves_with_orders(a, b, window):
    few, many = sorted((a, b))
    assert frequency_score(few, window) <= frequency_score(many, window)


@given(amounts, amounts, st.floats(min_value=1, max_value=1e9))
def test_revenue_improves_with_revenue(a, b, target):
    low, high = sorted((a, b))
    assert revenue_score(low, target) <= revenue_score(high, target)


@given(days, days)
def test_payment_worsens_with_days(a, b):
    fast, slow = sorted((a, b))
    assert payment_score(fast) >= payment_score(slow)


@given(severities, st.sampled_from(["0", "1", "2", "3"]))
def test_one_more_complaint_never_helps(open_by_severity, severity):
    more = dict(open_by_severity)
    more[severity] = more.get(severity, 0) + 1
    assert complaint_score(more) <= complaint_score(open_by_severity)


@given(days, days, st.integers(1, 400))
def test_visits_worsen_with_gap(a, b, interval):
    short, long_ = sorted((a, b))
    assert visit_score(short, interval) >= visit_score(long_, interval)


def test_overdue_stages_rank():
    stages = ["current", "monitor", "progress", "writeoff"]
    values = [overdue_score(s) for s in stages]
    assert values == sorted(values, reverse=True)
    assert overdue_score(None) == 100.0


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: recency_score(None, 0), None),
        (lambda: recency_score(400, 0), 0.0),
        (lambda: recency_score(10, 12), 100.0),
        (lambda: recency_score(3 * 365 / 12, 12), 0.0),
        (lambda: frequency_score(3, 0), None),
        (lambda: frequency_score(0, 12), 0.0),
        (lambda: revenue_score(1000, 0), None),
        (lambda: revenue_score(25_000, 100_000 * 365 / 91 / 4), 100.0),
        (lambda: payment_score(None), None),
        (lambda: payment_score(75), 50.0),
        (lambda: complaint_score({"3": 1}), 0.0),
        (lambda: complaint_score({"0": 2, "1": 1}), 55.0),
        (lambda: satisfaction_score(0), None),
        (lambda: satisfaction_score(3), 50.0),
        (lambda: visit_score(45, 30), 50.0),
        (lambda: visit_score(45, 0), None),
        (lambda: visit_score(None, 30), None),
    ],
)
def test_factor_examples(call, expected):
    assert call() == (pytest.approx(expected) if expected is not None else None)


# Combination
@given(scores_maps, weights_maps)
def test_score_within_bounds_and_losses_add_up(scores, weight_map):
    score, pulling = health_combine(scores, weight_map)
    if score is None:
        assert pulling == []
        return
    assert 0.0 <= score <= 100.0
    assert sum(lost for _f, _s, lost in pulling) == pytest.approx(
        100.0 - score, abs=1e-6
    )
    assert all(s < 100.0 and lost >= 0 for _f, s, lost in pulling)
    losses = [lost for _f, _s, lost in pulling]
    assert losses == sorted(losses, reverse=True)


@given(scores_maps, weights_maps, st.floats(min_value=0.01, max_value=100))
def test_weights_are_normalised(scores, weight_map, factor):
    scaled = {f: w * factor for f, w in weight_map.items()}
    assume(all(w == 0 or w * factor > 0 for w in weight_map.values()))
    a, _ = health_combine(scores, weight_map)
    b, _ = health_combine(scores, scaled)
    assert (a is None) == (b is None)
    if a is not None:
        assert a == pytest.approx(b, abs=1e-6)


@given(scores_maps, weights_maps, st.sampled_from(HEALTH_FACTORS), factor_scores)
def test_zero_weight_factor_has_no_influence(scores, weight_map, factor, other):
    weight_map = dict(weight_map, **{factor: 0.0})
    changed = dict(scores, **{factor: other})
    a, pulling = health_combine(scores, weight_map)
    b, _ = health_combine(changed, weight_map)
    assert a == b or a == pytest.approx(b)
    assert factor not in [f for f, _s, _l in pulling]


@given(scores_maps)
def test_all_weights_zero_gives_no_score(scores):
    assert health_combine(scores, dict.fromkeys(HEALTH_FACTORS, 0.0)) == (None, [])


@given(
    scores_maps,
    weights_maps,
    st.sampled_from(HEALTH_FACTORS),
    st.floats(0, 100),
    st.floats(0, 100),
)
def test_score_is_monotonic_in_each_factor(scores, weight_map, factor, a, b):
    low, high = sorted((a, b))
    worse, _ = health_combine(dict(scores, **{factor: low}), weight_map)
    better, _ = health_combine(dict(scores, **{factor: high}), weight_map)
    if worse is None:
        assert better is None
    else:
        assert worse <= better + 1e-9


def test_unknown_factors_are_left_out():
    score, pulling = health_combine(
        {"recency": 40.0, "revenue": None}, {"recency": 1.0, "revenue": 5.0}
    )
    assert score == pytest.approx(40.0)
    assert pulling == [("recency", 40.0, pytest.approx(60.0))]


# Early warning
@given(
    st.one_of(st.none(), st.floats(0, 100)),
    st.one_of(st.none(), st.floats(0, 100)),
    st.floats(0, 100),
    st.floats(0, 100),
)
def test_warning_reasons(score, previous, threshold, drop):
    reasons = health_warning_reasons(score, previous, threshold, drop)
    if score is None:
        assert reasons == []
        return
    assert ("below" in reasons) == (score < threshold)
    assert ("drop" in reasons) == (
        previous is not None and drop > 0 and previous - score > drop
    )


def test_no_drop_check_without_points():
    assert health_warning_reasons(50, 90, 40, 0) == []
    assert health_warning_reasons(50, 90, 40, 30) == ["drop"]
