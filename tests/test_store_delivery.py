"""Delivery queries on a real DuckDB file holding the two-snapshot portfolio of delivery_data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from store import delivery, snapshots
from store.errors import SnapshotNotFound

# the portfolio is copied in before `con` opens the file
pytestmark = pytest.mark.usefixtures("delivery_ids")


@pytest.fixture
def ids(delivery_ids):
    return delivery_ids


def test_latest_report_per_project_and_delivery_set(con, ids):
    latest = delivery.latest_reports(con, ids["2026-03"]).set_index("project_id")
    # P6 approved without reports, P7 proposed, P8 cancelled: not in the delivery set.
    assert list(latest.index) == ["P1", "P2", "P3", "P4", "P5"]
    assert latest.loc["P1", ["planned_value", "earned_value", "actual_cost"]].tolist() == [50, 40, 45]
    assert latest.loc["P1", "report_count"] == 3 and latest.loc["P1", "rag"] == "amber"
    assert latest.loc["P1", ["milestones_due", "milestones_met", "milestones_missed"]].tolist() == [3, 2, 1]
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
    # Milestone counts are per reporting period: summed over every report. P1 0+1+2 due, 0+1+1 met;
    # P2 1+1 due and met.
    assert series.loc["2026-03", "milestones_due"] == 5 and series.loc["2026-03", "milestones_met"] == 4
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


def test_missed_milestones_count_only_recent_reports_and_benefit_is_last_reported(con):
    reports = pd.DataFrame(
        {
            "project_id": ["Q"] * 5,
            "report_date": [dt.date(2026, m, 28) for m in range(1, 6)],
            "planned_value": [1.0, 2.0, 3.0, 4.0, 5.0], "earned_value": [1.0, 2.0, 3.0, 4.0, 5.0],
            "actual_cost": [1.0, 2.0, 3.0, 4.0, 5.0],
            "milestones_due": [2, 1, 0, 1, 0], "milestones_met": [0, 1, 0, 0, 0],
            "benefit_realized": [None, None, 7.0, None, None],
        }
    )
    projects = pd.DataFrame({"project_id": ["Q"], "name": ["q"], "status": ["completed"],
                             "start_month": [dt.date(2026, 1, 1)], "duration_months": [5], "budget": [5.0],
                             "depends_on": [[]]})
    sid = snapshots.create_snapshot(con, label="q", as_of=dt.date(2026, 5, 31),
                                    frames={"projects": projects, "status_reports": reports}, files=[])
    row = delivery.latest_reports(con, sid).iloc[0]
    # January's two misses are older than the last three reports (Mar-May): only April's counts.
    assert (row["milestones_due"], row["milestones_met"], row["milestones_missed"]) == (4, 1, 1)
    assert row["benefit_realized"] == 7.0
