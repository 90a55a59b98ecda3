"""Authorized-signer validity (SPEC R70)."""

import datetime


def signer_state(date_from, date_to, today, warn_days=30):
    """Return ``future``, ``valid``, ``expiring`` or ``expired``.

    A signer is valid from ``date_from`` to ``date_to`` inclusive (either may
    be ``None`` for an open bound); it is ``expiring`` within ``warn_days``
    days before ``date_to``.
    """
    if date_from and date_to and date_to < date_from:
        raise ValueError("A signer's validity cannot end before it starts")
    if date_from and today < date_from:
        return "future"
    if date_to and today > date_to:
        return "expired"
    if date_to and today >= date_to - datetime.timedelta(days=warn_days):
        return "expiring"
    return "valid"
