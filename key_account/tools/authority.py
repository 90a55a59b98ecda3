"""Authority matrix maths (SPEC R16, R17): who may grant a value."""

# Authority levels, lowest first: the rep, the KA head, the general manager.
LEVELS = ("rep", "director", "manager")


def authority_level(value, rep_limit, head_limit, head_inclusive=True):
    """Return the lowest level whose limit covers ``value``.

    The rep's limit is inclusive (a rebate of exactly 5 % is the rep's); the
    KA head's limit is inclusive unless ``head_inclusive`` is false (a rebate
    of 10 % is the general manager's). A value of zero or less needs no one.
    """
    if rep_limit < 0 or head_limit < rep_limit:
        raise ValueError("Authority limits must be ascending and not negative")
    if value <= 0 or value <= rep_limit:
        return "rep"
    if value < head_limit or (head_inclusive and value == head_limit):
        return "director"
    return "manager"


def highest_level(levels):
    """The highest of ``levels`` (``"rep"`` when there is none)."""
    ranks = [LEVELS.index(level) for level in levels if level]
    return LEVELS[max(ranks)] if ranks else "rep"


def level_rank(level):
    """0 for the rep, 1 for the KA head, 2 for the general manager."""
    return LEVELS.index(level or "rep")


def percent_below(price, reference):
    """How far ``price`` lies below ``reference``, in % of the reference
    (0 when it is not below, or when there is no reference)."""
    if reference <= 0 or price >= reference:
        return 0.0
    return round((reference - price) / reference * 100.0, 2)
