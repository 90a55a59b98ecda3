"""Health score of a key account (0-100) from plain inputs.

Each factor scores 0 (bad) to 100 (good), or ``None`` when there is nothing
to measure it by (no order history, no target, no survey, ...). The score is
the weighted mean of the factors that have a score and a positive weight,
the weights normalised over those factors; a factor's "lost points" are what
it takes off the 100 (they add up to ``100 - score``).
"""

# Factors, in display order.
FACTORS = (
    "recency",
    "frequency",
    "revenue",
    "payment",
    "overdue",
    "complaints",
    "satisfaction",
    "visits",
)
# Overdue ladder stage of the oldest open receivable -> factor score.
OVERDUE_SCORES = {"current": 100.0, "monitor": 50.0, "progress": 20.0, "writeoff": 0.0}
# Points an open complaint takes off, by severity (low, medium, high,
# critical: key_account.complaint's codes).
COMPLAINT_PENALTIES = {"0": 10.0, "1": 25.0, "2": 50.0, "3": 100.0}
# Trailing window of the account's own order rhythm, and its recent part.
WINDOW_DAYS = 365
RECENT_DAYS = 91


def _clamp(value):
    return max(0.0, min(100.0, float(value)))


def _ramp(value, good, bad):
    """100 up to ``good``, 0 from ``bad`` on, linear between (good < bad)."""
    if value <= good:
        return 100.0
    if value >= bad:
        return 0.0
    return _clamp(100.0 * (bad - value) / (bad - good))


def recency_score(days_since_last, orders_in_window, window_days=WINDOW_DAYS):
    """Days since the last order against the account's own average interval
    between orders over the trailing window: on rhythm (or early) 100, three
    intervals late 0. Never ordered: None; no order in the whole window: 0."""
    if days_since_last is None:
        return None
    if orders_in_window <= 0:
        return 0.0
    interval = window_days / orders_in_window
    return _ramp(max(days_since_last, 0) / interval, 1.0, 3.0)


def frequency_score(
    recent_orders,
    orders_in_window,
    recent_days=RECENT_DAYS,
    window_days=WINDOW_DAYS,
):
    """Orders of the recent period against what the trailing window's rate
    expects for it: as many or more 100, none 0. No baseline: None."""
    if orders_in_window <= 0:
        return None
    expected = orders_in_window * recent_days / window_days
    return _clamp(100.0 * max(recent_orders, 0) / expected)


def revenue_score(recent_revenue, annual_target, recent_days=RECENT_DAYS):
    """Revenue of the recent period, annualised, against the yearly target:
    on target or above 100, nothing 0. No target: None."""
    if not annual_target or annual_target <= 0:
        return None
    annualised = max(recent_revenue, 0.0) * WINDOW_DAYS / recent_days
    return _clamp(100.0 * annualised / annual_target)


def payment_score(days_to_pay, good_days=30.0, bad_days=120.0):
    """Average days to pay: within ``good_days`` 100, from ``bad_days`` 0.
    No payment to measure: None."""
    if days_to_pay is None:
        return None
    return _ramp(days_to_pay, good_days, bad_days)


def overdue_score(stage):
    """Overdue ladder stage of the oldest open receivable (None or
    ``current``: nothing overdue on the ladder)."""
    return OVERDUE_SCORES.get(stage or "current", 100.0)


def complaint_score(open_by_severity, penalties=None):
    """100 less the points of each open complaint by severity
    (``{severity code: count}``), never below 0."""
    penalties = penalties or COMPLAINT_PENALTIES
    lost = sum(
        penalties.get(severity, 0.0) * max(count, 0)
        for severity, count in (open_by_severity or {}).items()
    )
    return _clamp(100.0 - lost)


def satisfaction_score(score, low=1.0, high=5.0):
    """The last satisfaction score (1-5) on 0-100. None or 0: no survey."""
    if not score:
        return None
    return _clamp(100.0 * (score - low) / (high - low))


def visit_score(days_since_visit, interval_days):
    """Days since the last visit against the tier's interval: within it 100,
    twice it 0. No interval or no date to count from: None."""
    if not interval_days or interval_days <= 0 or days_since_visit is None:
        return None
    return _ramp(max(days_since_visit, 0) / interval_days, 1.0, 2.0)


def _rank(factor):
    return FACTORS.index(factor) if factor in FACTORS else len(FACTORS)


def combine(scores, weights):
    """(score, pulling) from ``scores`` {factor: 0-100 or None} and
    ``weights`` {factor: weight >= 0}.

    ``score`` is the weighted mean (0-100) over the factors with a score and
    a positive weight, or None when there is none. ``pulling`` lists
    ``(factor, factor score, lost points)`` of the factors below 100, the
    largest loss first; the lost points add up to ``100 - score``."""
    used = {
        factor: float(weight)
        for factor, weight in weights.items()
        if weight and weight > 0 and scores.get(factor) is not None
    }
    total = sum(used.values())
    if total <= 0:
        return None, []
    score = sum(weight * _clamp(scores[f]) for f, weight in used.items()) / total
    pulling = [
        (
            factor,
            _clamp(scores[factor]),
            weight / total * (100.0 - _clamp(scores[factor])),
        )
        for factor, weight in used.items()
        if _clamp(scores[factor]) < 100.0
    ]
    pulling.sort(key=lambda item: (-item[2], _rank(item[0])))
    return _clamp(score), pulling


def warning_reasons(score, previous, threshold, drop_points):
    """Why the account needs an early warning: ``below`` the threshold,
    ``drop`` by more than ``drop_points`` since ``previous`` (0 or less:
    no drop check). Empty when the score is unknown or fine."""
    if score is None:
        return []
    reasons = []
    if score < threshold:
        reasons.append("below")
    if previous is not None and drop_points > 0 and previous - score > drop_points:
        reasons.append("drop")
    return reasons
