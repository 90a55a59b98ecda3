"""Compensation volume maths (补量, SPEC R35, R17)."""

from .dates import add_months


def month_start(day):
    """First day of ``day``'s calendar month."""
    return day.replace(day=1)


def volume_window(day, months):
    """``(start, end)`` of the ``months`` full calendar months before
    ``day``'s month: ``start`` included, ``end`` (the first day of ``day``'s
    month) excluded."""
    if months < 1:
        raise ValueError("The monthly volume needs at least one month")
    end = month_start(day)
    return add_months(end, -months), end


def monthly_volume(monthly_totals, months):
    """Average monthly amount of ``monthly_totals`` (one amount per month
    invoiced, months without invoices left out) over ``months`` months; a
    negative result (more credit notes than invoices) counts as no volume."""
    if months < 1:
        raise ValueError("The monthly volume needs at least one month")
    return max(sum(monthly_totals) / months, 0.0)


def compensation_percent(compensation, volume):
    """Compensation in % of the monthly volume, rounded to 2 decimals;
    ``None`` when the customer has no volume to measure it against."""
    if volume <= 0:
        return None
    return round(compensation / volume * 100.0, 2)


def compensation_limits(performance_priced, standard, performance=None):
    """Limits that apply to a customer: the performance-priced ones for a
    performance-priced customer when they are set, else the standard ones."""
    if performance_priced and performance is not None:
        return performance
    return standard
