"""Compare any two snapshots: projects added and removed, status, budget, schedule and score changes.

Input: `store.snapshot_diff.compare_projects` rows (the later snapshot's figures, the earlier one's
as `prev_*`, `in_from` / `in_to`) and each snapshot's strategic scores. Definitions:
- *added*: in the later snapshot only; *removed*: in the earlier one only; *changed*: in both with
  any of the changes below; *unchanged*: in both without.
- status change: `prev_status` differs from `status`.
- budget change: `analytics.trends.scope_changes` (budget - prev_budget, and its share of prev_budget),
  the same rule the Delivery page applies to consecutive snapshots.
- schedule change: the planned finish month (`analytics.finish.planned_finish_month`: start month +
  duration - 1) moved (`finish_move_months`, later positive), or the latest forecast finish moved
  (`slip_days`, from `analytics.trends.finish_slips`).
- score change: the 0-100 strategic score moved by more than `SCORE_TOLERANCE` points.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.errors import InvalidInput
from analytics.finish import planned_finish_month
from analytics.months import first_day, month_index, months_between
from analytics.trends import finish_slips, scope_changes

SCORE_TOLERANCE = 0.05  # score points: moves this small are rounding, not a change
CHANGE_KINDS: tuple[str, ...] = ("added", "removed", "changed", "unchanged")
COLUMNS: tuple[str, ...] = (
    "project_id", "name", "change", "prev_status", "status", "status_changed", "prev_budget", "budget",
    "budget_change", "budget_change_pct", "prev_planned_finish", "planned_finish", "finish_move_months",
    "prev_forecast_finish", "forecast_finish", "slip_days", "prev_score", "score", "score_change",
)


@dataclass(frozen=True)
class SnapshotDiff:
    table: pd.DataFrame  # one row per project of either snapshot (COLUMNS), added, removed, changed, unchanged
    counts: dict[str, int]  # added, removed, changed, unchanged, status_changed, budget_changed, schedule_changed, score_changed
    budget_change_total: float  # Σ budget change over projects in both


def _finish(start: object, duration: object) -> str | None:
    if start is None or pd.isna(start) or duration is None or pd.isna(duration):
        return None
    return planned_finish_month(start, int(duration))


def snapshot_diff(compared: pd.DataFrame, prev_scores: pd.Series | None = None,
                  scores: pd.Series | None = None) -> SnapshotDiff:
    needed = ("project_id", "name", "in_from", "in_to", "status", "prev_status", "budget", "prev_budget",
              "start_month", "prev_start_month", "duration_months", "prev_duration_months", "forecast_finish",
              "prev_forecast_finish")
    missing = [c for c in needed if c not in compared.columns]
    if missing:
        raise InvalidInput(f"missing columns {missing}", key="diff.error.columns", columns=", ".join(missing))
    rows = compared.copy()
    rows["planned_finish"] = [_finish(s, d) for s, d in zip(rows["start_month"], rows["duration_months"], strict=True)]
    rows["prev_planned_finish"] = [_finish(s, d) for s, d in
                                   zip(rows["prev_start_month"], rows["prev_duration_months"], strict=True)]
    both = rows[rows["in_from"].astype(bool) & rows["in_to"].astype(bool)]
    budget = scope_changes(both).set_index("project_id")
    slips = finish_slips(both.assign(planned_finish=[None if m is None else first_day(month_index(m))
                                                     for m in both["planned_finish"]])).set_index("project_id")
    prev_scores = prev_scores if prev_scores is not None else pd.Series(dtype=float)
    scores = scores if scores is not None else pd.Series(dtype=float)
    out = pd.DataFrame({
        "project_id": rows["project_id"], "name": rows["name"],
        "prev_status": rows["prev_status"], "status": rows["status"],
        "prev_budget": rows["prev_budget"], "budget": rows["budget"],
        "prev_planned_finish": rows["prev_planned_finish"], "planned_finish": rows["planned_finish"],
        "prev_forecast_finish": rows["prev_forecast_finish"], "forecast_finish": rows["forecast_finish"],
    })
    pid = out["project_id"]
    in_both = (rows["in_from"].astype(bool) & rows["in_to"].astype(bool)).to_numpy()
    out["status_changed"] = in_both & (rows["prev_status"] != rows["status"]).to_numpy()
    out["budget_change"] = pid.map(budget["change"]).astype(float)
    out["budget_change_pct"] = pid.map(budget["change_pct"]).astype(float)
    out["finish_move_months"] = [
        months_between(a, b) if both_in and a is not None and b is not None else None
        for both_in, a, b in zip(in_both, out["prev_planned_finish"], out["planned_finish"], strict=True)
    ]
    out["slip_days"] = pid.map(slips["slip_days"]) if len(slips) else None
    out["prev_score"] = pid.map(prev_scores).astype(float)
    out["score"] = pid.map(scores).astype(float)
    out["score_change"] = (out["score"] - out["prev_score"]).where(in_both)
    moved_finish = out["finish_move_months"].fillna(0).astype(float) != 0
    slipped = pd.to_numeric(out["slip_days"], errors="coerce").fillna(0) != 0
    schedule = moved_finish | slipped
    score = out["score_change"].abs().fillna(0) > SCORE_TOLERANCE
    budget_moved = out["budget_change"].notna()
    changed = out["status_changed"] | budget_moved | schedule | score
    out["change"] = [
        "added" if not f else "removed" if not t else "changed" if c else "unchanged"
        for f, t, c in zip(rows["in_from"].astype(bool), rows["in_to"].astype(bool), changed, strict=True)
    ]
    order = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    out = out.assign(_order=out["change"].map(order)).sort_values(["_order", "project_id"]).drop(columns="_order")
    counts = {kind: int((out["change"] == kind).sum()) for kind in CHANGE_KINDS}
    counts |= {"status_changed": int(out["status_changed"].sum()), "budget_changed": int(budget_moved.sum()),
               "schedule_changed": int((schedule & in_both).sum()), "score_changed": int((score & in_both).sum())}
    return SnapshotDiff(out[list(COLUMNS)].reset_index(drop=True), counts,
                        float(out["budget_change"].sum()) if budget_moved.any() else 0.0)
