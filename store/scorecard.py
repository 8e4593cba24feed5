"""Named queries for the PMO scorecard (`analytics.scorecard`): completed projects with their latest report, targets.

`completed_projects` returns one row per completed project of a snapshot with the figures of its
latest status report (the one with the latest `report_date`): `report_date`, that report's own
`forecast_finish` (NULL when that report gives none: the actual finish is then the report's date,
not an older report's forecast) and `actual_cost`; `benefit_realized` is the latest reported value,
as `store.delivery` reads it (benefits are reported once, at hand-over). Without a report the report
columns are NULL.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from store.snapshots import get_snapshot, read_table


def completed_projects(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """Completed projects of a snapshot with their latest report's figures (see module doc)."""
    get_snapshot(con, snapshot_id)
    return con.execute(
        """
        WITH latest AS (
            SELECT project_id, report_date, forecast_finish, actual_cost
            FROM status_reports WHERE snapshot_id = ?
            QUALIFY row_number() OVER (PARTITION BY project_id ORDER BY report_date DESC) = 1
        ),
        benefit AS (
            SELECT project_id, arg_max(benefit_realized, report_date) AS benefit_realized
            FROM status_reports WHERE snapshot_id = ? AND benefit_realized IS NOT NULL GROUP BY project_id
        )
        SELECT p.project_id, p.name, p.category, p.status, p.start_month, p.duration_months, p.budget,
               p.expected_benefit, l.report_date, l.forecast_finish, l.actual_cost, b.benefit_realized
        FROM projects p
        LEFT JOIN latest l ON l.project_id = p.project_id
        LEFT JOIN benefit b ON b.project_id = p.project_id
        WHERE p.snapshot_id = ? AND p.status = 'completed'
        ORDER BY p.project_id
        """,
        [snapshot_id, snapshot_id, snapshot_id],
    ).df()


def targets(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """The snapshot's annual targets: year, metric, target (empty when it has none)."""
    frame = read_table(con, "targets", snapshot_id)
    return frame[["year", "metric", "target"]].sort_values(["year", "metric"], ignore_index=True)
