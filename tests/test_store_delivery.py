"""Delivery queries on a real DuckDB file holding the two-snapshot portfolio of delivery_data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from store import delivery
from store.errors import SnapshotNotFound
from tests import delivery_data


@pytest.fixture
def ids(con):
    return delivery_data.build(con)


def test_latest_report_per_project_and_delivery_set(con, ids):
    latest = delivery.latest_reports(con, ids["2026-03"]).set_index("project_id")
    # P6 approved without reports, P7 proposed, P8 cancelled: not in the delivery set.
    assert list(latest.index) == ["P1", "P2", "P3", "P4", "P5"]
    assert latest.loc["P1", ["planned_value", "earned_value", "actual_cost"]].tolist() == [50, 40, 45]
    assert latest.loc["P1", "report_count"] == 3 and latest.loc["P1", "rag"] == "amber"
    assert not latest.loc["P3", "has_report"] and pd.isna(latest.loc["P3", "earned_value"])
    assert pd.Timestamp(latest.loc["P1", "planned_finish"]) == pd.Timestamp("2026-06-30")


def test_unknown_snapshot_refused(con, ids):
    with pytest.raises(SnapshotNotFound):
        delivery.latest_reports(con, 999)


def test_report_history_oldest_first(con, ids):
    history = delivery.report_history(con, ids["2026-03"], "P1")
    assert list(history["earned_value"]) == [10, 25, 40]
    assert list(history["budget"]) == [100, 100, 100]
    assert delivery.report_history(con, ids["2026-03"], "P3").empty


def test_portfolio_history_carries_finished_projects_forward(con, ids):
    history = delivery.portfolio_history(con, ids["2026-03"])
    # Jan: P1 10, P4 120, P5 30 (P8 cancelled is left out). Feb: + P2, P1 moves on; P4/P5 carried.
    assert list(history["planned_value"]) == [160, 200, 240]
    assert list(history["earned_value"]) == [160, 195, 232]
    assert list(history["actual_cost"]) == [165, 201, 240]
    assert list(history["reporting_count"]) == [3, 4, 4]


def test_previous_snapshot_and_comparison(con, ids):
    assert delivery.previous_snapshot_id(con, ids["2026-03"]) == ids["2026-02"]
    assert delivery.previous_snapshot_id(con, ids["2026-02"]) is None
    compared = delivery.compare_with_previous(con, ids["2026-03"]).set_index("project_id")
    assert compared.loc["P1", "prev_budget"] == 90 and compared.loc["P1", "budget"] == 100
    assert compared.loc["P1", "prev_earned_value"] == 28
    assert pd.Timestamp(compared.loc["P1", "prev_forecast_finish"]) == pd.Timestamp("2026-06-30")
    assert not compared.loc["P3", "in_previous"]  # approved and silent in February: not in the set
    first = delivery.compare_with_previous(con, ids["2026-02"])
    assert not first["in_previous"].any()


def test_snapshot_series_lag(con, ids):
    series = delivery.snapshot_series(con, "P1")
    assert list(series["budget"]) == [90, 100]
    assert pd.isna(series["prev_budget"].iloc[0]) and series["prev_budget"].iloc[1] == 90
    everything = delivery.snapshot_series(con)
    assert len(everything) == 4 + 5


def test_portfolio_series_sums(con, ids):
    series = delivery.portfolio_series(con).set_index("label")
    assert series.loc["2026-03", ["planned_value", "earned_value", "actual_cost", "budget"]].tolist() == [240, 232, 240, 530]
    assert series.loc["2026-02", ["planned_value", "earned_value", "actual_cost", "budget"]].tolist() == [200, 198, 201, 320]
    assert series.loc["2026-03", "project_count"] == 5 and series.loc["2026-03", "reporting_count"] == 4
    assert series.loc["2026-03", "milestones_due"] == 3 and series.loc["2026-03", "milestones_met"] == 2
    assert delivery.snapshot_keys(con) == (ids["2026-02"], ids["2026-03"])


def test_committed_demand_places_offsets_on_calendar(con, ids):
    demand = delivery.committed_demand(con, ids["2026-03"])
    demand["month"] = pd.to_datetime(demand["month"]).dt.strftime("%Y-%m")
    dev = demand[demand["role"] == "dev"].set_index("month")["demand_fte"]
    assert dev["2026-03"] == 3.5 and dev["2026-05"] == 4.5 and dev["2026-10"] == 1.0
    analyst = demand[demand["role"] == "analyst"].set_index("month")["demand_fte"]
    assert analyst["2026-03"] == 2.0 and analyst["2027-02"] == 1.0
    assert delivery.committed_project_ids(con, ids["2026-03"]) == ["P1", "P2", "P3", "P6"]


def test_project_demand_and_capacity(con, ids):
    rows = delivery.project_demand(con, ids["2026-03"], ["P7"])
    assert len(rows) == 6 and set(rows["fte"]) == {2.0}
    assert delivery.project_demand(con, ids["2026-03"], []).empty
    cap = delivery.capacity(con, ids["2026-03"])
    assert len(cap) == 12 and cap["capacity_fte"].sum() == 6 * 4 + 6 * 2


def test_maturity_kpis_and_benefits(con, ids):
    assert len(delivery.maturity_rows(con, ids["2026-03"])) == 7
    assert delivery.maturity_rows(con, ids["2026-02"]).empty
    kpis = delivery.process_kpi_rows(con, ids["2026-03"])
    assert set(kpis["process"]) == {"Procurement", "Invoicing"} and len(kpis) == 24
    benefits = delivery.completed_benefits(con, ids["2026-03"]).set_index("project_id")
    assert benefits["benefit_realized"].to_dict() == {"P4": 240.0, "P5": 60.0}
    assert pd.Timestamp(benefits.loc["P4", "report_date"]) == pd.Timestamp(dt.date(2026, 1, 31))
