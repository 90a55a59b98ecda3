import datetime

import pytest

from key_account_tools import (
    entered_late,
    entry_deadline,
    per_month,
    share,
    window_start,
)

D = datetime.date


def test_entry_deadline_two_working_days():
    # Learned on Monday: entered by Wednesday; late from Thursday (R69).
    assert entry_deadline(D(2025, 6, 9)) == D(2025, 6, 11)
    assert not entered_late(D(2025, 6, 9), D(2025, 6, 11))
    assert entered_late(D(2025, 6, 9), D(2025, 6, 12))
    # Learned on Friday: the weekend does not count.
    assert entry_deadline(D(2025, 6, 13)) == D(2025, 6, 17)
    assert entry_deadline(D(2025, 6, 13), 0) == D(2025, 6, 13)


def test_window_and_rates():
    assert window_start(D(2025, 6, 15), 12) == D(2024, 6, 16)
    assert window_start(D(2025, 3, 31), 1) == D(2025, 3, 1)
    assert per_month(6, 12) == 0.5
    assert share(25.0, 200.0) == 12.5
    assert share(25.0, 0.0) == 0.0
    with pytest.raises(ValueError):
        window_start(D(2025, 1, 1), 0)
    with pytest.raises(ValueError):
        per_month(3, 0)
