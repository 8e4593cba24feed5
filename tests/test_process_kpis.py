"""Process KPIs: control limits by hand, before/after on a known shift and on pure noise (seeded)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.errors import InvalidInput
from analytics.process_kpis import before_after, control_chart, kpi_series, process_overview
from tests import delivery_data

MONTHS = [str(p) for p in pd.period_range("2025-01", periods=24, freq="M")]


def _series(values, months=None):
    return pd.Series(values, index=months or MONTHS[: len(values)], dtype=float)


def test_control_limits_by_hand():
    # 10, 12, 14, 12, 12: mean 12, sample sd sqrt((4+0+4+0+0)/4) = sqrt(2); limits 12 +/- 4.2426.
    chart = control_chart(_series([10, 12, 14, 12, 12]))
    assert chart.mean == pytest.approx(12)
    assert chart.sigma == pytest.approx(np.sqrt(2))
    assert chart.upper_limit == pytest.approx(12 + 3 * np.sqrt(2))
    assert chart.lower_limit == pytest.approx(12 - 3 * np.sqrt(2))
    assert chart.out_of_control == ()


def test_out_of_control_month_against_a_baseline():
    values = [10, 11, 9, 10, 11, 9, 10, 30]
    chart = control_chart(_series(values), baseline_before=MONTHS[7])
    assert chart.baseline_months == 7
    assert chart.out_of_control == (MONTHS[7],)
    assert chart.lower_limit >= 0


def test_lower_limit_floored_at_zero():
    chart = control_chart(_series([0.01, 0.5, 0.02, 0.6]))
    assert chart.lower_limit == 0.0


def test_too_short_for_limits():
    chart = control_chart(_series([5.0]))
    assert chart.mean is None and chart.upper_limit is None and chart.out_of_control == ()


def test_known_shift_is_detected():
    rng = np.random.default_rng(42)
    values = np.r_[20 + rng.normal(0, 1, 12), 16 + rng.normal(0, 1, 12)]
    result = before_after(_series(values), "cycle_time_days", MONTHS[12])
    assert (result.months_before, result.months_after) == (12, 12)
    assert result.mean_before == pytest.approx(values[:12].mean())
    assert result.change == pytest.approx(values[12:].mean() - values[:12].mean())
    assert result.change < -3
    assert result.p_value < 0.001
    assert result.verdict == "improved"
    assert result.u_statistic == 144.0   # every before-month is above every after-month


def test_pure_noise_is_not_a_change():
    rng = np.random.default_rng(7)
    values = 20 + rng.normal(0, 1, 24)
    result = before_after(_series(values), "cycle_time_days", MONTHS[12])
    assert result.p_value > 0.05
    assert result.verdict == "no_change"


def test_worse_and_neutral_directions():
    step = _series([1, 1.1, 0.9, 1, 3, 3.1, 2.9, 3])
    assert before_after(step, "error_rate", MONTHS[4]).verdict == "worsened"
    assert before_after(step, "volume", MONTHS[4]).verdict == "increased"
    assert before_after(step, "unit_cost", MONTHS[4]).verdict == "worsened"


def test_mann_whitney_exact_small_sample():
    # Complete separation with 3 and 3: exact two-sided p = 2 / C(6, 3) = 0.1: not significant at 5 %.
    result = before_after(_series([5, 6, 7, 1, 2, 3]), "cycle_time_days", MONTHS[3])
    assert result.p_value == pytest.approx(0.1)
    assert result.verdict == "no_change"


def test_insufficient_data():
    result = before_after(_series([5, 6, 1, 2, 3]), "cycle_time_days", MONTHS[2])
    assert result.verdict == "insufficient_data" and result.p_value is None
    assert result.mean_before == 5.5


def test_on_sample_rows():
    frame = delivery_data.process_frame()
    series = kpi_series(frame, "Procurement", "cycle_time_days")
    assert len(series) == 12 and series.index[0] == "2025-04"
    assert before_after(series, "cycle_time_days", "2025-10").verdict == "improved"
    noise = kpi_series(frame, "Invoicing", "cycle_time_days")
    assert before_after(noise, "cycle_time_days", "2025-10").verdict == "no_change"
    overview = process_overview(frame)
    assert len(overview) == 8 and set(overview["process"]) == {"Procurement", "Invoicing"}


def test_unknown_kpi_refused():
    with pytest.raises(InvalidInput):
        kpi_series(delivery_data.process_frame(), "Procurement", "happiness")


def test_unknown_process_refused():
    with pytest.raises(InvalidInput):
        kpi_series(delivery_data.process_frame(), "Nope", "unit_cost")


def test_bad_alpha_refused():
    with pytest.raises(InvalidInput):
        before_after(_series([1, 2, 3, 4, 5, 6]), "unit_cost", MONTHS[3], alpha=1.5)
