"""The overrun history behind the simulation's priors (store.history), on DuckDB and PostgreSQL.

The portfolio is tests/scorecard_data.py's (its definitions worked by hand there), imported as the
second of two snapshots; the first holds project A still active, with another plan.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics.finish import actual_finish
from analytics.months import months_spanned
from analytics.scorecard import assess
from store import history
from store import scorecard as store_scorecard
from store.snapshots import create_snapshot
from tests import scorecard_data

pytestmark = pytest.mark.parametrize("backend", ["duckdb", "postgres"], indirect=True)

# project: (planned_budget, planned_duration as first seen, actual_cost, actual_duration), worked by hand
EXPECTED = {
    "A": (90.0, 2, 110.0, 4),  # plan from the first snapshot; 2026-01 to its forecast 2026-04-30
    "B": (100.0, 3, 110.01, 5),  # 2026-01 to 2026-05-01
    "D": (30.0, 6, 33.0, 5),  # 2025-10 to the latest report's date 2026-02-10, not an older forecast's 2026-09
    "E": (100.0, 12, 90.0, 12),  # 2025-01 to 2025-12-31
    "G": (100.0, 12, 50.0, 12),  # 2026-01 to 2026-12-15
}


@pytest.fixture
def snapshot_id(con) -> int:
    first = scorecard_data.PROJECTS[scorecard_data.PROJECTS["project_id"] == "A"].assign(
        status="active", budget=90.0, duration_months=2)
    create_snapshot(con, label="plan", as_of=dt.date(2026, 1, 31), files=[], frames={"projects": first})
    return scorecard_data.write(con)


def test_completed_history_pins_plan_cost_and_duration(con, snapshot_id):
    rows = history.completed_history(con)
    assert tuple(rows.columns) == history.COLUMNS
    got = {r.project_id: (float(r.planned_budget), int(r.planned_duration), float(r.actual_cost),
                          int(r.actual_duration)) for r in rows.itertuples(index=False)}
    assert got == EXPECTED  # C (completed, no report) and F (active) are not history
    assert (rows["category"] == "IT").all()


def test_history_and_scorecard_agree_on_every_actual_finish(con, snapshot_id):
    """Both read the latest report and let analytics.finish decide: the months run equal the scorecard's."""
    rows = history.completed_history(con).set_index("project_id")
    assessed = assess(store_scorecard.completed_projects(con, snapshot_id)).set_index("project_id")
    projects = scorecard_data.PROJECTS.set_index("project_id")
    for pid, row in rows.iterrows():
        finished = assessed.loc[pid, "actual_finish"]
        assert row["actual_duration"] == months_spanned(projects.loc[pid, "start_month"], finished)
    assert pd.isna(assessed.loc["C", "actual_finish"]) and "C" not in rows.index
    assert actual_finish(dt.date(2026, 2, 10), None) == pd.Timestamp(assessed.loc["D", "actual_finish"])


def test_priors_need_enough_projects(con, snapshot_id):
    assert history.overrun_priors(con, min_projects=6) == {}
    prior = history.overrun_priors(con, min_projects=5)["IT"]
    assert prior.project_ids == ("A", "B", "D", "E", "G")
    assert prior.duration_ratios == pytest.approx((2.0, 5 / 3, 5 / 6, 1.0, 1.0))
    assert prior.cost_ratios == pytest.approx((110 / 90, 1.1001, 1.1, 0.9, 0.5))
