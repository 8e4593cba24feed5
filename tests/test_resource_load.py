"""Resource load: committed demand against capacity, over-allocation, a scenario added on top."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.errors import InvalidInput
from analytics.months import month_texts
from analytics.resource_load import (
    add_demand,
    committed_dropped,
    place_demand,
    planning_horizon,
    resource_load,
    scenario_start_months,
)
from analytics.selection_types import SelectedProject, SelectionResult
from store import delivery


@pytest.fixture
def store_frames(delivery_ids, con):
    sid = delivery_ids["2026-03"]
    return con, sid, delivery.committed_demand(con, sid), delivery.capacity(con, sid)


def _result(selected):
    return SelectionResult(
        status="optimal", objective=1.0, bound=1.0, gap=0.0, selected=tuple(selected), total_cost=0.0,
        spend_by_month={}, spend_by_category={}, load={}, capacity={}, hires={}, hire_cost=0.0,
        build_seconds=0.0, solve_seconds=0.0, solver="highs",
    )


def _selected(pid, start, committed=False):
    return SelectedProject(pid, pid, None, start, start, 1.0, 1.0, None, committed)


def test_committed_load(store_frames):
    _, _, demand, capacity = store_frames
    load = resource_load(demand, capacity)
    assert load.months == ("2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08")
    assert load.roles == ("analyst", "dev")
    util = load.matrix()
    assert util.loc["dev", "2026-03"] == pytest.approx(3.5 / 4)
    assert util.loc["dev", "2026-05"] == pytest.approx(4.5 / 4)
    assert util.loc["analyst", "2026-06"] == pytest.approx(1.0)
    over = load.over_allocations()
    assert list(zip(over["role"], over["month"], over["over_fte"], strict=True)) == [("dev", "2026-05", 0.5)]
    # Outside Mar-Aug: dev Jan 2 + Feb 3.5 + Sep 1 + Oct 1 = 7.5; analyst Jan 1 + Feb 1 + Sep-Feb 6 = 8.
    assert load.outside_horizon_fte_months == pytest.approx(15.5)
    # Apart: before March (months already past here) 5.5 + 2 = 7.5; after August 2 + 6 = 8.
    assert load.before_horizon_fte_months == pytest.approx(7.5)
    assert load.after_horizon_fte_months == pytest.approx(8.0)
    assert load.peak_utilisation() == pytest.approx(1.125)


def test_scenario_added_on_top(store_frames):
    con, sid, demand, capacity = store_frames
    committed = delivery.committed_project_ids(con, sid)
    result = _result([_selected("P1", "2026-01", True), _selected("P7", "2026-04")])
    starts = scenario_start_months(result, committed)
    assert starts == {"P7": "2026-04"}
    extra = place_demand(delivery.project_demand(con, sid, list(starts)), starts)
    load = resource_load(add_demand(demand, extra), capacity)
    over = load.over_allocations()
    assert list(zip(over["month"], over["over_fte"], strict=True)) == [("2026-05", 2.5), ("2026-04", 1.5), ("2026-06", 1.0)]


def test_scenario_at_another_start_month(store_frames):
    con, sid, demand, capacity = store_frames
    starts = {"P7": "2026-07"}
    extra = place_demand(delivery.project_demand(con, sid, ["P7"]), starts)
    assert sorted(extra["month"]) == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
    load = resource_load(add_demand(demand, extra), capacity)
    assert load.matrix("demand_fte").loc["dev", "2026-07"] == 3.0


def test_cancelled_committed_work_leaves(store_frames):
    con, sid, demand, capacity = store_frames
    committed = delivery.committed_project_ids(con, sid)
    result = _result([_selected(p, "2026-01", True) for p in ("P1", "P2", "P3")])
    assert committed_dropped(result, committed, allow_cancel_committed=False) == []
    dropped = committed_dropped(result, committed, allow_cancel_committed=True)
    assert dropped == ["P6"]
    rows = delivery.project_demand(con, sid, dropped)
    minus = place_demand(rows, {"P6": "2026-05"})
    load = resource_load(add_demand(demand, subtract=minus), capacity)
    assert load.over_allocations().empty
    assert load.matrix("demand_fte").loc["dev", "2026-05"] == 3.5


def test_zero_capacity_is_over_allocated_not_a_crash():
    demand = pd.DataFrame({"role": ["qa", "qa"], "month": ["2026-01", "2026-02"], "demand_fte": [1.0, 0.0]})
    capacity = pd.DataFrame({"role": ["dev"], "month": ["2026-01"], "capacity_fte": [0.0]})
    load = resource_load(demand, capacity, horizon_months=["2026-01", "2026-02"])
    cells = load.cells.set_index(["role", "month"])
    # analytics.metrics: demand with nothing available is inf (shown "∞"), nothing at all is NaN
    assert cells.loc[("qa", "2026-01"), "utilisation"] == np.inf
    assert np.isnan(cells.loc[("qa", "2026-02"), "utilisation"])
    assert cells.loc[("qa", "2026-01"), "over_allocated"]
    assert not cells.loc[("qa", "2026-02"), "over_allocated"]
    assert load.peak_utilisation() == np.inf


def test_hires_count_as_capacity():
    # 3 FTE demanded against 1 FTE of capacity and 2 hired: fully used (100 %), not 300 %.
    demand = pd.DataFrame({"role": ["dev", "dev"], "month": ["2026-01", "2026-02"], "demand_fte": [3.0, 3.0]})
    capacity = pd.DataFrame({"role": ["dev", "dev"], "month": ["2026-01", "2026-02"], "capacity_fte": [1.0, 2.0]})
    hires = pd.DataFrame({"role": ["dev"], "month": ["2026-01"], "hired_fte": [2.0]})
    load = resource_load(demand, capacity, hires=hires)
    cells = load.cells.set_index(["role", "month"])
    assert cells.loc[("dev", "2026-01"), "utilisation"] == 1.0
    assert cells.loc[("dev", "2026-02"), "utilisation"] == 1.5
    assert cells["over_allocated"].tolist() == [False, True]
    assert cells["over_fte"].tolist() == [0.0, 1.0]
    assert load.peak_utilisation() == 1.5


def test_month_texts_accepts_dates_and_strings():
    assert month_texts([pd.Timestamp("2026-03-01"), "2026-04", "2026-05-01"]).tolist() == ["2026-03", "2026-04", "2026-05"]


def test_no_capacity_plan_refused():
    with pytest.raises(InvalidInput):
        resource_load(pd.DataFrame({"role": ["a"], "month": ["2026-01"], "demand_fte": [1.0]}),
                      pd.DataFrame({"role": [], "month": [], "capacity_fte": []}))


def test_negative_demand_refused():
    with pytest.raises(InvalidInput):
        resource_load(pd.DataFrame({"role": ["a"], "month": ["2026-01"], "demand_fte": [-1.0]}),
                      pd.DataFrame({"role": ["a"], "month": ["2026-01"], "capacity_fte": [1.0]}))


def test_missing_column_refused():
    with pytest.raises(InvalidInput):
        place_demand(pd.DataFrame({"project_id": ["a"]}), {"a": "2026-01"})


def test_planning_horizon():
    plan = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert planning_horizon(plan, "2026-03-31", 3) == ["2026-03", "2026-04", "2026-05"]
    assert planning_horizon(plan, "2026-05", 12) == ["2026-05", "2026-06"]          # cut at the plan's end
    assert planning_horizon(plan, "2025-11", 4) == ["2026-01", "2026-02"]           # starts with the plan
    assert planning_horizon(plan, "2027-01", 2) == ["2026-05", "2026-06"]           # plan already over
    assert planning_horizon(plan, "2024-01", 2) == ["2026-01", "2026-02"]           # plan not begun


def test_planning_horizon_refuses_zero_months():
    with pytest.raises(InvalidInput):
        planning_horizon(["2026-01"], "2026-01", 0)
