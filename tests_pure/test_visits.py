import datetime as dt

import pytest

from key_account_tools import (
    deviates,
    is_vague,
    minutes_deadline,
    parse_words,
    previous_working_day,
    registration_state,
)

GENERIC = parse_words(
    "out, outside, seeing a customer, customer, visit, 外出, 拜访客户, 见客户"
)
T = dt.datetime


def test_words_setting():
    assert parse_words("out; visit，外出\n见客户,,") == [
        "out",
        "visit",
        "外出",
        "见客户",
    ]
    assert parse_words(False) == []


@pytest.mark.parametrize(
    "purpose",
    [
        "out",
        "Out.",
        "seeing a customer",
        "Seeing a customer!",
        "visit customer",
        "外出",
        "拜访客户",
        "",
        None,
        "abc",
    ],
)
def test_vague_purposes(purpose):
    assert is_vague(purpose, GENERIC)


@pytest.mark.parametrize(
    "purpose",
    [
        "Negotiate 2026 renewal prices",
        "Visit to collect the March invoice",
        "拜访客户洽谈续约价格",
        "收取三月货款",
    ],
)
def test_precise_purposes(purpose):
    assert not is_vague(purpose, GENERIC)


def test_min_length_is_configurable():
    assert is_vague("Demo", [], min_length=5)
    assert not is_vague("Demo", [], min_length=4)


def test_deviation():
    plan = T(2025, 6, 2, 9, 0)
    assert not deviates(plan, T(2025, 6, 2, 9, 30), 30)
    assert deviates(plan, T(2025, 6, 2, 9, 31), 30)
    assert deviates(plan, T(2025, 6, 2, 8, 0), 30)
    assert not deviates(plan, None, 30)


def test_previous_working_day():
    assert previous_working_day(dt.date(2025, 6, 3)) == dt.date(2025, 6, 2)
    # Monday → Friday
    assert previous_working_day(dt.date(2025, 6, 2)) == dt.date(2025, 5, 30)
    with pytest.raises(ValueError):
        previous_working_day(dt.date(2025, 6, 2), weekend=range(7))


def test_registered_before_departure():
    departure = T(2025, 6, 3, 14, 0)
    assert registration_state(T(2025, 6, 3, 9, 0), departure) == "registered"
    assert registration_state(T(2025, 6, 3, 14, 0), departure) == "unregistered"
    assert registration_state(T(2025, 6, 3, 16, 0), departure) == "unregistered"


def test_direct_visits_registered_the_day_before_by_the_cutoff():
    departure = T(2025, 6, 3, 8, 30)  # Tuesday
    assert registration_state(T(2025, 6, 2, 17, 59), departure, True) == "registered"
    assert registration_state(T(2025, 6, 2, 18, 0), departure, True) == "registered"
    assert registration_state(T(2025, 6, 2, 18, 1), departure, True) == "late"
    assert registration_state(T(2025, 6, 3, 7, 0), departure, True) == "late"
    assert registration_state(T(2025, 6, 3, 9, 0), departure, True) == "unregistered"
    # Monday visit: Friday evening is the deadline.
    monday = T(2025, 6, 9, 8, 30)
    assert registration_state(T(2025, 6, 6, 17, 0), monday, True) == "registered"
    assert registration_state(T(2025, 6, 7, 10, 0), monday, True) == "late"
    assert (
        registration_state(T(2025, 6, 2, 18, 20), departure, True, 18.5) == "registered"
    )


def test_minutes_due_two_working_days_later():
    assert minutes_deadline(dt.date(2025, 6, 5)) == dt.date(2025, 6, 9)
    assert minutes_deadline(dt.date(2025, 6, 2), 2) == dt.date(2025, 6, 4)
