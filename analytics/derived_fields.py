"""Fields a column mapping derives from dates, vectorised over whole columns (docs/mapping.md).

- `duration_months(start, finish)`: the project's length in whole calendar months, counting the month
  of the start and the month of the finish both (2026-01-10 -> 2026-03-20 is January, February,
  March: 3). This is the contract's own reading: a project with `start_month` S and
  `duration_months` D runs in the months S .. S + D - 1, so its last month is the month it finishes
  in. A start and finish in the same month is 1. A finish before the start (compared by day) is
  flagged `backwards` and given 1, the least the contract allows; the importer warns with the row.
  It equals `analytics.months.months_spanned(start, finish)`, for many rows at once.
- `status_from_dates(start, finish, as_of)`: `completed` when the finish is on or before the as-of
  date, else `approved` when the start is after it, else `active`; compared by day. An empty finish
  means not finished; an empty start never makes a project `approved`.

Dates are NumPy `datetime64[D]` arrays; a missing date is `NaT`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from analytics.vocabulary import ProjectStatus


@dataclass(frozen=True)
class Durations:
    """Whole months per row; `known` is False where a date is missing (the value is then 0)."""

    months: np.ndarray  # int64
    known: np.ndarray  # bool
    backwards: np.ndarray  # bool: the finish is before the start (months is then 1)


def duration_months(start: np.ndarray, finish: np.ndarray) -> Durations:
    """Calendar months from the month of `start` to the month of `finish`, both counted, at least 1."""
    start = np.asarray(start, dtype="datetime64[D]")
    finish = np.asarray(finish, dtype="datetime64[D]")
    known = ~np.isnat(start) & ~np.isnat(finish)
    backwards = known & (finish < start)
    span = finish.astype("datetime64[M]") - start.astype("datetime64[M]")
    months = np.where(known, span.astype(np.int64) + 1, 0)
    months = np.where(backwards, 1, months)
    return Durations(months.astype(np.int64), known, backwards)


COMPLETED: ProjectStatus = "completed"
APPROVED: ProjectStatus = "approved"
ACTIVE: ProjectStatus = "active"


def status_from_dates(start: np.ndarray, finish: np.ndarray, as_of: dt.date) -> np.ndarray:
    """`completed` / `approved` / `active` per row (an object array of str), by day against `as_of`."""
    start = np.asarray(start, dtype="datetime64[D]")
    finish = np.asarray(finish, dtype="datetime64[D]")
    day = np.datetime64(as_of, "D")
    finished = ~np.isnat(finish) & (finish <= day)
    not_started = ~np.isnat(start) & (start > day)
    return np.where(finished, COMPLETED, np.where(not_started, APPROVED, ACTIVE)).astype(object)
