"""Scenario comparison: headline figures, differences, best column, membership, capacity use."""

from __future__ import annotations

import math

import pytest

from analytics.errors import InvalidInput
from analytics.scenario_compare import (
    ScenarioInput,
    capacity_utilisation,
    compare_scenarios,
    spend_by_category_share,
)
from analytics.selection_types import SelectedProject, SelectionResult


def _p(pid: str, start: str, value: float, cost: float, risk: float | None, category: str = "IT", committed: bool = False):
    return SelectedProject(pid, f"name {pid}", category, start, start, value, cost, risk, committed)


def _result(selected, objective, spend_by_category, load, capacity, gap=0.0, status="optimal", hire_cost=0.0):
    return SelectionResult(
        status=status, objective=objective, bound=objective, gap=gap, selected=tuple(selected),
        total_cost=sum(p.cost for p in selected), spend_by_month={}, spend_by_category=spend_by_category,
        load=load, capacity=capacity, hires={}, hire_cost=hire_cost, build_seconds=0.0, solve_seconds=0.0,
        solver="highs",
    )


CAP = {"dev": {"2026-01": 4.0, "2026-02": 4.0}, "qa": {"2026-01": 2.0, "2026-02": 0.0}}
A = _result(
    [_p("C1", "2025-11", 10, 30, 2.0, committed=True), _p("P1", "2026-01", 50, 40, 5.0), _p("P2", "2026-02", 20, 10, 3.0, "Ops")],
    80.0, {"IT": 70.0, "Ops": 10.0},
    {"dev": {"2026-01": 3.0, "2026-02": 4.0}, "qa": {"2026-01": 1.0, "2026-02": 0.0}}, CAP,
)
B = _result(
    [_p("C1", "2025-11", 10, 30, 2.0, committed=True), _p("P1", "2026-02", 45, 40, 5.0), _p("P3", "2026-01", 30, 20, None)],
    85.0, {"IT": 90.0},
    {"dev": {"2026-01": 2.0, "2026-02": 2.0}, "qa": {"2026-01": 2.0, "2026-02": 1.0}}, CAP, gap=0.01,
)
NONE = SelectionResult("infeasible", None, None, None, (), 0.0, {}, {}, {}, {}, {}, 0.0, 0.0, 0.0, "cbc")


def _rows(comparison):
    return {(r.metric, r.subject): r for r in comparison.rows}


def test_headline_rows_hand_worked():
    rows = _rows(compare_scenarios([ScenarioInput("A", A, greedy_objective=70.0), ScenarioInput("B", B, greedy_objective=60.0)]))
    assert rows[("value", None)].values == (80.0, 85.0) and rows[("value", None)].best == 1
    assert rows[("total_cost", None)].values == (80.0, 90.0) and rows[("total_cost", None)].best == 0
    assert rows[("gap", None)].best == 0
    assert rows[("uplift_over_greedy", None)].values == (10.0, 25.0)
    # the same uplift as a ratio, as the pack shows it: 10 / 70 and 25 / 60
    assert rows[("uplift_ratio", None)].values == pytest.approx((10.0 / 70.0, 25.0 / 60.0))
    assert rows[("n_committed", None)].values == (1.0, 1.0)
    n = rows[("n_projects", None)]
    assert n.values == (3.0, 3.0) and not n.differs and n.best is None
    assert rows[("n_new", None)].values == (2.0, 2.0)
    assert rows[("mean_risk", None)].values == pytest.approx((10.0 / 3, 3.5))
    assert rows[("high_risk_count", None)].values == (1.0, 1.0)  # 5.0 >= 4 in both
    assert rows[("hire_cost", None)].differs is False


def test_spend_and_capacity_rows():
    rows = _rows(compare_scenarios([ScenarioInput("A", A), ScenarioInput("B", B)]))
    assert rows[("spend_category", "Ops")].values == (10.0, 0.0) and rows[("spend_category", "Ops")].differs
    assert rows[("spend_category", "IT")].best is None  # no better direction for the mix
    assert rows[("peak_use", "dev")].values == (1.0, 0.5) and rows[("peak_use", "dev")].best == 1
    assert rows[("mean_use", "dev")].values == (0.875, 0.5)
    # qa in 2026-02 has zero capacity: A demands nothing there (not defined, left out of the ratios),
    # B demands 1 FTE of a role nobody supplies (inf: analytics.metrics' one definition)
    assert rows[("peak_use", "qa")].values == (0.5, math.inf)
    assert rows[("peak_use", "qa")].differs and rows[("peak_use", "qa")].best == 0
    assert rows[("mean_use", "qa")].values == (0.5, math.inf)


