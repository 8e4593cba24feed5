"""What completed projects teach about overruns: one row per project completed in any snapshot.

`completed_history(con)`: project_id, category, planned_budget and planned_duration (as first seen: the
earliest snapshot holding the project), actual_cost (the latest status report of the latest snapshot in
which it is completed) and actual_duration (`analytics.finish.actual_duration_months` of that report:
months from the start month to the actual finish, both counted). The query only reads the inputs
(start month, the latest report's date, forecast finish and cost); what the actual finish is, is
decided once, in `analytics.finish`, as the scorecard decides it. A completed project without a status
report is left out (nothing shows what it cost). `overrun_priors(con)` turns the rows into
per-category priors (analytics.simulation.overrun_priors_from).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.finish import actual_duration_months
from analytics.simulation import MIN_HISTORY, OverrunPrior, overrun_priors_from

COLUMNS = ("project_id", "category", "planned_budget", "planned_duration", "actual_cost", "actual_duration")

_HISTORY_SQL = """
WITH first_seen AS (
    SELECT project_id, arg_min(budget, snapshot_id) AS planned_budget,
           arg_min(duration_months, snapshot_id) AS planned_duration
    FROM projects WHERE snapshot_id IN (SELECT snapshot_id FROM snapshots) GROUP BY project_id
), done AS (
    SELECT project_id, max(snapshot_id) AS snapshot_id FROM projects
    WHERE status = 'completed' AND snapshot_id IN (SELECT snapshot_id FROM snapshots) GROUP BY project_id
), last_report AS (
    SELECT r.project_id, r.report_date, r.forecast_finish, r.actual_cost
    FROM status_reports r JOIN done d ON r.project_id = d.project_id AND r.snapshot_id = d.snapshot_id
    QUALIFY row_number() OVER (PARTITION BY r.project_id ORDER BY r.report_date DESC) = 1
)
SELECT d.project_id, p.category, f.planned_budget, f.planned_duration, l.actual_cost,
       p.start_month, l.report_date, l.forecast_finish
FROM done d
JOIN projects p ON p.project_id = d.project_id AND p.snapshot_id = d.snapshot_id
JOIN first_seen f ON f.project_id = d.project_id
JOIN last_report l ON l.project_id = d.project_id
ORDER BY d.project_id
"""


def completed_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per completed project with its plan as first seen and its actual cost and duration (COLUMNS)."""
    rows = con.execute(_HISTORY_SQL).df()
    rows["actual_duration"] = pd.Series(
        [actual_duration_months(start, reported, forecast)
         for start, reported, forecast in zip(rows["start_month"], rows["report_date"], rows["forecast_finish"],
                                               strict=True)],
        index=rows.index, dtype="int64",
    )
    return rows[list(COLUMNS)]


def overrun_priors(con: duckdb.DuckDBPyConnection, min_projects: int = MIN_HISTORY) -> dict[str, OverrunPrior]:
    return overrun_priors_from(completed_history(con), min_projects)
