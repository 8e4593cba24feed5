"""A small two-snapshot portfolio with hand-checkable delivery figures, for the delivery tests.

Snapshot "2026-02" (as of 2026-02-28) and "2026-03" (as of 2026-03-31). In 2026-03:

  id  status     category    budget  latest report (PV / EV / AC)   notes
  P1  active     IT          100     50 / 40 / 45, amber             budget was 90; forecast slips 31 days;
                                                                    missed 1 of 2 milestones due in March
  P2  active     IT           80     40 / 42 / 40, green             healthy in both snapshots
  P3  active     Operations  200     no report                       was approved (no report) in 2026-02
  P4  completed  IT          120     120 / 120 / 130, benefit 240/300
  P5  completed  Operations   30     30 / 30 / 25, benefit 60/50
  P6  approved   Growth      150     -                               committed demand from 2026-05
  P7  proposed   Growth       60     -                               a scenario may add it
  P8  cancelled  Growth       40     one report                      left out of delivery

Portfolio 2026-03 (P1-P5): PV 240, EV 232, AC 240, BAC 530.
Capacity 2026-03..2026-08: dev 4 FTE, analyst 2 FTE a month. Committed dev demand: P1 2 FTE
Jan-Jun, P2 1.5 Feb-May, P6 1 May-Oct -> May is 4.5 of 4 (over by 0.5). Analyst: P1 1 Jan-Jun,
P3 1 Mar 2026-Feb 2027 -> 2 of 2 Mar-Jun (full, not over).
Maturity 2026-03: Governance level 2 (target 4), Risk level 3 via a skipped level (target 3),
Resourcing level 1 (no target). Process KPIs: Procurement cycle time drops from ~20 to ~14 days
from 2025-10; Invoicing is noise around 5 days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from store import db, snapshots

D = dt.date


def _projects(snapshot: str) -> pd.DataFrame:
    rows = [
        ("P1", "ERP 升级", "IT", "active", D(2026, 1, 1), 6, 100.0 if snapshot == "2026-03" else 90.0, 200.0),
        ("P2", "CRM rollout", "IT", "active", D(2026, 2, 1), 4, 80.0, 150.0),
        ("P3", "Plant safety", "Operations", "active" if snapshot == "2026-03" else "approved", D(2026, 3, 1), 12, 200.0, 120.0),
        ("P4", "Data warehouse", "IT", "completed", D(2025, 6, 1), 8, 120.0, 300.0),
        ("P5", "Lean training", "Operations", "completed", D(2025, 9, 1), 5, 30.0, 50.0),
        ("P6", "New branch", "Growth", "approved", D(2026, 5, 1), 6, 150.0, 400.0),
        ("P7", "Mobile app", "Growth", "proposed", D(2026, 4, 1), 6, 60.0, 90.0),
        ("P8", "Old idea", "Growth", "cancelled", D(2025, 11, 1), 6, 40.0, 10.0),
    ]
    frame = pd.DataFrame(rows, columns=["project_id", "name", "category", "status", "start_month",
                                        "duration_months", "budget", "expected_benefit"])
    frame["depends_on"] = [[] for _ in range(len(frame))]
    frame["manager"] = "王敏"
    return frame


def _report(pid, date, pv, ev, ac, rag="green", finish=None, risks=0, due=0, met=0, benefit=None):
    return {"project_id": pid, "report_date": date, "planned_value": pv, "earned_value": ev, "actual_cost": ac,
            "percent_complete": None, "rag": rag, "forecast_finish": finish, "open_risks": risks,
            "open_issues": 0, "milestones_due": due, "milestones_met": met, "benefit_realized": benefit}


def _reports(snapshot: str) -> pd.DataFrame:
    rows = [
        _report("P1", D(2026, 1, 31), 10, 10, 10, finish=D(2026, 6, 30)),
        _report("P2", D(2026, 2, 28), 20, 20, 18, finish=D(2026, 5, 31), due=1, met=1),
        _report("P4", D(2026, 1, 31), 120, 120, 130, benefit=240.0),
        _report("P5", D(2026, 1, 31), 30, 30, 25, benefit=60.0),
        _report("P8", D(2025, 12, 31), 5, 2, 6, rag="red"),
    ]
    if snapshot == "2026-02":
        rows.append(_report("P1", D(2026, 2, 28), 30, 28, 28, finish=D(2026, 6, 30), risks=2, due=1, met=1))
    else:
        rows += [
            _report("P1", D(2026, 2, 28), 30, 25, 28, finish=D(2026, 6, 30), risks=2, due=1, met=1),
            _report("P1", D(2026, 3, 31), 50, 40, 45, rag="amber", finish=D(2026, 7, 31), risks=3, due=2, met=1),
            _report("P2", D(2026, 3, 31), 40, 42, 40, finish=D(2026, 5, 31), due=1, met=1),
        ]
    frame = pd.DataFrame(rows)
    for column in ("planned_value", "earned_value", "actual_cost", "percent_complete", "benefit_realized"):
        frame[column] = frame[column].astype(float)
    return frame


def _capacity() -> pd.DataFrame:
    months = [D(2026, m, 1) for m in range(3, 9)]
    rows = [(role, m, fte, 3.0) for role, fte in (("dev", 4.0), ("analyst", 2.0)) for m in months]
    return pd.DataFrame(rows, columns=["role", "month", "capacity_fte", "hire_cost_per_fte_month"])


def _demand() -> pd.DataFrame:
    rows = [("P1", "dev", o, 2.0) for o in range(6)] + [("P1", "analyst", o, 1.0) for o in range(6)]
    rows += [("P2", "dev", o, 1.5) for o in range(4)]
    rows += [("P3", "analyst", o, 1.0) for o in range(12)]
    rows += [("P6", "dev", o, 1.0) for o in range(6)]
    rows += [("P7", "dev", o, 2.0) for o in range(6)]
    return pd.DataFrame(rows, columns=["project_id", "role", "month_offset", "fte"])


def maturity_frame() -> pd.DataFrame:
    rows = [
        ("Governance", "Portfolio charter", 2, 90.0, 4),
        ("Governance", "Stage gates", 2, 85.0, 4),
        ("Governance", "Benefits tracking", 3, 70.0, 4),
        ("Governance", "Portfolio optimisation", 4, 90.0, 4),
        ("Risk", "Risk register", 2, 85.0, 3),
        ("Risk", "Quantitative risk analysis", 4, 60.0, 3),
        ("Resourcing", "Capacity plan", 2, 60.0, None),
    ]
    frame = pd.DataFrame(rows, columns=["area", "practice", "level", "score", "target_level"])
    frame["target_level"] = frame["target_level"].astype("Int64")
    return frame


def process_frame(seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = [D(2025, m, 1) for m in range(4, 13)] + [D(2026, m, 1) for m in range(1, 4)]
    rows = []
    for i, month in enumerate(months):
        shifted = i >= 6  # 2025-10 onwards
        rows.append(("Procurement", month, (14.0 if shifted else 20.0) + rng.normal(0, 0.8),
                     1.2 + rng.normal(0, 0.05), 0.04 + rng.normal(0, 0.004), 100 + rng.normal(0, 5)))
        rows.append(("Invoicing", month, 5.0 + rng.normal(0, 0.5), 0.3 + rng.normal(0, 0.02),
                     0.02 + rng.normal(0, 0.002), 400 + rng.normal(0, 20)))
    return pd.DataFrame(rows, columns=["process", "month", "cycle_time_days", "unit_cost", "error_rate", "volume"])


def build(con, *, with_previous: bool = True) -> dict[str, int]:
    """Write the snapshots into `con`; returns {"2026-02": id, "2026-03": id} (or just 2026-03)."""
    ids: dict[str, int] = {}
    labels = ("2026-02", "2026-03") if with_previous else ("2026-03",)
    for label in labels:
        frames = {"projects": _projects(label), "status_reports": _reports(label), "capacity": _capacity(),
                  "demand": _demand()}
        if label == "2026-03":
            frames |= {"maturity": maturity_frame(), "process_kpis": process_frame()}
        as_of = D(2026, 2, 28) if label == "2026-02" else D(2026, 3, 31)
        ids[label] = snapshots.create_snapshot(con, label=label, as_of=as_of, frames=frames, files=[])
    return ids


APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_page(page: str, language: str, snapshot_id: int) -> AppTest:
    """An AppTest of app.py switched to `page` in `language` on `snapshot_id` ($LODESTAR_DB set by
    the caller). Fails on an uncaught exception."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = language
    at.switch_page(page)
    return rerun(at, snapshot_id)


