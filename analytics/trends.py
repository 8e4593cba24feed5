"""Delivery trends across snapshots: CPI/SPI over time, health moves, scope creep, milestones, slips.

The cross-snapshot joins are done in SQL (`store.delivery.snapshot_series`, `portfolio_series`,
`compare_with_previous`); this module takes those frames and computes:

- `evm_trend`: CPI, SPI (and the other EVM figures) per row of a series, per project or portfolio.
- `health_moves`: projects whose health is worse than in the previous snapshot (healthy -> watch,
  watch -> critical, healthy -> critical), with the current reasons. Projects new to the delivery
  set have no previous health and are not "moves".
- `scope_changes`: budget (BAC) changes since the previous snapshot, the PMO's scope-creep signal;
  `change_pct` is relative to the previous budget (not defined when it was 0).
- `milestone_hit_rate`: milestones met on time / milestones due, over every report to date (the
  store sums the per-period counts); not defined when nothing was due.
- `finish_slips`: forecast finish now against the previous snapshot's forecast (`slip_days`,
  positive = later) and against the planned finish (`late_days` = forecast - planned finish).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput
from analytics.evm import EacMethod, evm_frame
from analytics.health import HEALTH_LEVELS, HealthThresholds, assess_health, health_severity

_PREV_EVM = ("planned_value", "earned_value", "actual_cost", "budget")


def _require(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInput(f"missing columns {missing}", key="delivery.error.columns", columns=", ".join(missing))


def evm_trend(series: pd.DataFrame, method: EacMethod = "cpi") -> pd.DataFrame:
    """The series with EVM figures per row (NaN = not defined), plus milestone_hit_rate if it has
    milestones_due / milestones_met."""
    out = evm_frame(series, method)
    if {"milestones_due", "milestones_met"} <= set(out.columns):
        due = out["milestones_due"].to_numpy(dtype=float)
        met = out["milestones_met"].to_numpy(dtype=float)
        out["milestone_hit_rate"] = np.where(due > 0, met / np.where(due > 0, due, 1.0), np.nan)
    return out


def _previous_view(compared: pd.DataFrame, method: EacMethod) -> pd.DataFrame:
    """The previous snapshot's figures under the current column names, for the health rule."""
    previous = pd.DataFrame(index=compared.index)
    for column in ("budget", "status", "has_report", "planned_value", "earned_value", "actual_cost", "rag",
                   "open_risks", "milestones_due", "milestones_met", "milestones_missed"):
        previous[column] = compared[f"prev_{column}"]
    previous["budget"] = previous["budget"].fillna(0.0)
    previous["has_report"] = previous["has_report"].fillna(False).astype(bool)
    return evm_frame(previous, method)


def health_moves(
    compared: pd.DataFrame, thresholds: HealthThresholds | None = None, method: EacMethod = "cpi"
) -> pd.DataFrame:
    """Projects of `compare_with_previous` whose health is worse now than in the previous snapshot.

    Columns: the current assessed row (health, severity, reasons, cpi, spi ...) plus prev_health and
    prev_severity; worst move first (largest jump, then current severity).
    """
    _require(compared, ("project_id", "in_previous", *(f"prev_{c}" for c in _PREV_EVM)))
    current = assess_health(evm_frame(compared, method), thresholds)
    prev_severity = health_severity(_previous_view(compared, method), thresholds)
    current["prev_severity"] = prev_severity
    current["prev_health"] = [HEALTH_LEVELS[s] for s in prev_severity]
    moved = current[current["in_previous"].astype(bool) & (current["severity"] > current["prev_severity"])]
    jump = moved["severity"] - moved["prev_severity"]
    order = moved.assign(_jump=jump).sort_values(["_jump", "severity", "project_id"], ascending=[False, False, True])
    return order.drop(columns="_jump").reset_index(drop=True)


def scope_changes(compared: pd.DataFrame) -> pd.DataFrame:
    """Projects whose budget changed since the previous snapshot, largest absolute change first.

    Columns: project_id, name, prev_budget, budget, change, change_pct (NaN when prev_budget is 0).
    """
    _require(compared, ("project_id", "budget", "prev_budget"))
    known = compared[compared["prev_budget"].notna()]
    change = known["budget"].astype(float) - known["prev_budget"].astype(float)
    changed = known.assign(change=change)[change.abs() > 1e-9]
    prev = changed["prev_budget"].to_numpy(dtype=float)
    changed = changed.assign(change_pct=np.where(prev != 0, changed["change"] / np.where(prev != 0, prev, 1.0), np.nan))
    columns = [c for c in ("project_id", "name", "prev_budget", "budget", "change", "change_pct") if c in changed]
    ordered = changed.assign(_size=changed["change"].abs()).sort_values(["_size", "project_id"], ascending=[False, True])
    return ordered[columns].reset_index(drop=True)


def milestone_hit_rate(frame: pd.DataFrame) -> float | None:
    """Sum of milestones met over sum due; None when nothing was due."""
    _require(frame, ("milestones_due", "milestones_met"))
    due = float(pd.to_numeric(frame["milestones_due"], errors="coerce").sum())
    met = float(pd.to_numeric(frame["milestones_met"], errors="coerce").sum())
    return met / due if due > 0 else None


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    delta = pd.to_datetime(later) - pd.to_datetime(earlier)
    return delta.dt.days.astype("Float64")


def finish_slips(compared: pd.DataFrame) -> pd.DataFrame:
    """Forecast-finish movement per project with a forecast now: slip_days against the previous
    snapshot's forecast (NA if none) and late_days against the planned finish. Biggest slip first."""
    _require(compared, ("project_id", "forecast_finish", "prev_forecast_finish", "planned_finish"))
    with_forecast = compared[compared["forecast_finish"].notna()].copy()
    with_forecast["slip_days"] = _days(with_forecast["forecast_finish"], with_forecast["prev_forecast_finish"])
    with_forecast["late_days"] = _days(with_forecast["forecast_finish"], with_forecast["planned_finish"])
    columns = [c for c in ("project_id", "name", "planned_finish", "prev_forecast_finish", "forecast_finish",
                           "slip_days", "late_days") if c in with_forecast]
    ordered = with_forecast.sort_values(["slip_days", "late_days"], ascending=False, na_position="last")
    return ordered[columns].reset_index(drop=True)


@dataclass(frozen=True)
class SnapshotChange:
    """Headline changes of one snapshot against the previous one (for the delivery page)."""

    worsened_count: int
    scope_change_total: float       # sum of budget changes of projects in both snapshots
    scope_changed_count: int
    slipped_count: int               # forecast finish later than in the previous snapshot
    mean_slip_days: float | None     # over the slipped projects


def snapshot_change(compared: pd.DataFrame, thresholds: HealthThresholds | None = None) -> SnapshotChange:
    moves = health_moves(compared, thresholds)
    scope = scope_changes(compared)
    slips = finish_slips(compared)
    slipped = slips[slips["slip_days"].fillna(0) > 0]
    return SnapshotChange(
        worsened_count=len(moves),
        scope_change_total=float(scope["change"].sum()) if len(scope) else 0.0,
        scope_changed_count=len(scope),
        slipped_count=len(slipped),
        mean_slip_days=float(slipped["slip_days"].mean()) if len(slipped) else None,
    )