def test_membership_and_only_in():
    comparison = compare_scenarios([ScenarioInput("A", A), ScenarioInput("B", B)])
    members = {m.project_id: m for m in comparison.membership}
    assert [m.project_id for m in comparison.membership] == ["C1", "P1", "P2", "P3"]  # committed first
    assert members["C1"].in_all and not members["C1"].differs
    assert members["P1"].in_all and members["P1"].differs  # different start months
    assert members["P2"].start_months == ("2026-02", None)
    assert comparison.only_in("A", "B") == ("P2",)
    assert comparison.only_in("B", "A") == ("P3",)
    with pytest.raises(InvalidInput):
        comparison.only_in("A", "Z")


def test_scenario_without_solution_has_empty_column():
    comparison = compare_scenarios([ScenarioInput("A", A), ScenarioInput("X", NONE)])
    rows = _rows(comparison)
    assert rows[("value", None)].values == (80.0, None)
    assert not rows[("value", None)].differs  # one known value: nothing to compare
    assert comparison.only_in("A", "X") == ("C1", "P1", "P2")
    frame = comparison.to_frame()
    assert list(frame.columns) == ["metric", "subject", "differs", "best", "A", "X"]
    assert frame.loc[frame["metric"] == "value", "A"].item() == 80.0


def test_capacity_utilisation_table():
    use = capacity_utilisation(A)
    dev = use[use["role"] == "dev"]
    assert list(dev["utilisation"]) == [0.75, 1.0]
    qa_feb = use[(use["role"] == "qa") & (use["month"] == "2026-02")]
    assert math.isnan(qa_feb["utilisation"].item())


def test_spend_share():
    assert spend_by_category_share({"IT": 30.0, "Ops": 10.0}) == {"IT": 0.75, "Ops": 0.25}
    assert spend_by_category_share({}) == {}


def test_bad_inputs_raise():
    with pytest.raises(InvalidInput):
        compare_scenarios([])
    with pytest.raises(InvalidInput):
        compare_scenarios([ScenarioInput(str(i), A) for i in range(5)])
    with pytest.raises(InvalidInput):
        compare_scenarios([ScenarioInput("A", A), ScenarioInput("A", B)])
    with pytest.raises(InvalidInput):
        compare_scenarios([ScenarioInput("A", A)], high_risk_threshold=math.nan)


def test_hires_count_as_capacity_and_totals_split():
    # dev: 1 FTE of capacity, 3 demanded, 2 hired in Jan: 100 % (not 300 %); in Feb 2 demanded: 200 %.
    hired = SelectionResult(
        status="optimal", objective=100.0, bound=100.0, gap=0.0,
        selected=(SelectedProject("C1", "c", "IT", "2025-12", "2026-01", 0.0, 40.0, None, True),
                  SelectedProject("P1", "p", "IT", "2026-01", "2026-04", 100.0, 80.0, None, False)),
        total_cost=90.0, spend_by_month={"2026-01": 60.0, "2026-02": 30.0},
        spend_by_category={"IT": 90.0}, load={"dev": {"2026-01": 3.0, "2026-02": 2.0}},
        capacity={"dev": {"2026-01": 1.0, "2026-02": 1.0}}, hires={"dev": {"2026-01": 2.0}}, hire_cost=20.0,
        build_seconds=0.0, solve_seconds=0.0, solver="highs",
    )
    use = capacity_utilisation(hired)
    assert list(use["utilisation"]) == [1.0, 2.0]
    rows = _rows(compare_scenarios([ScenarioInput("H", hired, greedy_objective=0.0)]))
    assert rows[("peak_use", "dev")].values == (2.0,)
    # C1 spends 40 over Dec-Jan (20 inside the horizon), P1 80 over Jan-Apr (20 + 20 inside), hires 20
    assert rows[("committed_spend", None)].values == (20.0,)
    assert rows[("new_spend", None)].values == (40.0,)
    assert rows[("hire_cost", None)].values == (20.0,)
    assert rows[("total_cost", None)].values == (90.0,)
    # a zero baseline: a difference, no ratio
    assert rows[("uplift_over_greedy", None)].values == (100.0,)
    assert rows[("uplift_ratio", None)].values == (None,)
