"""load_portfolio on a real DuckDB file: typed columns and strategic values from the weights in force."""

from __future__ import annotations

import pytest

from store.errors import NotFound, SnapshotNotFound
from store.portfolio import load_portfolio
from store.weights import save_weight_set
from tests.selection_cases import store_small_portfolio


def test_projects_demand_and_capacity_are_typed(con):
    snapshot_id = store_small_portfolio(con)
    data = load_portfolio(con, snapshot_id)
    assert data.as_of == "2026-04"
    projects = data.projects.set_index("project_id")
    assert projects.loc["P1", "start_month"] == "2026-04" and projects.loc["P1", "latest_start_month"] == "2026-06"
    assert projects.loc["P3", "latest_start_month"] is None
    assert projects.loc["P2", "depends_on"] == ["P1"] and projects.loc["P1", "depends_on"] == []
    assert projects.loc["P3", "exclusive_group"] == "G" and projects.loc["C1", "category"] is None
    assert projects["mandatory"].dtype == bool
    assert len(data.demand) == 10 and set(data.demand.columns) == {"project_id", "role", "month_offset", "fte"}
    assert data.capacity["month"].iloc[0] == "2026-04" and data.capacity["capacity_fte"].iloc[0] == 2.0


def test_strategic_values_use_the_file_weights_then_a_chosen_set(con):
    snapshot_id = store_small_portfolio(con)
    # file weights 3:1 -> 0.75/0.25; scores 0-5 scale to 0-100
    values = load_portfolio(con, snapshot_id).strategic_value
    assert values["P1"] == pytest.approx((0.75 * 4 + 0.25 * 2) * 20)
    assert values["P2"] == pytest.approx(0.75 * 5 * 20)
    assert values["P3"] == pytest.approx(0.0)
    even = save_weight_set(con, snapshot_id=snapshot_id, name="even", method="direct",
                           weights={"growth": 1.0, "efficiency": 1.0})
    assert load_portfolio(con, snapshot_id, even).strategic_value["P1"] == pytest.approx(60)
    assert load_portfolio(con, snapshot_id).strategic_value["P1"] == pytest.approx(70)   # not active
    save_weight_set(con, snapshot_id=snapshot_id, name="growth only", method="direct",
                    weights={"growth": 1.0, "efficiency": 0.0}, activate=True)
    assert load_portfolio(con, snapshot_id).strategic_value["P1"] == pytest.approx(80)


def test_unknown_snapshot_and_foreign_weight_set(con):
    first = store_small_portfolio(con, label="a")
    other = store_small_portfolio(con, label="b")
    foreign = save_weight_set(con, snapshot_id=other, name="x", method="direct", weights={"growth": 1.0, "efficiency": 1.0})
    with pytest.raises(NotFound):
        load_portfolio(con, first, foreign)
    with pytest.raises(SnapshotNotFound):
        load_portfolio(con, 999)
