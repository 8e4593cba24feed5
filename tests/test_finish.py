"""When a project finishes (analytics.finish), the one definition the scorecard and the overrun history share."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analytics import scorecard
from analytics.derived_fields import duration_months
from analytics.finish import actual_duration_months, actual_finish, planned_finish_month
from analytics.months import months_spanned

D = dt.date


def test_planned_finish_is_the_last_month_of_planned_work():
    assert planned_finish_month("2026-01", 3) == "2026-03"
    assert planned_finish_month(D(2025, 11, 1), 3) == "2026-01"
    assert planned_finish_month("2026-05", 1) == "2026-05"


def test_actual_finish_is_the_latest_reports_forecast_else_its_date():
    assert actual_finish(D(2026, 4, 15), D(2026, 4, 30)) == pd.Timestamp("2026-04-30")
    assert actual_finish(D(2026, 2, 10), None) == pd.Timestamp("2026-02-10")
    assert actual_finish(pd.Timestamp("2026-02-10"), pd.NaT) == pd.Timestamp("2026-02-10")
    assert actual_finish(None, None) is None and actual_finish(pd.NaT, float("nan")) is None


def test_actual_duration_counts_the_start_and_finish_months():
    assert actual_duration_months(D(2026, 1, 1), D(2026, 4, 15), D(2026, 4, 30)) == 4  # January to April
    assert actual_duration_months(D(2025, 10, 1), D(2026, 2, 10), None) == 5  # October to February
    assert actual_duration_months("2026-03", D(2026, 3, 31), None) == 1
    assert actual_duration_months(D(2026, 6, 1), None, None) is None


def test_the_scorecard_uses_this_definition():
    """No second copy: the scorecard's names are this module's functions."""
    assert scorecard.actual_finish is actual_finish
    assert scorecard.planned_finish_month is planned_finish_month


@given(st.dates(D(1990, 1, 1), D(2090, 12, 31)), st.integers(min_value=0, max_value=20 * 366))
def test_the_mappings_vectorised_duration_is_months_spanned(start, days):
    """analytics.derived_fields counts a mapped duration for many rows at once: the same months."""
    finish = start + dt.timedelta(days=days)
    counted = duration_months(np.array([start], dtype="datetime64[D]"), np.array([finish], dtype="datetime64[D]"))
    assert int(counted.months[0]) == months_spanned(start, finish)
