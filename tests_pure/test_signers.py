import datetime as dt

from hypothesis import assume, given, strategies as st
import pytest

from key_account_tools import signer_state

D = dt.date
START = D(2025, 1, 1)
END = D(2025, 6, 30)
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2050, 12, 31))
optional_dates = st.none() | dates


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2024, 12, 31), "future"),
        (D(2025, 1, 1), "valid"),  # first day inclusive
        (D(2025, 3, 1), "valid"),
        (D(2025, 5, 30), "valid"),  # 31 days before the end
        (D(2025, 5, 31), "expiring"),  # exactly warn_days before the end
        (D(2025, 6, 29), "expiring"),
        (D(2025, 6, 30), "expiring"),  # last day still within validity
        (D(2025, 7, 1), "expired"),
        (D(2025, 7, 2), "expired"),
    ],
)
def test_signer_state_boundaries(today, state):
    assert signer_state(START, END, today, warn_days=30) == state


def test_default_warn_days_is_thirty():
    assert signer_state(START, END, D(2025, 5, 31)) == "expiring"
    assert signer_state(START, END, D(2025, 5, 30)) == "valid"


def test_last_day_is_not_expired():
    assert signer_state(START, END, END) != "expired"
    assert signer_state(START, END, END, warn_days=0) == "expiring"


def test_custom_warn_days():
    assert signer_state(START, END, D(2025, 6, 23), warn_days=7) == "expiring"
    assert signer_state(START, END, D(2025, 6, 22), warn_days=7) == "valid"


def test_open_bounds():
    assert signer_state(None, None, D(2025, 1, 1)) == "valid"
    assert signer_state(None, END, D(1990, 1, 1)) == "valid"
    assert signer_state(None, END, D(2025, 7, 1)) == "expired"
    assert signer_state(START, None, D(2099, 1, 1)) == "valid"
    assert signer_state(START, None, D(2024, 12, 31)) == "future"


def test_single_day_validity():
    assert signer_state(END, END, END) == "expiring"
    assert signer_state(END, END, END - dt.timedelta(days=1)) == "future"


def test_end_before_start_raises():
    with pytest.raises(ValueError):
        signer_state(END, START, D(2025, 3, 1))


@given(
    date_from=optional_dates,
    date_to=optional_dates,
    today=dates,
    warn=st.integers(0, 365),
)
def test_signer_state_partition(date_from, date_to, today, warn):
    assume(not (date_from and date_to and date_to < date_from))
    state = signer_state(date_from, date_to, today, warn_days=warn)
    assert state in {"future", "valid", "expiring", "expired"}
    in_validity = (date_from is None or date_from <= today) and (
        date_to is None or today <= date_to
    )
    assert (state in {"valid", "expiring"}) == in_validity
    if state == "future":
        assert date_from is not None and today < date_from
    if state == "expired":
        assert date_to is not None and today > date_to
    if state == "expiring":
        assert 0 <= (date_to - today).days <= warn
    if state == "valid" and date_to is not None:
        assert (date_to - today).days > warn


@given(date_from=dates, date_to=dates)
def test_reversed_bounds_always_raise(date_from, date_to):
    assume(date_to < date_from)
    with pytest.raises(ValueError):
        signer_state(date_from, date_to, date_from)