def open_clean(page: str, language: str, snapshot_id: int) -> AppTest:
    """`open_page`, and the page shows no error either."""
    at = open_page(page, language, snapshot_id)
    assert not at.error, [e.value for e in at.error]
    return at


def rerun(at: AppTest, snapshot_id: int) -> AppTest:
    """Run again keeping the snapshot choice: Streamlit 1.67's AppTest drops an st.navigation app's
    sidebar from its tree after the first run, so the sidebar selectbox's value would be lost."""
    at.session_state["snapshot_id"] = snapshot_id
    at.run()
    assert not at.exception, at.exception
    return at


def latest_snapshot(path) -> int:
    """The latest snapshot id of a database file (opened and closed again)."""
    from store import db

    con = db.connect(path)
    try:
        return int(snapshots.latest_snapshot_id(con))
    finally:
        con.close()


def bare_snapshot(db_file, status: str) -> int:
    """A snapshot holding one project (X, in `status`) and nothing else: the pages' empty states."""
    con = db.connect(db_file)
    try:
        projects = pd.DataFrame({"project_id": ["X"], "name": ["x"], "status": [status],
                                 "start_month": [dt.date(2026, 5, 1)], "duration_months": [3], "budget": [10.0],
                                 "depends_on": [[]]})
        return snapshots.create_snapshot(con, label="bare", as_of=dt.date(2026, 4, 30),
                                         frames={"projects": projects}, files=[])
    finally:
        con.close()
