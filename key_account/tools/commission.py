"""Commissions on collected amounts (SPEC R27-R33).

Amounts are computed cumulatively per invoice: the amount due for everything
collected so far, minus what earlier lines already gave. A sequence of
partial payments therefore never gains or loses a cent against one full
payment (40 % + 60 % gives exactly the full-payment commission).
"""

from decimal import ROUND_HALF_UP, Decimal

# (line kind, beneficiary role) of each rate but the split commission.
DUE_KEYS = {
    "allowance": ("allowance", "rep"),
    "director": ("commission", "director"),
    "rebate": ("rebate", "customer"),
}


def exact(value):
    """``value`` as the decimal number it prints as: ``exact(2.675)`` is
    Decimal("2.675"), not the binary float just below it."""
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def round_half_up(value, digits=2):
    """Round like accounting does (half away from zero), without binary
    floating-point surprises such as ``round(2.675, 2) == 2.67``."""
    quantum = Decimal(1).scaleb(-digits)
    return float(exact(value).quantize(quantum, rounding=ROUND_HALF_UP))


def percent(amount, rate, digits=2):
    """``rate`` percent of ``amount``, computed on the decimal numbers: in
    binary floating point 66.85 * 30 / 100 is 20.054999…, which would round
    to 20.05 instead of 20.06."""
    return round_half_up(exact(amount) * exact(rate) / 100, digits)


def cumulative_base(fraction, total, untaxed, taxed_base=False, digits=2):
    """Base for the collected ``fraction`` (0..1, may exceed 1 by rounding,
    clamped) of an invoice whose amounts are ``total`` and ``untaxed`` in
    company currency."""
    fraction = max(min(fraction, 1.0), -1.0)
    amount = total if taxed_base else untaxed
    return round_half_up(exact(amount) * exact(fraction), digits)


def commission_amount(base, rate, digits=2):
    """``rate`` percent of ``base``."""
    return percent(base, rate, digits)


def split(amount, shares, digits=2):
    """Split ``amount`` by the percentage ``shares`` ({role: percent}, summing
    to 100). Every role but the largest is rounded; the largest takes the
    rest, so the parts always sum to ``amount`` exactly."""
    if not shares:
        return {}
    if round(sum(shares.values()), 6) != 100:
        raise ValueError("Commission shares must sum to 100 %")
    largest = max(shares, key=lambda role: (shares[role], str(role)))
    parts = {
        role: percent(amount, share, digits)
        for role, share in shares.items()
        if role != largest
    }
    parts[largest] = round_half_up(
        exact(amount) - sum(exact(part) for part in parts.values()), digits
    )
    return parts


def shares(executive_share, has_executive):
    """{role: percent}: the rep alone, or rep and executive (R29, 7:3 by
    default)."""
    if not 0 <= executive_share <= 100:
        raise ValueError("The executive's share must be between 0 and 100 %")
    if not has_executive or not executive_share:
        return {"rep": 100.0}
    return {"rep": 100.0 - executive_share, "executive": float(executive_share)}


def due_amounts(
    fraction,
    total,
    untaxed,
    rates,
    executive_share,
    has_executive,
    taxed_base=False,
    digits=2,
):
    """Cumulative amounts due for the collected ``fraction`` of an invoice:
    {(kind, role): (base, rate, amount)}.

    ``rates`` is {kind: percent} for ``commission`` (split between rep and
    executive), ``allowance`` (the rep's expense account), ``director`` and
    ``rebate`` (the customer's). Kinds with a zero rate give nothing.
    """
    base = cumulative_base(fraction, total, untaxed, taxed_base, digits)
    due = {}
    for kind, rate in rates.items():
        if not rate:
            continue
        amount = commission_amount(base, rate, digits)
        if kind == "commission":
            parts = split(amount, shares(executive_share, has_executive), digits)
            for role, part in parts.items():
                due[(kind, role)] = (base, rate, part)
        else:
            due[DUE_KEYS[kind]] = (base, rate, amount)
    return due


def blended_rate(weighted_rates, digits=4):
    """Average rate of an invoice whose lines earn different rates:
    ``weighted_rates`` is [(untaxed line amount, rate)]."""
    total = sum(amount for amount, _rate in weighted_rates)
    if not total:
        return 0.0
    return round_half_up(
        sum(amount * rate for amount, rate in weighted_rates) / total, digits
    )


def rule_score(rule_user, rule_category, rule_tier):
    """Specificity of a commission rule: rep over product category over tier
    over the default rule."""
    return 4 * bool(rule_user) + 2 * bool(rule_category) + bool(rule_tier)


def claim_window_open(day, last_day, first=25, last=30):
    """Claims are submitted from the ``first`` day to the ``last`` day of the
    month, or to the month's last day when it is shorter (R37)."""
    return first <= day <= min(last, last_day)


# A withheld customer rebate is a major fault fined this many times the
# amount withheld (R34); HR applies the fine outside the system.
REBATE_PENALTY_FACTOR = 5


def rebate_penalty(withheld, factor=REBATE_PENALTY_FACTOR, digits=2):
    """The fine proposed for a customer rebate of ``withheld`` that was not
    passed on: ``factor`` times the amount, never negative."""
    if withheld <= 0:
        return 0.0
    return round_half_up(exact(withheld) * exact(factor), digits)
