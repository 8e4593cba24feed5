"""Named queries for delivery assurance: status reports, earned value, load, maturity, process KPIs.

DuckDB does the joins and window functions; `analytics.evm`, `analytics.health`, `analytics.trends`,
`analytics.resource_load`, `analytics.maturity` and `analytics.process_kpis` take the frames.

Conventions shared by every query here:
- planned_value, earned_value and actual_cost are cumulative to the report date, so a project's
  position is its LATEST report in the snapshot (`arg_max(..., report_date)`), as are rag,
  forecast_finish, open_risks and open_issues.
- milestones_due / milestones_met count the milestones that fell due in each reporting period and
  those met on time (the import contract, see `data.generate`), so the delivery rows carry their
  sums over every report to date (`milestones_due`, `milestones_met`) and
  `milestones_missed` = due - met over the last `RECENT_REPORTS` reports (what the health rule
  reads: an old miss that the project has since recovered from should not keep it red forever).
- benefit_realized is reported once, at hand-over: the rows carry the latest non-NULL value.
- The "delivery set" of a snapshot is every project that is active, on hold or completed, plus any
  other non-cancelled project that has filed a report. Projects of the set without a report come
  back with NULL report columns and `has_report = false`.
- The previous snapshot of a snapshot is the one just before it by (as_of, snapshot_id).
- Months are DATEs on the first day of the month; a demand row's month is the project's
  start_month plus its month_offset (offset 0 = the start month).
- Committed work = projects whose status is active or approved.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analytics.vocabulary import COMMITTED_STATUSES
from store.snapshots import get_snapshot

DELIVERY_STATUSES: tuple[str, ...] = ("active", "on_hold", "completed")
RECENT_REPORTS = 3  # reports that count for missed milestones (a quarter of monthly reporting)

_REPORT_COLUMNS = (
    "report_date, planned_value, earned_value, actual_cost, percent_complete, rag, forecast_finish,"
    " open_risks, open_issues, milestones_due, milestones_met, benefit_realized"
)

# Latest report per (snapshot, project) and the delivery set, for the snapshots listed in a CTE
# named `wanted(snapshot_id)` that each query defines first. Only constants are spliced in.
_DELIVERY_CTES = f"""
latest AS (
    -- one GROUP BY pass: arg_max picks the latest report's values (report dates are unique per project)
    SELECT r.snapshot_id, r.project_id, max(r.report_date) AS report_date,
           arg_max(r.planned_value, r.report_date) AS planned_value,
           arg_max(r.earned_value, r.report_date) AS earned_value,
           arg_max(r.actual_cost, r.report_date) AS actual_cost,
           arg_max(r.percent_complete, r.report_date) AS percent_complete,
           arg_max(r.rag, r.report_date) AS rag,
           arg_max(r.forecast_finish, r.report_date) AS forecast_finish,
           arg_max(r.open_risks, r.report_date) AS open_risks,
           arg_max(r.open_issues, r.report_date) AS open_issues,
           count(*) AS report_count,
           sum(r.milestones_due) AS milestones_due,
           sum(r.milestones_met) AS milestones_met,
           list_sum(list(greatest(coalesce(r.milestones_due, 0) - coalesce(r.milestones_met, 0), 0)
                         ORDER BY r.report_date DESC)[1:{RECENT_REPORTS}]) AS milestones_missed,
           arg_max(r.benefit_realized, r.report_date) FILTER (WHERE r.benefit_realized IS NOT NULL)
               AS benefit_realized
    FROM status_reports r
    WHERE r.snapshot_id IN (SELECT snapshot_id FROM wanted)
    GROUP BY r.snapshot_id, r.project_id
),
delivery AS (
    SELECT p.snapshot_id, s.as_of, s.label, p.project_id, p.name, p.category, p.department, p.manager,
           p.status, p.budget, p.expected_benefit, p.start_month, p.duration_months,
           CAST(p.start_month + to_months(p.duration_months) - INTERVAL 1 DAY AS DATE) AS planned_finish,
           l.report_date IS NOT NULL AS has_report, coalesce(l.report_count, 0) AS report_count,
           l.report_date, l.planned_value, l.earned_value, l.actual_cost, l.percent_complete,
           lower(l.rag) AS rag, l.forecast_finish, l.open_risks, l.open_issues, l.milestones_due,
           l.milestones_met, l.milestones_missed, l.benefit_realized
    FROM projects p
    JOIN snapshots s ON s.snapshot_id = p.snapshot_id
    LEFT JOIN latest l ON l.snapshot_id = p.snapshot_id AND l.project_id = p.project_id
    WHERE p.snapshot_id IN (SELECT snapshot_id FROM wanted)
      AND (p.status IN {DELIVERY_STATUSES} OR (l.project_id IS NOT NULL AND p.status <> 'cancelled'))
)
"""


def latest_reports(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """The delivery set of a snapshot with each project's latest report (one row per project)."""
    get_snapshot(con, snapshot_id)
    return con.execute(
        f"WITH wanted AS (SELECT ? AS snapshot_id), {_DELIVERY_CTES}"
        " SELECT * EXCLUDE (snapshot_id, as_of, label) FROM delivery ORDER BY project_id",
        [snapshot_id],
    ).df()


