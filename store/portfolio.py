"""What the optimiser needs from one snapshot, read and typed: `load_portfolio`.

Months become "YYYY-MM" strings, `depends_on` a list of ids, `mandatory` a bool. Strategic values
come from the strategy area: the weights of `weight_set_id` if given (it must belong to the
snapshot), else the snapshot's active weight set or, without one, the objectives file's weights
(`store.weights.active_weights`); then `analytics.scoring.strategic_value` (0-100, missing scores 0).
A snapshot without objectives gives every project a strategic value of 0. The optional spend
profile (project_id, month_offset, planned_spend) is passed on as it is, or None when the snapshot
has no profile rows (every budget is then spread evenly); so are the optional cash flows (objective npv).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics.scoring import strategic_value
from analytics.selection_types import PortfolioData
from store.errors import NotFound
from store.snapshots import get_snapshot, read_table
from store.weights import active_weights, get_weight_set


def load_portfolio(con: duckdb.DuckDBPyConnection, snapshot_id: int, weight_set_id: int | None = None) -> PortfolioData:
    """The snapshot's projects, demand, capacity and strategic values, ready for `analytics.selection`."""
    snapshot = get_snapshot(con, snapshot_id)
    projects = _projects(read_table(con, "projects", snapshot_id))
    demand = read_table(con, "demand", snapshot_id)[["project_id", "role", "month_offset", "fte"]]
    capacity = read_table(con, "capacity", snapshot_id)[["role", "month", "capacity_fte", "hire_cost_per_fte_month"]]
    capacity = capacity.assign(month=[_month(m) for m in capacity["month"]])
    weights = _weights(con, snapshot_id, weight_set_id)
    values: dict[str, float] = {}
    if weights:
        scores = read_table(con, "project_scores", snapshot_id)[["project_id", "objective_id", "score"]]
        values = strategic_value(scores, weights, projects["project_id"]).astype(float).to_dict()
    profile = read_table(con, "spend_profile", snapshot_id)[["project_id", "month_offset", "planned_spend"]]
    flows = read_table(con, "cash_flows", snapshot_id)[["project_id", "month_offset", "cost", "benefit"]]
    return PortfolioData(
        projects=projects, strategic_value=values, demand=demand.reset_index(drop=True),
        capacity=capacity.reset_index(drop=True), as_of=_month(snapshot.as_of),
        spend_profile=None if profile.empty else profile.reset_index(drop=True),
        cash_flows=None if flows.empty else flows.reset_index(drop=True),
    )


def _weights(con: duckdb.DuckDBPyConnection, snapshot_id: int, weight_set_id: int | None) -> dict[str, float]:
    if weight_set_id is None:
        return active_weights(con, snapshot_id)[1]
    chosen = get_weight_set(con, weight_set_id)
    if chosen.snapshot_id != snapshot_id:
        raise NotFound(f"weight set {weight_set_id} is not in snapshot {snapshot_id}",
                       what=f"weight set {weight_set_id} / snapshot {snapshot_id}")
    total = sum(chosen.weights.values())
    return {k: v / total for k, v in chosen.weights.items()} if total > 0 else {}


def _projects(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index(drop=True)

    def column(values: list[Any]) -> pd.Series:
        # object dtype keeps None as None (a string dtype would turn it into NaN)
        return pd.Series(values, index=out.index, dtype=object)

    out["start_month"] = column([_month(m) for m in out["start_month"]])
    out["latest_start_month"] = column([_month(m) for m in out["latest_start_month"]])
    out["depends_on"] = column([_ids(v) for v in out["depends_on"]])
    out["mandatory"] = out["mandatory"].fillna(False).astype(bool)
    out["exclusive_group"] = column([None if _blank(g) else str(g) for g in out["exclusive_group"]])
    out["category"] = column([None if _blank(c) else str(c) for c in out["category"]])
    return out


def _month(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, dt.date | pd.Timestamp):
        return f"{value.year:04d}-{value.month:02d}"
    return str(value)[:7]


def _ids(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [str(v) for v in list(value) if str(v).strip()]


def _blank(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()
