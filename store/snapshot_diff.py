"""Named query for comparing any two snapshots (`analytics.snapshot_diff`): every project of either.

`compare_projects(con, from_id, to_id)` follows the column convention of `store.delivery`'s
comparison with the previous snapshot (the later snapshot's figures under their own names, the
earlier one's as `prev_<column>`), so `analytics.trends.scope_changes` and `finish_slips` read it
as they read that one. Unlike it, it covers every project of either snapshot (not only the delivery
set), with `in_from` / `in_to`. `forecast_finish` is the latest report's forecast, as there.
Strategic scores are each snapshot's own: its project scores under its active weight set, else the
objectives file's weights (`store.weights.active_weights`, `analytics.scoring.strategic_value`).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.scoring import strategic_value
from store import weights
from store.snapshots import get_snapshot, read_table

_SIDE = """
    SELECT p.project_id, p.name, p.status, p.budget, p.start_month, p.duration_months,
           (SELECT arg_max(r.forecast_finish, r.report_date) FROM status_reports r
             WHERE r.snapshot_id = p.snapshot_id AND r.project_id = p.project_id) AS forecast_finish
    FROM projects p WHERE p.snapshot_id = ?
"""


def compare_projects(con: duckdb.DuckDBPyConnection, from_id: int, to_id: int) -> pd.DataFrame:
    """Every project of either snapshot, the `to` snapshot's figures and the `from` one's as prev_*."""
    get_snapshot(con, from_id)
    get_snapshot(con, to_id)
    columns = ("status", "budget", "start_month", "duration_months", "forecast_finish")
    now = ", ".join(f"b.{c}" for c in columns)
    before = ", ".join(f"a.{c} AS prev_{c}" for c in columns)
    return con.execute(
        f"WITH a AS ({_SIDE}), b AS ({_SIDE})"
        " SELECT coalesce(b.project_id, a.project_id) AS project_id, coalesce(b.name, a.name) AS name,"
        f" a.project_id IS NOT NULL AS in_from, b.project_id IS NOT NULL AS in_to, {now}, {before}"
        " FROM a FULL OUTER JOIN b ON a.project_id = b.project_id ORDER BY project_id",
        [from_id, to_id],
    ).df()


def strategic_scores(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.Series:
    """Each project's 0-100 strategic score in a snapshot under its active weights (empty without objectives)."""
    _, current = weights.active_weights(con, snapshot_id)
    projects = read_table(con, "projects", snapshot_id)["project_id"]
    if not current:
        return pd.Series(dtype=float, name="strategic_value")
    scores = read_table(con, "project_scores", snapshot_id)[["project_id", "objective_id", "score"]]
    return strategic_value(scores, current, projects)
