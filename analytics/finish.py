"""When a project finishes, defined once: its planned finish month, its actual finish and the months it ran.

Every layer that needs one of these imports it from here (the PMO scorecard, the overrun history behind
the simulation's priors, change impacts, snapshot comparison); the store only reads the inputs.

- `planned_finish_month(start_month, duration_months)`: "YYYY-MM" of the last month of planned work,
  start month + duration - 1 (a 3-month project starting 2026-01 is planned to finish in 2026-03).
- `actual_finish(report_date, forecast_finish)`: of the project's *latest* status report (the one with
  the latest `report_date`): its `forecast_finish`, else its `report_date` (an older report's forecast
  does not count); None without a report.
- `actual_duration_months(start_month, report_date, forecast_finish)`: calendar months from the start
  month to the month of the actual finish, both counted (`analytics.months.months_spanned`); None
  without a report.
"""

from __future__ import annotations

import pandas as pd

from analytics.months import add_months, months_spanned


def planned_finish_month(start_month: object, duration_months: int) -> str:
    """"YYYY-MM" of the last month of planned work: start month + duration - 1."""
    return add_months(start_month, int(duration_months) - 1)


def actual_finish(report_date: object, forecast_finish: object) -> pd.Timestamp | None:
    """The latest report's forecast finish, else its date; None without a report."""
    if not pd.isna(forecast_finish):
        return pd.Timestamp(forecast_finish)
    return None if pd.isna(report_date) else pd.Timestamp(report_date)


def actual_duration_months(start_month: object, report_date: object, forecast_finish: object) -> int | None:
    """Months from the start month to the actual finish's month, both counted; None without a report."""
    finished = actual_finish(report_date, forecast_finish)
    return None if finished is None else months_spanned(start_month, finished)
