"""Two hand-made snapshots to compare (tests/test_snapshot_diff.py works the differences by hand).

2026-03 -> 2026-04: P1's budget 100 -> 120, its forecast finish 2026-06-30 -> 2026-07-15 (15 days),
its strategic score 60 -> 80 (score 3 -> 4 on the one objective); P2 approved -> active and starts a
month later (planned finish 2026-06 -> 2026-07); P3 removed; P4 added; P5 unchanged.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

D = dt.date


def _projects(later: bool) -> pd.DataFrame:
    rows = [
        ("P1", "ERP", "active", D(2026, 1, 1), 6, 120.0 if later else 100.0),
        ("P2", "CRM", "active" if later else "approved", D(2026, 4 if later else 3, 1), 4, 50.0),
        ("P5", "Portal", "proposed", D(2026, 9, 1), 3, 10.0),
        ("P4", "BI", "proposed", D(2026, 6, 1), 3, 30.0) if later else ("P3", "=HYPERLINK(\"x\")", "proposed",
                                                                        D(2026, 2, 1), 3, 30.0),
    ]
    return pd.DataFrame(rows, columns=["project_id", "name", "status", "start_month", "duration_months", "budget"])


def _reports(later: bool) -> pd.DataFrame:
    finish = D(2026, 7, 15) if later else D(2026, 6, 30)
    return pd.DataFrame([{"project_id": "P1", "report_date": D(2026, 3, 31), "planned_value": 50.0, "earned_value": 50.0,
                          "actual_cost": 50.0, "forecast_finish": finish}])


def _scores(later: bool) -> pd.DataFrame:
    return pd.DataFrame([("P1", "O1", 4.0 if later else 3.0), ("P2", "O1", 2.0), ("P5", "O1", 1.0)],
                        columns=["project_id", "objective_id", "score"])


def write(con) -> tuple[int, int]:
    from store.snapshots import create_snapshot

    ids = []
    for later, as_of in ((False, D(2026, 3, 31)), (True, D(2026, 4, 30))):
        frames = {"projects": _projects(later), "status_reports": _reports(later), "project_scores": _scores(later),
                  "objectives": pd.DataFrame([{"objective_id": "O1", "name": "Growth", "weight": 1.0}])}
        ids.append(create_snapshot(con, label=as_of.strftime("%Y-%m"), as_of=as_of, files=[], frames=frames))
    return ids[0], ids[1]
