"""Dates as the codings write them (YYYY, YYYY-MM, YYYY-MM-DD) and the interval each stands for."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def partial_date(value: object) -> tuple[dt.date, str]:
    """A YAML date written as YYYY, YYYY-MM or YYYY-MM-DD -> (first day, precision).

    Raises ValueError for anything else, including impossible dates such as 2023-02-30.
    """
    if isinstance(value, dt.datetime):
        raise ValueError("write a date without a time")
    if isinstance(value, dt.date):
        return value, "day"
    match = _PARTIAL_DATE.match(str(value))
    if not match:
        raise ValueError("expected a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"impossible date ({exc})") from None
    return date, "day" if day else "month" if month else "year"


def last_day(first: dt.date, precision: str) -> dt.date:
    """The last day a date of this precision can mean: the end of its year, month or day.

    A year- or month-precision date is stored as its first day, so on its own it sorts
    before every event of that year or month; the pair (first, last day) is the interval
    the date stands for.
    """
    if precision == "year":
        return first.replace(month=12, day=31)
    if precision == "month":
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if precision == "day":
        return first
    raise ValueError(f"unknown date precision {precision!r}")


def expected_end(date_text: str, precision: str, end_text: str) -> str | None:
    """The date_end a published row should have, when its `end_text` is not it; else None.

    Works on the cell text of a published table (for the validator). A date or precision
    that is itself wrong is left to the rules on those columns: nothing is expected then.
    """
    if not date_text:
        return "" if end_text else None
    try:
        expected = last_day(dt.date.fromisoformat(date_text), precision).isoformat()
    except ValueError:
        return None
    return expected if end_text != expected else None


def derived_date_columns(column: str) -> tuple[str, str]:
    """The build-computed companions of a date column: its precision and its last day."""
    return f"{column}_precision", f"{column}_end"
