"""What completed projects teach about overruns: one row per project completed in any snapshot.

`completed_history(con)`: project_id, category, planned_budget and planned_duration (as first seen: the
earliest snapshot holding the project), actual_cost (the last status report of the latest snapshot in
which it is completed) and actual_duration (months from its start month to the month of that report's
forecast finish, or of the report itself without one, both counted). `overrun_priors(con)` turns them
into per-category priors (analytics.simulation.overrun_priors_from).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.simulation import MIN_HISTORY, OverrunPrior, overrun_priors_from

_HISTORY_SQL = """
WITH first_seen AS (
    SELECT project_id, arg_min(budget, snapshot_id) AS planned_budget,
           arg_min(duration_months, snapshot_id) AS planned_duration
    FROM projects WHERE snapshot_id IN (SELECT snapshot_id FROM snapshots) GROUP BY project_id
), done AS (
    SELECT project_id, max(snapshot_id) AS snapshot_id FROM projects
    WHERE status = 'completed' AND snapshot_id IN (SELECT snapshot_id FROM snapshots) GROUP BY project_id
), last_report AS (
    SELECT r.project_id, arg_max(r.actual_cost, r.report_date) AS actual_cost,
           arg_max(coalesce(r.forecast_finish, r.report_date), r.report_date) AS finish
    FROM status_reports r JOIN done d ON r.project_id = d.project_id AND r.snapshot_id = d.snapshot_id
    GROUP BY r.project_id
)
SELECT d.project_id, p.category, f.planned_budget, f.planned_duration, l.actual_cost,
       (year(l.finish) * 12 + month(l.finish)) - (year(p.start_month) * 12 + month(p.start_month)) + 1
           AS actual_duration
FROM done d
JOIN projects p ON p.project_id = d.project_id AND p.snapshot_id = d.snapshot_id
JOIN first_seen f ON f.project_id = d.project_id
JOIN last_report l ON l.project_id = d.project_id
ORDER BY d.project_id
"""


def completed_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(_HISTORY_SQL).df()


def overrun_priors(con: duckdb.DuckDBPyConnection, min_projects: int = MIN_HISTORY) -> dict[str, OverrunPrior]:
    return overrun_priors_from(completed_history(con), min_projects)
