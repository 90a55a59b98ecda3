"""Customer-file completeness (SPEC R67)."""


def completeness(filled, required):
    """Percentage (0-100, two decimals) of ``required`` items that are filled.

    ``filled`` is a collection of item keys holding a value; items filled but
    not required do not count. A file with no required item is complete.
    """
    required = set(required)
    if not required:
        return 100.0
    done = len(required & set(filled))
    return round(100.0 * done / len(required), 2)
