"""The plan's headline figures, each defined once (analytics.metrics): hand-worked numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics.metrics import (
    PlanTotals,
    plan_totals,
    result_utilisation,
    uplift,
    utilisation,
    utilisations,
    with_utilisation,
)
from analytics.selection_types import SelectedProject, SelectionResult
from tests import report_helpers as h

# The hand-made scenario of tests/report_helpers.py: role 开发, 2 FTE a month, 0.5 hired in March;
# load Jan 1, Feb 2, Mar 2.4, Apr 1, May 1 -> 50 %, 100 %, 2.4 / 2.5 = 96 %, 50 %, 50 %.
# Without counting hires March would read 120 %: the figure the pack and Scenarios used to disagree on.


def test_utilisation_is_demand_over_capacity_plus_hires():
    assert utilisation(3.0, 2.0) == 1.5
    assert utilisation(3.0, 1.0, 2.0) == 1.0
    assert utilisation(2.4, 2.0, 0.5) == pytest.approx(0.96)


def test_zero_supply_is_infinite_with_work_and_undefined_without():
    assert utilisation(1.0, 0.0, 0.0) == math.inf
    assert math.isnan(utilisation(0.0, 0.0, 0.0))
    assert utilisation(0.0, 2.0) == 0.0
    values = utilisations(np.array([1.0, 0.0, 3.0]), np.array([0.0, 0.0, 2.0]), np.array([0.0, 0.0, 1.0]))
    assert values[0] == math.inf and math.isnan(values[1]) and values[2] == 1.0


def test_over_allocation_follows_the_same_supply():
    cells = with_utilisation(pd.DataFrame({"demand_fte": [3.0, 3.0, 1.0], "capacity_fte": [2.0, 2.0, 0.0],
                                           "hired_fte": [1.0, 0.5, 0.0]}))
    assert cells["utilisation"].tolist() == [1.0, 3.0 / 2.5, math.inf]
    assert cells["over_fte"].tolist() == [0.0, 0.5, 1.0]
    assert cells["over_allocated"].tolist() == [False, True, True]


def test_result_utilisation_counts_hires():
    cells = result_utilisation(h.result())
    dev = cells[cells["role"] == "开发"].set_index("month")
    assert dev.loc["2026-03", "hired_fte"] == 0.5
    assert dev.loc["2026-03", "utilisation"] == pytest.approx(2.4 / 2.5)
    assert dev.loc["2026-02", "utilisation"] == 1.0
    assert not cells["over_allocated"].any()
    assert cells["utilisation"].max() == 1.0


def test_uplift_difference_and_ratio_share_one_zero_guard():
    assert uplift(220.0, 200.0) == uplift(220.0, 200.0)
    gain = uplift(220.0, 200.0)
    assert gain.difference == 20.0 and gain.ratio == pytest.approx(0.10)
    negative = uplift(-50.0, -100.0)   # a net benefit baseline below zero: the ratio is over |baseline|
    assert negative.difference == 50.0 and negative.ratio == pytest.approx(0.5)
    zero = uplift(5.0, 0.0)
    assert zero.difference == 5.0 and zero.ratio is None
    assert uplift(None, 1.0).difference is None and uplift(1.0, None).ratio is None
    assert uplift(1.0, math.nan).difference is None


def test_plan_totals_split_committed_new_and_hires():
    # P3 committed 300 over Jan-Mar, P1 400 over Feb-May, P2 100 over Mar-Apr, all inside the
    # 12-month horizon; hires 10.
    totals = plan_totals(h.result())
    assert totals == PlanTotals(committed_count=1, new_count=2, committed_budget=300.0, new_budget=500.0,
                                committed_spend=300.0, new_spend=500.0, hire_spend=10.0, total_spend=810.0)
    assert totals.project_count == 3


def test_plan_totals_count_spend_inside_the_horizon_only():
    # committed C: 120 over Nov 2025 - Feb 2026, horizon from Jan: 60 inside; new N: 90 over Jun-Aug,
    # horizon to Jul: 60 inside; by a spend profile of 1:2 over C's months 3 and 4, C puts 120 inside.
    result = SelectionResult(
        status="optimal", objective=1.0, bound=1.0, gap=0.0,
        selected=(SelectedProject("C", "c", None, "2025-11", "2026-02", 0.0, 120.0, None, True),
                  SelectedProject("N", "n", None, "2026-06", "2026-08", 1.0, 90.0, None, False)),
        total_cost=120.0, spend_by_month={f"2026-{m:02d}": 0.0 for m in range(1, 8)}, spend_by_category={},
        load={}, capacity={}, hires={}, hire_cost=0.0, build_seconds=0.0, solve_seconds=0.0, solver="highs",
    )
    even = plan_totals(result)
    assert (even.committed_spend, even.new_spend, even.total_spend) == (60.0, 60.0, 120.0)
    assert (even.committed_budget, even.new_budget) == (120.0, 90.0)
    profile = pd.DataFrame({"project_id": ["C", "C"], "month_offset": [2, 3], "planned_spend": [1.0, 2.0]})
    assert plan_totals(result, profile).committed_spend == pytest.approx(120.0)
