"""Earned value: a textbook example worked by hand, zero denominators, no reports, portfolio sums."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analytics.errors import InvalidInput
from analytics.evm import evm_figures, evm_frame, grouped_evm, portfolio_evm

# Textbook example: BAC 100,000; at the status date PV 50,000, EV 40,000, AC 45,000.
#   SV = 40,000 - 50,000 = -10,000          CV = 40,000 - 45,000 = -5,000
#   SPI = 40,000 / 50,000 = 0.8             CPI = 40,000 / 45,000 = 0.888...
#   EAC (cpi)     = 45,000 + 60,000 / 0.888... = 45,000 + 67,500 = 112,500
#   EAC (budget)  = 45,000 + 60,000            = 105,000
#   EAC (cpi_spi) = 45,000 + 60,000 / (0.888... x 0.8) = 45,000 + 84,375 = 129,375
#   ETC (cpi) = 112,500 - 45,000 = 67,500   VAC (cpi) = 100,000 - 112,500 = -12,500
#   TCPI = (100,000 - 40,000) / (100,000 - 45,000) = 60,000 / 55,000 = 1.0909...


def test_textbook_example_cpi_form():
    f = evm_figures(50_000, 40_000, 45_000, 100_000)
    assert f.schedule_variance == -10_000
    assert f.cost_variance == -5_000
    assert f.spi == pytest.approx(0.8)
    assert f.cpi == pytest.approx(40 / 45)
    assert f.eac == pytest.approx(112_500)
    assert f.etc == pytest.approx(67_500)
    assert f.vac == pytest.approx(-12_500)
    assert f.tcpi == pytest.approx(60 / 55)
    assert f.eac_method == "cpi"


@pytest.mark.parametrize(("method", "eac"), [("cpi", 112_500), ("budget", 105_000), ("cpi_spi", 129_375)])
def test_textbook_example_three_eac_forms(method, eac):
    f = evm_figures(50_000, 40_000, 45_000, 100_000, method=method)
    assert f.eac == pytest.approx(eac)
    assert f.etc == pytest.approx(eac - 45_000)
    assert f.vac == pytest.approx(100_000 - eac)


def test_zero_planned_value_leaves_spi_undefined():
    f = evm_figures(0, 0, 5, 100)
    assert f.spi is None
    assert f.cpi == 0.0           # 0 / 5: defined, nothing earned for the money
    assert f.eac is None          # remaining / CPI with CPI 0: not defined, never inf
    assert f.tcpi == pytest.approx(100 / 95)
    assert evm_figures(0, 0, 5, 100, method="budget").eac == pytest.approx(105)
    assert evm_figures(0, 0, 5, 100, method="cpi_spi").eac is None


def test_zero_actual_cost_leaves_cpi_and_eac_undefined():
    f = evm_figures(10, 8, 0, 100)
    assert f.cpi is None and f.eac is None and f.etc is None and f.vac is None
    assert f.spi == pytest.approx(0.8)
    assert f.tcpi == pytest.approx(92 / 100)


def test_everything_zero_and_tcpi_when_budget_spent():
    f = evm_figures(0, 0, 0, 0)
    values = [f.spi, f.cpi, f.eac, f.etc, f.vac, f.tcpi]
    assert values == [None] * 6
    assert evm_figures(100, 100, 100, 100).tcpi is None   # BAC - AC = 0
    assert evm_figures(100, 80, 120, 100).tcpi == pytest.approx(20 / -20)  # over budget already


def test_project_with_no_reports():
    f = evm_figures(None, None, None, 200)
    assert f.planned_value is None and f.earned_value is None and f.actual_cost is None
    assert f.budget_at_completion == 200
    assert [f.spi, f.cpi, f.eac, f.vac, f.tcpi] == [None] * 5
    assert f.reporting_count == 0


def test_frame_has_nan_never_inf():
    frame = pd.DataFrame(
        {"planned_value": [0.0, 50.0, np.nan], "earned_value": [0.0, 40.0, np.nan],
         "actual_cost": [0.0, 45.0, np.nan], "budget": [10.0, 100.0, 20.0]}
    )
    out = evm_frame(frame, "cpi_spi")
    numbers = out[["sv", "cv", "spi", "cpi", "eac", "etc", "vac", "tcpi"]].to_numpy()
    assert not np.isinf(numbers).any()
    assert np.isnan(numbers[0, 2:6]).all()
    assert_allclose(out.loc[1, ["spi", "eac"]].to_numpy(dtype=float), [0.8, 129_375 / 1000])
    assert np.isnan(numbers[2]).all()


def test_portfolio_sums_then_ratios():
    # Two projects: CPI 0.5 (EV 10 / AC 20) and 2.0 (EV 90 / AC 45). Average of ratios = 1.25;
    # portfolio CPI = 100 / 65 = 1.538..., the figure that counts.
    frame = pd.DataFrame(
        {"project_id": ["A", "B", "C"], "planned_value": [20.0, 80.0, np.nan], "earned_value": [10.0, 90.0, np.nan],
         "actual_cost": [20.0, 45.0, np.nan], "budget": [100.0, 200.0, 50.0]}
    )
    f = portfolio_evm(frame)
    assert f.planned_value == 100 and f.earned_value == 100 and f.actual_cost == 65
    assert f.budget_at_completion == 350          # the silent project's BAC still counts
    assert f.cpi == pytest.approx(100 / 65)
    assert f.spi == pytest.approx(1.0)
    assert f.eac == pytest.approx(65 + 250 / (100 / 65))
    assert (f.project_count, f.reporting_count) == (3, 2)


def test_portfolio_where_nobody_reported():
    frame = pd.DataFrame({"planned_value": [np.nan], "earned_value": [np.nan], "actual_cost": [np.nan], "budget": [5.0]})
    f = portfolio_evm(frame)
    assert f.planned_value is None and f.cpi is None and f.budget_at_completion == 5
    empty = frame.iloc[0:0]
    g = portfolio_evm(empty)
    assert g.budget_at_completion == 0 and g.project_count == 0 and g.cpi is None


def test_grouped_evm_per_month():
    frame = pd.DataFrame(
        {"month": ["2026-01", "2026-01", "2026-02"], "planned_value": [10.0, 30.0, 20.0],
         "earned_value": [5.0, 30.0, np.nan], "actual_cost": [10.0, 25.0, np.nan], "budget": [100.0, 50.0, 70.0]}
    )
    out = grouped_evm(frame, "month").set_index("month")
    assert out.loc["2026-01", "cpi"] == pytest.approx(35 / 35)
    assert out.loc["2026-01", "spi"] == pytest.approx(35 / 40)
    assert math.isnan(out.loc["2026-02", "planned_value"]) and math.isnan(out.loc["2026-02", "spi"])
    assert list(out["reporting_count"]) == [2, 0]


def test_unknown_method_refused():
    with pytest.raises(InvalidInput):
        evm_figures(1, 1, 1, 1, method="average")


def test_negative_value_refused():
    with pytest.raises(InvalidInput):
        evm_figures(10, -1, 5, 100)


def test_missing_column_refused():
    with pytest.raises(InvalidInput):
        evm_frame(pd.DataFrame({"planned_value": [1.0]}))


def test_missing_budget_refused():
    frame = pd.DataFrame({"planned_value": [1.0], "earned_value": [1.0], "actual_cost": [1.0], "budget": [np.nan]})
    with pytest.raises(InvalidInput):
        portfolio_evm(frame)


# --- closed work -----------------------------------------------------------------------------------
# Two completed projects: A (BAC 100, PV 100, EV 90, AC 120) and B (BAC 50, no report at all).
#   A: nothing left: ETC 0, EAC = AC = 120, VAC = 100 - 120 = -20, TCPI not defined.
#   B: no report: EAC = its budget 50, flagged unreported; ETC 0.
#   Portfolio: PV 100, EV 90, AC 120, BAC 150; CPI 90/120 = 0.75, SPI 0.9 (the record of how it went);
#   EAC 120 + 50 = 170, ETC 0, VAC 150 - 170 = -20, TCPI not defined (no work in flight).
CLOSED = pd.DataFrame({"planned_value": [100.0, np.nan], "earned_value": [90.0, np.nan],
                       "actual_cost": [120.0, np.nan], "budget": [100.0, 50.0], "status": ["completed", "completed"]})


def test_a_completed_project_has_nothing_left():
    f = evm_figures(100, 90, 120, 100, status="completed")
    assert (f.eac, f.etc, f.vac, f.tcpi) == (120.0, 0.0, -20.0, None)
    assert f.cpi == pytest.approx(0.75) and f.closed_count == 1 and f.closed_unreported_count == 0
    unreported = evm_figures(None, None, None, 50, status="completed")
    assert (unreported.eac, unreported.etc, unreported.vac, unreported.tcpi) == (50.0, 0.0, 0.0, None)
    assert unreported.closed_unreported_count == 1
    rows = evm_frame(CLOSED)
    assert rows["closed_unreported"].tolist() == [False, True]
    assert rows["etc"].tolist() == [0.0, 0.0] and rows["eac"].tolist() == [120.0, 50.0]


def test_a_portfolio_of_completed_work_forecasts_nothing_to_do():
    f = portfolio_evm(CLOSED)
    assert (f.planned_value, f.earned_value, f.actual_cost, f.budget_at_completion) == (100.0, 90.0, 120.0, 150.0)
    assert f.cpi == pytest.approx(0.75) and f.spi == pytest.approx(0.9)
    assert (f.eac, f.etc, f.vac, f.tcpi) == (170.0, 0.0, -20.0, None)
    assert (f.closed_count, f.closed_unreported_count) == (2, 1)


def test_a_mixed_portfolio_forecasts_only_the_work_in_flight():
    # + C in flight: BAC 200, PV 80, EV 60, AC 80 -> CPI 0.75, EAC 80 + 140 / 0.75 = 266.67, ETC 186.67,
    #   TCPI (200 - 60) / (200 - 80) = 1.1667. Portfolio EAC = 170 + 266.67; VAC = 350 - 436.67.
    frame = pd.concat([CLOSED, pd.DataFrame({"planned_value": [80.0], "earned_value": [60.0], "actual_cost": [80.0],
                                             "budget": [200.0], "status": ["active"]})], ignore_index=True)
    f = portfolio_evm(frame)
    assert f.eac == pytest.approx(170 + 80 + 140 / 0.75)
    assert f.etc == pytest.approx(140 / 0.75)
    assert f.tcpi == pytest.approx(140 / 120)
    assert f.vac == pytest.approx(350 - (170 + 80 + 140 / 0.75))
    assert f.cpi == pytest.approx(150 / 200)   # all the work done so far: EV 90 + 60 over AC 120 + 80
