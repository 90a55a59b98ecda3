"""Approval band of a contract amount (SPEC R11, R3)."""

# The bands, as the selection of orders and requests.
BANDS = [("1", "Band 1"), ("2", "Band 2"), ("3", "Band 3")]


def amount_band(amount, thresholds=(100000.0, 300000.0)):
    """Return the 1-based band of ``amount``.

    ``thresholds`` are the ascending lower bounds of bands 2, 3, ...; a lower
    bound is inclusive, so the stricter band wins on a boundary: with the
    defaults 99,999.99 is band 1, 100,000 band 2 and 300,000 band 3.
    """
    bounds = list(thresholds)
    if any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
        raise ValueError("Band thresholds must be strictly ascending")
    if amount < 0:
        raise ValueError("A contract amount cannot be negative")
    band = 1
    for bound in bounds:
        if amount >= bound:
            band += 1
    return band
