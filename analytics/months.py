"""Month arithmetic, defined once: every layer that counts months imports these.

A month is written "YYYY-MM" (`month_text`) and computed with as an *index*, the absolute month
number year * 12 + month - 1 ("2026-03" -> 24314), so months can be added and subtracted as integers.

- `month_index(value)`: the index of "YYYY-MM" (more text after the month, as in "2026-03-01", is
  ignored), a `datetime.date`/`datetime`/`pandas.Timestamp`; anything else raises `InvalidInput`
  (i18n key `explain.invalid_month`);
- `month_text(index)`: "YYYY-MM" of an index; `first_day(index)`: the first day of that month;
- `add_months(month, count)`: "YYYY-MM" `count` months later (earlier when negative);
- `months_between(first, last)`: how many months `last` is after `first` (0 for the same month,
  negative when `last` is earlier);
- `months_spanned(first, last)`: how many calendar months run from `first` to `last` with both counted
  (1 for the same month; `months_between + 1`), as a project starting in `first` and finishing in
  `last` works them;
- `month_range(first, last)`: every "YYYY-MM" from `first` to `last` inclusive (empty when last < first);
- `month_of(value)`: "YYYY-MM" of a date, timestamp or month text, None for a blank (None, NaN, NaT);
- `month_texts(values)`: a pandas Series of "YYYY-MM" for many values (the vectorised `month_of`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from analytics.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:$|-)")


def month_index(value: Any) -> int:
    """Absolute month number (year * 12 + month - 1) of "YYYY-MM", a date or a Timestamp."""
    if isinstance(value, dt.date | pd.Timestamp) and value is not pd.NaT:
        return value.year * 12 + value.month - 1
    match = _MONTH.match(str(value).strip()) if value is not None else None
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(f"not a month: {value!r}", key="explain.invalid_month", value=str(value))
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_text(index: int) -> str:
    """"YYYY-MM" of an absolute month number."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def first_day(index: int) -> dt.date:
    """The first day of the month with this absolute number."""
    return dt.date(index // 12, index % 12 + 1, 1)


def add_months(month: Any, count: int) -> str:
    """"YYYY-MM" `count` months after `month`."""
    return month_text(month_index(month) + int(count))


def months_between(first: Any, last: Any) -> int:
    """How many months `last` comes after `first` (0: the same month)."""
    return month_index(last) - month_index(first)


def months_spanned(first: Any, last: Any) -> int:
    """Calendar months from `first` to `last`, both counted (2026-01 to 2026-03: 3; the same month: 1)."""
    return months_between(first, last) + 1


def month_range(first: Any, last: Any) -> list[str]:
    """Every month from `first` to `last`, both included."""
    start, end = month_index(first), month_index(last)
    return [month_text(i) for i in range(start, end + 1)]


def month_of(value: Any) -> str | None:
    """"YYYY-MM" of a date, a timestamp or a month text; None for a blank value."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return month_text(month_index(value))


def month_texts(values: Iterable[object]) -> pd.Series:
    """"YYYY-MM" for each value (dates, timestamps or month texts) as a Series of str."""
    series = pd.Series(list(values), dtype=object)
    if series.empty:
        return series.astype(str)
    return pd.to_datetime(series.astype(str).str.slice(0, 7), format="%Y-%m").dt.strftime("%Y-%m")
