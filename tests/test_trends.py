"""Trends across snapshots, on frames from the real queries (two snapshots of delivery_data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.errors import InvalidInput
from analytics.trends import (
    evm_trend,
    finish_slips,
    health_moves,
    milestone_hit_rate,
    scope_changes,
    snapshot_change,
)
from store import delivery

# the portfolio is copied in before `con` opens the file
pytestmark = pytest.mark.usefixtures("delivery_ids")


@pytest.fixture
def ids(delivery_ids):
    return delivery_ids


def test_portfolio_cpi_spi_over_time(con, ids):
    trend = evm_trend(delivery.portfolio_series(con)).set_index("label")
    assert trend.loc["2026-02", "cpi"] == pytest.approx(198 / 201)
    assert trend.loc["2026-02", "spi"] == pytest.approx(198 / 200)
    assert trend.loc["2026-03", "cpi"] == pytest.approx(232 / 240)
    assert trend.loc["2026-03", "spi"] == pytest.approx(232 / 240)
    assert trend.loc["2026-03", "milestone_hit_rate"] == pytest.approx(4 / 5)
    assert trend.loc["2026-02", "milestone_hit_rate"] == pytest.approx(1.0)


def test_project_cpi_spi_over_time(con, ids):
    trend = evm_trend(delivery.snapshot_series(con, "P1"))
    assert trend["cpi"].tolist() == pytest.approx([1.0, 40 / 45])
    assert trend["spi"].tolist() == pytest.approx([28 / 30, 0.8])


def test_moved_to_worse_health(con, ids):
    moves = health_moves(delivery.compare_with_previous(con, ids["2026-03"]))
    # P1: Feb SPI 0.933 -> watch; Mar SPI 0.8 -> critical. P3 is new (no move); P2 stays healthy.
    assert list(moves["project_id"]) == ["P1"]
    assert (moves.loc[0, "prev_health"], moves.loc[0, "health"]) == ("watch", "critical")
    assert moves.loc[0, "reasons"][0].code == "spi_low"
    assert health_moves(delivery.compare_with_previous(con, ids["2026-02"])).empty


def test_scope_creep(con, ids):
    scope = scope_changes(delivery.compare_with_previous(con, ids["2026-03"]))
    assert list(scope["project_id"]) == ["P1"]
    assert scope.loc[0, "change"] == 10 and scope.loc[0, "change_pct"] == pytest.approx(10 / 90)


def test_scope_change_from_zero_budget_has_no_percentage():
    frame = pd.DataFrame({"project_id": ["A", "B", "C"], "budget": [5.0, 7.0, 3.0], "prev_budget": [0.0, 7.0, np.nan]})
    scope = scope_changes(frame)
    assert list(scope["project_id"]) == ["A"] and np.isnan(scope.loc[0, "change_pct"])


def test_milestone_hit_rate():
    assert milestone_hit_rate(pd.DataFrame({"milestones_due": [2, 1, np.nan], "milestones_met": [1, 1, np.nan]})) == pytest.approx(2 / 3)
    assert milestone_hit_rate(pd.DataFrame({"milestones_due": [0], "milestones_met": [0]})) is None


def test_finish_slip(con, ids):
    slips = finish_slips(delivery.compare_with_previous(con, ids["2026-03"])).set_index("project_id")
    assert slips.loc["P1", "slip_days"] == 31 and slips.loc["P1", "late_days"] == 31
    assert slips.loc["P2", "slip_days"] == 0 and slips.loc["P2", "late_days"] == 0
    assert list(slips.index) == ["P1", "P2"]  # projects without a forecast are not listed


def test_snapshot_change_headline(con, ids):
    change = snapshot_change(delivery.compare_with_previous(con, ids["2026-03"]))
    assert change.worsened_count == 1
    assert change.scope_change_total == 10 and change.scope_changed_count == 1
    assert change.slipped_count == 1 and change.mean_slip_days == 31


def test_missing_previous_columns_refused():
    with pytest.raises(InvalidInput):
        health_moves(pd.DataFrame({"project_id": ["A"]}))


def test_scope_changes_needs_budgets():
    with pytest.raises(InvalidInput):
        scope_changes(pd.DataFrame({"project_id": ["A"], "budget": [1.0]}))