def report_history(con: duckdb.DuckDBPyConnection, snapshot_id: int, project_id: str) -> pd.DataFrame:
    """Every status report of one project in a snapshot, oldest first, with its budget."""
    return con.execute(
        f"SELECT r.project_id, {_REPORT_COLUMNS}, p.budget"
        " FROM status_reports r JOIN projects p ON p.snapshot_id = r.snapshot_id AND p.project_id = r.project_id"
        " WHERE r.snapshot_id = ? AND r.project_id = ? ORDER BY r.report_date",
        [snapshot_id, project_id],
    ).df()


def portfolio_history(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """Portfolio PV, EV, AC per report month inside one snapshot (the portfolio S-curve).

    Each project contributes its latest report up to the end of each month (carried forward, so a
    finished project keeps counting its final figures: the running sum of every project's
    month-on-month change, by LAG and a cumulative SUM window); projects not reporting yet
    contribute nothing. Cancelled projects are left out. Columns: month, planned_value,
    earned_value, actual_cost, budget (BAC of the projects reporting by then), reporting_count.
    """
    return con.execute(
        """
        WITH monthly AS (
            SELECT r.project_id, CAST(date_trunc('month', r.report_date) AS DATE) AS month,
                   arg_max(r.planned_value, r.report_date) AS planned_value,
                   arg_max(r.earned_value, r.report_date) AS earned_value,
                   arg_max(r.actual_cost, r.report_date) AS actual_cost, any_value(p.budget) AS budget
            FROM status_reports r
            JOIN projects p ON p.snapshot_id = r.snapshot_id AND p.project_id = r.project_id
            WHERE r.snapshot_id = ? AND p.status <> 'cancelled'
            GROUP BY r.project_id, month
        ),
        -- Cumulative figures carried forward = running sum of each project's month-on-month change.
        changes AS (
            SELECT month,
                   planned_value - coalesce(lag(planned_value) OVER w, 0) AS planned_change,
                   earned_value - coalesce(lag(earned_value) OVER w, 0) AS earned_change,
                   actual_cost - coalesce(lag(actual_cost) OVER w, 0) AS cost_change,
                   CASE WHEN lag(month) OVER w IS NULL THEN budget ELSE 0 END AS budget_change,
                   CASE WHEN lag(month) OVER w IS NULL THEN 1 ELSE 0 END AS reporting_change
            FROM monthly
            WINDOW w AS (PARTITION BY project_id ORDER BY month)
        ),
        per_month AS (
            SELECT month, sum(planned_change) AS planned_change, sum(earned_change) AS earned_change,
                   sum(cost_change) AS cost_change, sum(budget_change) AS budget_change,
                   sum(reporting_change) AS reporting_change
            FROM changes GROUP BY month
        )
        SELECT month, sum(planned_change) OVER m AS planned_value, sum(earned_change) OVER m AS earned_value,
               sum(cost_change) OVER m AS actual_cost, sum(budget_change) OVER m AS budget,
               CAST(sum(reporting_change) OVER m AS BIGINT) AS reporting_count
        FROM per_month
        WINDOW m AS (ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ORDER BY month
        """,
        [snapshot_id],
    ).df()


def previous_snapshot_id(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> int | None:
    """The snapshot just before this one by (as_of, snapshot_id), or None for the first."""
    get_snapshot(con, snapshot_id)
    row = con.execute(
        "SELECT prev FROM (SELECT snapshot_id, lag(snapshot_id) OVER (ORDER BY as_of, snapshot_id) AS prev"
        " FROM snapshots) WHERE snapshot_id = ?",
        [snapshot_id],
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def compare_with_previous(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """The delivery set of a snapshot with the same project's figures in the previous snapshot.

    One row per project of this snapshot: the columns of `latest_reports` plus `in_previous` and
    `prev_<column>` for budget, status, has_report, planned_value, earned_value, actual_cost, rag,
    forecast_finish, open_risks, milestones_due, milestones_met and milestones_missed (NULL when the project was not in
    the previous snapshot's delivery set, or there is no previous snapshot).
    """
    previous = previous_snapshot_id(con, snapshot_id)
    prev_columns = (
        "budget", "status", "has_report", "planned_value", "earned_value", "actual_cost", "rag",
        "forecast_finish", "open_risks", "milestones_due", "milestones_met", "milestones_missed",
    )
    prev_select = ", ".join(f"o.{c} AS prev_{c}" for c in prev_columns)
    return con.execute(
        f"WITH wanted AS (SELECT unnest([?, ?]) AS snapshot_id), {_DELIVERY_CTES}"
        f" SELECT c.* EXCLUDE (snapshot_id, as_of, label), o.project_id IS NOT NULL AS in_previous, {prev_select}"
        " FROM delivery c LEFT JOIN delivery o ON o.snapshot_id = ? AND o.project_id = c.project_id"
        " WHERE c.snapshot_id = ? ORDER BY c.project_id",
        [snapshot_id, previous, previous, snapshot_id],
    ).df()


def snapshot_series(con: duckdb.DuckDBPyConnection, project_id: str | None = None) -> pd.DataFrame:
    """Per snapshot and project of its delivery set: the latest report, budget and the change since
    the project's previous appearance (`prev_budget`, `prev_forecast_finish` by LAG), oldest first.

    With `project_id`, only that project's rows.
    """
    return con.execute(
        f"WITH wanted AS (SELECT snapshot_id FROM snapshots), {_DELIVERY_CTES}"
        " SELECT snapshot_id, as_of, label, project_id, name, category, status, budget, has_report,"
        " report_date, planned_value, earned_value, actual_cost, percent_complete, rag, forecast_finish,"
        " planned_finish, open_risks, milestones_due, milestones_met, milestones_missed,"
        " lag(budget) OVER w AS prev_budget, lag(forecast_finish) OVER w AS prev_forecast_finish"
        " FROM delivery WHERE ? IS NULL OR project_id = ?"
        " WINDOW w AS (PARTITION BY project_id ORDER BY as_of, snapshot_id)"
        " ORDER BY as_of, snapshot_id, project_id",
        [project_id, project_id],
    ).df()


def portfolio_series(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per snapshot: the portfolio's summed PV, EV, AC, budget (BAC) and milestones, oldest first.

    Sums over each snapshot's delivery set (latest report per project); projects without a report
    add their budget only. Columns: snapshot_id, as_of, label, planned_value, earned_value,
    actual_cost, budget, project_count, reporting_count, milestones_due, milestones_met.
    """
    return con.execute(
        f"WITH wanted AS (SELECT snapshot_id FROM snapshots), {_DELIVERY_CTES}"
        " SELECT snapshot_id, as_of, label, sum(planned_value) AS planned_value,"
        " sum(earned_value) AS earned_value, sum(actual_cost) AS actual_cost, sum(budget) AS budget,"
        " count(*) AS project_count, count(report_date) AS reporting_count,"
        " sum(milestones_due) AS milestones_due, sum(milestones_met) AS milestones_met"
        " FROM delivery GROUP BY snapshot_id, as_of, label ORDER BY as_of, snapshot_id"
    ).df()


def snapshot_keys(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
    """Every snapshot id in (as_of, id) order: a cheap cache key for cross-snapshot results."""
    return tuple(int(r[0]) for r in con.execute("SELECT snapshot_id FROM snapshots ORDER BY as_of, snapshot_id").fetchall())


def committed_demand(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """FTE demanded by committed (active/approved) projects per role and calendar month."""
    return con.execute(
        f"""
        SELECT d.role, CAST(p.start_month + to_months(d.month_offset) AS DATE) AS month, sum(d.fte) AS demand_fte
        FROM demand d
        JOIN projects p ON p.snapshot_id = d.snapshot_id AND p.project_id = d.project_id
        WHERE d.snapshot_id = ? AND p.status IN {COMMITTED_STATUSES}
        GROUP BY ALL ORDER BY role, month
        """,
        [snapshot_id],
    ).df()


def committed_project_ids(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> list[str]:
    rows = con.execute(
        f"SELECT project_id FROM projects WHERE snapshot_id = ? AND status IN {COMMITTED_STATUSES} ORDER BY project_id",
        [snapshot_id],
    ).fetchall()
    return [r[0] for r in rows]


def project_demand(con: duckdb.DuckDBPyConnection, snapshot_id: int, project_ids: Sequence[str]) -> pd.DataFrame:
    """Demand rows (project_id, role, month_offset, fte) of the given projects, with their planned
    start_month, for placing them at the start months a scenario chose."""
    return con.execute(
        "SELECT d.project_id, d.role, d.month_offset, d.fte, p.start_month"
        " FROM demand d JOIN projects p ON p.snapshot_id = d.snapshot_id AND p.project_id = d.project_id"
        " WHERE d.snapshot_id = ? AND list_contains(?, d.project_id)"
        " ORDER BY d.project_id, d.role, d.month_offset",
        [snapshot_id, list(project_ids)],
    ).df()


def capacity(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """Capacity per role and month (summed if a file lists a cell twice)."""
    return con.execute(
        "SELECT role, month, sum(capacity_fte) AS capacity_fte FROM capacity WHERE snapshot_id = ?"
        " GROUP BY role, month ORDER BY role, month",
        [snapshot_id],
    ).df()


def maturity_rows(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """The maturity assessment of a snapshot: area, practice, level, score, target_level."""
    return con.execute(
        "SELECT area, practice, level, score, target_level FROM maturity WHERE snapshot_id = ?"
        " ORDER BY area, level, practice",
        [snapshot_id],
    ).df()


def process_kpi_rows(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """Process KPIs of a snapshot per process and month, oldest month first."""
    return con.execute(
        "SELECT process, month, cycle_time_days, unit_cost, error_rate, volume FROM process_kpis"
        " WHERE snapshot_id = ? ORDER BY process, month",
        [snapshot_id],
    ).df()


def completed_benefits(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """Completed projects with planned (expected_benefit) and realised benefit (latest report)."""
    return con.execute(
        f"WITH wanted AS (SELECT ? AS snapshot_id), {_DELIVERY_CTES}"
        " SELECT project_id, name, category, status, expected_benefit, benefit_realized, report_date"
        " FROM delivery WHERE status = 'completed' ORDER BY project_id",
        [snapshot_id],
    ).df()
