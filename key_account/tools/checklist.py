"""Document checklists (SPEC R2)."""


def missing_items(required, provided):
    """Return the required items not provided, in the order of ``required``.

    Duplicates in ``required`` are reported once.
    """
    provided = set(provided)
    missing = []
    for item in required:
        if item not in provided and item not in missing:
            missing.append(item)
    return missing
