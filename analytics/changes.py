"""Change control (变更控制): a change request's impact on the baseline, and scope creep from approved changes.

Definitions (docs/governance.md):
- The *baseline* of a project is its budget and planned finish month in the snapshot (the project
  file is taken as the baseline; changes are not assumed to be in it). Planned finish = start month +
  duration - 1 (`analytics.finish.planned_finish_month`).
- The *current* figures add the project's approved changes: budget + Σ approved `budget_delta`,
  finish + Σ approved `schedule_delta_months`. *With the change* adds the request's own deltas too.
- The portfolio's budget is Σ budget of committed work (active and approved projects) plus every
  approved change's budget delta on them; with the change adds its delta (when the project is
  committed; a change to a proposal moves the proposal's budget, not the committed portfolio's).
- Load with the change: a schedule change moves the project's remaining work. Demand rows from the
  as-of month on move by `schedule_delta_months` (later when positive, earlier when negative, never
  before the as-of month); work already done stays. Budget changes do not change FTE. The load is
  committed load (plus the project's own demand when it is not committed), computed and judged by
  `analytics.resource_load` and the one utilisation of `analytics.metrics`.
- Scope creep: approved budget deltas by the month they were decided (else raised), per project and
  for the portfolio, each month's sum and the running total, as a share of the original budgets
  (a project: its baseline budget; the portfolio: Σ baseline budget of the committed and completed
  projects (active, approved, completed) and of any other project with an approved change).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.errors import InvalidInput
from analytics.finish import planned_finish_month
from analytics.months import add_months, month_index, month_of, month_text
from analytics.resource_load import ResourceLoad, add_demand, place_demand, resource_load
from analytics.vocabulary import CHANGE_STATUSES, COMMITTED_STATUSES


def _delta(value: object) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)


@dataclass(frozen=True)
class ChangeRequest:
    """One change request as raised: what it asks for."""

    project_id: str
    title: str
    budget_delta: float = 0.0
    schedule_delta_months: int = 0
    scope_change: str = ""

    def __post_init__(self) -> None:
        if not self.project_id or not self.title.strip():
            raise InvalidInput("a change request needs a project and a title", key="changes.error.required")
        if abs(int(self.schedule_delta_months)) > 600:
            raise InvalidInput("schedule change out of range", key="changes.error.schedule")


@dataclass(frozen=True)
class RoleImpact:
    role: str
    peak_before: float | None  # highest utilisation over the horizon
    peak_after: float | None
    over_months_before: int  # months over-allocated
    over_months_after: int


@dataclass(frozen=True)
class ChangeImpact:
    project_id: str
    baseline_budget: float
    current_budget: float  # baseline + approved changes
    new_budget: float  # current + this change
    baseline_finish: str  # "YYYY-MM"
    current_finish: str
    new_finish: str
    portfolio_budget: float  # committed work + approved changes on it
    new_portfolio_budget: float
    load_before: ResourceLoad | None  # None without a capacity plan
    load_after: ResourceLoad | None
    roles: tuple[RoleImpact, ...]  # roles whose load the change moves, most loaded after first


def approved(requests: pd.DataFrame, project_id: str | None = None) -> pd.DataFrame:
    """The approved change requests (of one project when given)."""
    if requests is None or requests.empty:
        return pd.DataFrame(columns=["cr_id", "project_id", "budget_delta", "schedule_delta_months"])
    rows = requests[requests["status"] == "approved"]
    return rows if project_id is None else rows[rows["project_id"] == project_id]


def shift_remaining(rows: pd.DataFrame, start_month: object, as_of_month: object, months: int) -> pd.DataFrame:
    """Demand rows (project_id, role, month_offset, fte) with the work from `as_of_month` on moved by `months`."""
    if rows.empty or months == 0:
        return rows
    start, now = month_index(start_month), month_index(as_of_month)
    offsets = rows["month_offset"].astype(int)
    remaining = start + offsets >= now
    moved = (offsets + int(months)).clip(lower=max(now - start, 0))
    return rows.assign(month_offset=offsets.where(~remaining, moved))


def _peak(cells: pd.DataFrame) -> float | None:
    values = cells["utilisation"].dropna()
    return None if values.empty else float(values.max())


def _role_impacts(before: ResourceLoad, after: ResourceLoad) -> tuple[RoleImpact, ...]:
    impacts = []
    for role in after.roles:
        b = before.cells[before.cells["role"] == role]
        a = after.cells[after.cells["role"] == role]
        if b["demand_fte"].round(9).tolist() == a["demand_fte"].round(9).tolist():
            continue
        peak = _peak
        impacts.append(RoleImpact(role, peak(b), peak(a), int(b["over_allocated"].sum()), int(a["over_allocated"].sum())))
    return tuple(sorted(impacts, key=lambda r: (-(r.peak_after or 0.0), r.role)))


def change_impact(
    request: ChangeRequest, projects: pd.DataFrame, requests: pd.DataFrame, *, as_of: object,
    committed_demand: pd.DataFrame, project_demand: pd.DataFrame, capacity: pd.DataFrame,
    horizon_months: list[str] | None = None,
) -> ChangeImpact:
    """What the change does to its project's budget and finish, the portfolio's budget and the roles' load.

    `projects`: project_id, status, start_month, duration_months, budget; `requests`: the snapshot's
    change requests (status, project_id, budget_delta, schedule_delta_months); `committed_demand`:
    role, month, demand_fte of committed work; `project_demand`: the project's demand rows.
    """
    found = projects[projects["project_id"] == request.project_id]
    if found.empty:
        raise InvalidInput(f"unknown project {request.project_id}", key="changes.error.project",
                           project_id=request.project_id)
    project = found.iloc[0]
    mine = approved(requests, request.project_id)
    baseline_budget = float(project["budget"])
    current_budget = baseline_budget + float(sum(_delta(v) for v in mine["budget_delta"]))
    baseline_finish = planned_finish_month(project["start_month"], int(project["duration_months"]))
    current_finish = add_months(baseline_finish, int(sum(_delta(v) for v in mine["schedule_delta_months"])))
    committed = projects[projects["status"].isin(COMMITTED_STATUSES)]
    committed_changes = approved(requests)
    committed_changes = committed_changes[committed_changes["project_id"].isin(set(committed["project_id"]))]
    portfolio = float(committed["budget"].sum()) + float(sum(_delta(v) for v in committed_changes["budget_delta"]))
    is_committed = str(project["status"]) in COMMITTED_STATUSES
    before = after = None
    if capacity is not None and not capacity.empty:
        start = {request.project_id: month_of(project["start_month"])}
        already = shift_remaining(project_demand, project["start_month"], as_of,
                                  int(sum(_delta(v) for v in mine["schedule_delta_months"])))
        moved = shift_remaining(already, project["start_month"], as_of, int(request.schedule_delta_months))
        # committed load without the project as imported, then with it as approved changes left it
        others = add_demand(committed_demand, subtract=place_demand(project_demand, start)) if is_committed \
            else committed_demand
        before = resource_load(add_demand(others, place_demand(already, start)), capacity, horizon_months=horizon_months)
        after = resource_load(add_demand(others, place_demand(moved, start)), capacity, horizon_months=before.months)
    return ChangeImpact(
        project_id=request.project_id,
        baseline_budget=baseline_budget, current_budget=current_budget,
        new_budget=current_budget + float(request.budget_delta),
        baseline_finish=baseline_finish, current_finish=current_finish,
        new_finish=add_months(current_finish, int(request.schedule_delta_months)),
        portfolio_budget=portfolio,
        new_portfolio_budget=portfolio + (float(request.budget_delta) if is_committed else 0.0),
        load_before=before, load_after=after,
        roles=() if before is None else _role_impacts(before, after),
    )


def scope_creep(requests: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Approved budget deltas per month, per project and for the portfolio ("" as project_id).

    Columns: project_id, month ("YYYY-MM"), budget_delta (that month's sum), cumulative, original_budget,
    cumulative_share (cumulative / original budget; None when the original budget is 0). Every month
    from the first to the last approved change appears for each project that has one.
    """
    columns = ["project_id", "month", "budget_delta", "cumulative", "original_budget", "cumulative_share"]
    rows = approved(requests)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    unknown = set(rows["status"]) - set(CHANGE_STATUSES)
    if unknown:
        raise InvalidInput(f"unknown change status {sorted(unknown)}", key="changes.error.status")
    when = [d if d is not None and not pd.isna(d) else r
            for d, r in zip(rows["decided_on"], rows["raised_on"], strict=True)]
    frame = pd.DataFrame({"project_id": rows["project_id"].astype(str).to_numpy(),
                          "month": [month_of(w) for w in when],
                          "budget_delta": [_delta(v) for v in rows["budget_delta"]]})
    budgets = dict(zip(projects["project_id"].astype(str), projects["budget"].astype(float), strict=True))
    months = [month_text(i) for i in range(month_index(min(frame["month"])), month_index(max(frame["month"])) + 1)]
    out = []
    in_portfolio = set(projects.loc[projects["status"].isin((*COMMITTED_STATUSES, "completed")), "project_id"].astype(str))
    portfolio_budget = sum(budgets.get(p, 0.0) for p in in_portfolio | set(frame["project_id"]))
    for project_id, group, original in (
        *((p, g, budgets.get(p, 0.0)) for p, g in frame.groupby("project_id", sort=True)),
        ("", frame, portfolio_budget),
    ):
        monthly = group.groupby("month")["budget_delta"].sum().reindex(months, fill_value=0.0)
        cumulative = monthly.cumsum()
        for month, delta, total in zip(months, monthly, cumulative, strict=True):
            out.append({"project_id": project_id, "month": month, "budget_delta": float(delta),
                        "cumulative": float(total), "original_budget": float(original),
                        "cumulative_share": float(total) / original if original else None})
    return pd.DataFrame(out, columns=columns)
