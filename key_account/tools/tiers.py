"""Tier suggestion from an annual amount and payment behaviour; tier moves
(SPEC R5, R6)."""

import math


def suggest_tier(revenue, tiers):
    """Return the code of the tier whose minimum revenue is the highest one
    not above ``revenue``; ``None`` when no tier qualifies.

    ``tiers`` is an iterable of ``(code, minimum_revenue)``. On equal minimums
    the first listed wins.
    """
    best_code, best_min = None, None
    for code, minimum in tiers:
        minimum = minimum or 0.0
        if revenue >= minimum and (best_min is None or minimum > best_min):
            best_code, best_min = code, minimum
    return best_code


def tier_move(current_rank, new_rank):
    """How a customer moves from the tier ranked ``current_rank`` to the one
    ranked ``new_rank``: ``"new"`` without a current tier, else ``"up"``,
    ``"down"`` or ``"same"``.

    Ranks are comparable values (e.g. ``(sequence, id)``) in the order tiers
    are listed, the highest tier first: a move down the list is a
    downgrade. ``None`` for ``new_rank`` means no tier proposed.
    """
    if new_rank is None:
        return None
    if current_rank is None:
        return "new"
    if new_rank == current_rank:
        return "same"
    return "down" if new_rank > current_rank else "up"


def average_days_to_pay(pairs):
    """Average days between invoice date and payment date, weighted by amount.

    ``pairs`` is an iterable of ``(days, amount)``; amounts <= 0 are ignored.
    Returns ``None`` when nothing was paid.
    """
    paid = [(days, amount) for days, amount in pairs if amount and amount > 0]
    # Exactly rounded sums: the result does not depend on the order of pairs.
    total = math.fsum(amount for _days, amount in paid)
    if not total:
        return None
    return round(math.fsum(days * amount for days, amount in paid) / total, 1)
