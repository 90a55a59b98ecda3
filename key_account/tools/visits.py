"""Go-out register and visit maths (SPEC R50–R55)."""

import datetime
import re
import unicodedata

from .dates import add_working_days

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def _fold(text):
    return unicodedata.normalize("NFKC", text or "").lower()


def is_vague(purpose, generic_words, min_length=4):
    """Whether a go-out purpose says nothing (SPEC R51): once the generic
    words ("out", "seeing a customer", 拜访客户 …) are removed, fewer than
    ``min_length`` letters or digits are left."""
    text = _fold(purpose)
    for word in sorted(
        (_fold(w).strip() for w in generic_words), key=len, reverse=True
    ):
        if word:
            text = text.replace(word, " ")
    return len(_NOISE.sub("", text)) < min_length


def parse_words(text):
    """Generic words of the setting: one per comma, semicolon or line."""
    return [w.strip() for w in re.split(r"[,;，；\n]", text or "") if w.strip()]


def deviates(planned, actual, tolerance_minutes):
    """Whether an actual time is further than the tolerance from the plan."""
    if not planned or not actual:
        return False
    return abs((actual - planned).total_seconds()) > tolerance_minutes * 60


def previous_working_day(day, weekend=(5, 6)):
    """The working day before ``day``."""
    if len(set(weekend)) >= 7:
        raise ValueError("A week needs at least one working day")
    current = day - datetime.timedelta(days=1)
    while current.weekday() in weekend:
        current -= datetime.timedelta(days=1)
    return current


def registration_state(registered, departure, direct=False, cutoff_hour=18.0):
    """State of a go-out registration (SPEC R51, R52), all times local.

    - made after departure: ``unregistered``;
    - a direct visit (straight from home to the customer) registered after
      ``cutoff_hour`` of the previous working day: ``late``;
    - otherwise ``registered``.
    """
    if registered >= departure:
        return "unregistered"
    if direct:
        hours = int(cutoff_hour)
        minutes = round((cutoff_hour - hours) * 60)
        if minutes == 60:
            hours, minutes = hours + 1, 0
        deadline = datetime.datetime.combine(
            previous_working_day(departure.date()),
            datetime.time(min(hours, 23), minutes if hours < 24 else 59),
        )
        if registered > deadline:
            return "late"
    return "registered"


def minutes_deadline(visit_day, working_days=2, weekend=(5, 6)):
    """Day the meeting minutes are due (SPEC R54)."""
    return add_working_days(visit_day, working_days, weekend=weekend)
