"""A hand-made portfolio for the PMO scorecard (tests/test_scorecard.py works its figures by hand).

Year 2026 holds five completed projects, each at or just past an edge of the definitions:
- A: planned finish 2026-03, forecast 2026-04-30 (exactly 1 month late: on time); cost 110 of 100
  (exactly budget x 1.10: on budget); realised 80 of 100 (exactly 80 %): a success.
- B: forecast 2026-05-01 (2 months late); cost 110.01 of 100; realised 100 of 200.
- C: no status report at all (planned finish 2026-07 puts it in 2026): neither on time nor on budget.
- D: its latest report gives no forecast: finished on that report's date 2026-02-10 (an older report's
  forecast 2026-09-30 does not count); cost 33 of 30 (x 1.10 in floating point is 33.000000000000004);
  no expected benefit: a success on time and budget alone.
- G: on time and on budget, realised 79.99 of 100: just short, not a success.
E finished in 2025, F is active; 2024 has a target but no completed project.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

D = dt.date


def _project(pid, start, duration, budget, benefit, status="completed"):
    return {"project_id": pid, "name": f"Project {pid}", "category": "IT", "status": status,
            "start_month": D(*start, 1), "duration_months": duration, "budget": budget, "expected_benefit": benefit}


PROJECTS = pd.DataFrame([
    _project("A", (2026, 1), 3, 100.0, 100.0),
    _project("B", (2026, 1), 3, 100.0, 200.0),
    _project("C", (2026, 6), 2, 80.0, 50.0),
    _project("D", (2025, 10), 6, 30.0, None),
    _project("E", (2025, 1), 12, 100.0, 100.0),
    _project("F", (2026, 1), 12, 100.0, 100.0, status="active"),
    _project("G", (2026, 1), 12, 100.0, 100.0),
])


def _report(pid, date, cost, forecast=None, benefit=None):
    return {"project_id": pid, "report_date": date, "planned_value": cost, "earned_value": cost,
            "actual_cost": cost, "forecast_finish": forecast, "benefit_realized": benefit}


REPORTS = pd.DataFrame([
    _report("A", D(2026, 2, 10), 60.0, D(2026, 3, 31)),
    _report("A", D(2026, 4, 15), 110.0, D(2026, 4, 30), 80.0),
    _report("B", D(2026, 4, 15), 110.01, D(2026, 5, 1), 100.0),
    _report("D", D(2026, 1, 10), 20.0, D(2026, 9, 30), 5.0),
    _report("D", D(2026, 2, 10), 33.0, None, None),
    _report("E", D(2025, 12, 20), 90.0, D(2025, 12, 31), 100.0),
    _report("F", D(2026, 4, 15), 30.0, D(2026, 12, 31)),
    _report("G", D(2026, 12, 1), 50.0, D(2026, 12, 15), 79.99),
])

TARGETS = pd.DataFrame([
    {"year": 2024, "metric": "on_time_rate", "target": 0.9},
    {"year": 2026, "metric": "on_time_rate", "target": 0.6},
    {"year": 2026, "metric": "project_success_rate", "target": 0.5},
    {"year": 2026, "metric": "benefits_realisation_rate", "target": 0.5},
])


def frame() -> pd.DataFrame:
    """The analytics' input, built by hand as store.scorecard.completed_projects returns it."""
    ordered = REPORTS.sort_values("report_date")
    latest = ordered.groupby("project_id").tail(1)[["project_id", "report_date", "forecast_finish", "actual_cost"]]
    benefit = ordered.dropna(subset=["benefit_realized"]).groupby("project_id").tail(1)[["project_id", "benefit_realized"]]
    return PROJECTS.merge(latest, how="left", on="project_id").merge(benefit, how="left", on="project_id")


def write(con) -> int:
    """Import the portfolio as one snapshot (as of 2026-12-31) and return its id."""
    from store.snapshots import create_snapshot

    return create_snapshot(con, label="scorecard", as_of=D(2026, 12, 31), files=[],
                           frames={"projects": PROJECTS, "status_reports": REPORTS, "targets": TARGETS})
