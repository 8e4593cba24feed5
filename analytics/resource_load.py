"""Resource load: demand against capacity per role and month, utilisation and over-allocation.

Inputs are frames of (role, month, demand_fte) and (role, month, capacity_fte); months may be
dates or "YYYY-MM" strings and come out as "YYYY-MM". Rules:
- The horizon is every month from the first to the last month of the capacity plan (or the months
  given). Demand outside it is not shown, but its totals are reported apart: after the last month
  shown (`after_horizon_fte_months`, work still to come) and before the first (`before_horizon_fte_months`,
  usually months already past); `outside_horizon_fte_months` is their sum.
- Inside the horizon a role/month without a capacity row has capacity 0: work planned for a role
  nobody supplies is over-allocated, not silently ignored.
- utilisation, over-allocation and `over_fte` (the excess) follow the product's one definition,
  `analytics.metrics`: demand / (capacity + hired), inf for demand with nothing available, NaN for
  neither; hired FTE are the plan's hires (`hires`, none for committed work alone).

Committed load comes from `store.delivery.committed_demand`. A scenario's load adds its selected,
not-yet-committed projects placed at the start months the optimiser chose (`place_demand` on
`project_demand` rows and `scenario_start_months`); if the scenario was allowed to cancel committed
work, the committed projects it did not keep are taken out again (`committed_dropped`); the FTE it
hires add to capacity (`scenario_hires`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analytics.errors import InvalidInput
from analytics.metrics import with_utilisation
from analytics.months import add_months, month_index, month_range, month_text, month_texts
from analytics.selection_types import SelectionResult


def planning_horizon(capacity_months: Iterable[object], start_month: object, months: int) -> list[str]:
    """The window of `months` months from `start_month` (usually the snapshot's month) cut to the
    capacity plan's months; if the window misses the plan, the plan's last (or first) `months` months."""
    if months < 1:
        raise InvalidInput("horizon shorter than a month", key="resources.error.horizon")
    planned = sorted(set(month_texts(capacity_months)))
    if not planned:
        raise InvalidInput("no capacity plan", key="resources.error.no_capacity")
    start = str(month_texts([start_month]).iloc[0])
    if start > planned[-1]:
        return month_range(add_months(planned[-1], 1 - months), planned[-1])
    first = max(start, planned[0])
    last = min(add_months(start, months - 1), planned[-1])
    if first > last:  # the window ends before the plan starts: the plan's first months
        return month_range(planned[0], planned[-1])[:months]
    return month_range(first, last)


@dataclass(frozen=True)
class ResourceLoad:
    """One row per role and month of the horizon: demand_fte, capacity_fte, hired_fte, utilisation,
    over_allocated, over_fte."""

    cells: pd.DataFrame
    roles: tuple[str, ...]
    months: tuple[str, ...]
    before_horizon_fte_months: float     # demand in months before the first month shown
    after_horizon_fte_months: float      # demand in months after the last month shown

    @property
    def outside_horizon_fte_months(self) -> float:
        return self.before_horizon_fte_months + self.after_horizon_fte_months

    def over_allocations(self) -> pd.DataFrame:
        """The over-allocated cells, largest excess first."""
        over = self.cells[self.cells["over_allocated"]]
        return over.sort_values(["over_fte", "role", "month"], ascending=[False, True, True]).reset_index(drop=True)

    def matrix(self, column: str = "utilisation") -> pd.DataFrame:
        """role x month table of one column (for the heat map)."""
        return self.cells.pivot(index="role", columns="month", values=column).reindex(
            index=list(self.roles), columns=list(self.months)
        )

    def peak_utilisation(self) -> float | None:
        values = self.cells["utilisation"].dropna()
        return float(values.max()) if len(values) else None


def _check(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    missing = [c for c in ("role", "month", value) if c not in frame.columns]
    if missing:
        raise InvalidInput(f"missing columns {missing}", key="delivery.error.columns", columns=", ".join(missing))
    numbers = pd.to_numeric(frame[value], errors="coerce")
    if (numbers < 0).any():
        raise InvalidInput(f"negative {value}", key="delivery.error.negative")
    out = pd.DataFrame({"role": frame["role"].astype(str), "month": month_texts(frame["month"]).to_numpy(),
                        value: numbers.fillna(0.0).to_numpy(dtype=float)})
    return out.groupby(["role", "month"], as_index=False)[value].sum()


def resource_load(
    demand: pd.DataFrame, capacity: pd.DataFrame, horizon_months: Sequence[str] | None = None,
    hires: pd.DataFrame | None = None,
) -> ResourceLoad:
    """Demand against capacity (plus `hires`: role, month, hired_fte) per role and month over the
    horizon (see module doc)."""
    need = _check(demand, "demand_fte")
    supply = _check(capacity, "capacity_fte")
    hired = _check(hires, "hired_fte") if hires is not None else pd.DataFrame({"role": [], "month": [], "hired_fte": []})
    if horizon_months is not None:
        months = [str(m) for m in month_texts(horizon_months)]
    elif len(supply):
        months = month_range(supply["month"].min(), supply["month"].max())
    else:
        raise InvalidInput("no capacity plan", key="resources.error.no_capacity")
    roles = sorted(set(need["role"]) | set(supply["role"]) | set(hired["role"]))
    grid = pd.MultiIndex.from_product([roles, months], names=["role", "month"]).to_frame(index=False)
    cells = (grid.merge(need, on=["role", "month"], how="left").merge(supply, on=["role", "month"], how="left")
             .merge(hired, on=["role", "month"], how="left"))
    cells = with_utilisation(cells.fillna({"demand_fte": 0.0, "capacity_fte": 0.0, "hired_fte": 0.0}))
    # "YYYY-MM" strings order as months do; months inside a gap of the horizon count as neither.
    first, last = (min(months), max(months)) if months else ("", "")
    before = float(need.loc[need["month"] < first, "demand_fte"].sum())
    after = float(need.loc[need["month"] > last, "demand_fte"].sum()) if months else 0.0
    return ResourceLoad(cells=cells, roles=tuple(roles), months=tuple(months),
                        before_horizon_fte_months=before, after_horizon_fte_months=after)


def place_demand(rows: pd.DataFrame, start_months: Mapping[str, object]) -> pd.DataFrame:
    """Demand per role and calendar month of projects started at `start_months` (project -> month).

    `rows` has project_id, role, month_offset, fte; projects not in `start_months` are ignored.
    """
    missing = [c for c in ("project_id", "role", "month_offset", "fte") if c not in rows.columns]
    if missing:
        raise InvalidInput(f"missing columns {missing}", key="delivery.error.columns", columns=", ".join(missing))
    wanted = rows[rows["project_id"].isin(list(start_months))]
    if wanted.empty:
        return pd.DataFrame({"role": [], "month": [], "demand_fte": []})
    starts = {pid: month_index(m) for pid, m in start_months.items()}
    start = wanted["project_id"].map(starts)
    months = [month_text(s + int(o)) for s, o in zip(start, wanted["month_offset"], strict=True)]
    placed = pd.DataFrame({"role": wanted["role"].to_numpy(), "month": months, "demand_fte": wanted["fte"].to_numpy(dtype=float)})
    return placed.groupby(["role", "month"], as_index=False)["demand_fte"].sum()


def add_demand(*frames: pd.DataFrame, subtract: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cell-wise sum of demand frames (role, month, demand_fte), minus `subtract` if given."""
    parts = [f.assign(month=month_texts(f["month"]).to_numpy()) for f in frames if len(f)]
    if subtract is not None and len(subtract):
        parts.append(subtract.assign(month=month_texts(subtract["month"]).to_numpy(), demand_fte=-subtract["demand_fte"]))
    if not parts:
        return pd.DataFrame({"role": [], "month": [], "demand_fte": []})
    total = pd.concat(parts, ignore_index=True).groupby(["role", "month"], as_index=False)["demand_fte"].sum()
    total["demand_fte"] = total["demand_fte"].clip(lower=0.0)  # rounding of a subtraction, never below 0
    return total


def scenario_start_months(result: SelectionResult, committed_ids: Iterable[str]) -> dict[str, str]:
    """Start month ("YYYY-MM") of each project the scenario adds to the committed work."""
    committed = set(committed_ids)
    return {p.project_id: p.start_month for p in result.selected if p.project_id not in committed and not p.committed}


def scenario_hires(result: SelectionResult) -> pd.DataFrame:
    """The FTE a scenario hires: role, month, hired_fte (rows with FTE only)."""
    rows = [(role, month, float(fte)) for role, months in result.hires.items() for month, fte in months.items() if fte > 0]
    return pd.DataFrame.from_records(rows, columns=["role", "month", "hired_fte"])


def committed_dropped(result: SelectionResult, committed_ids: Iterable[str], allow_cancel_committed: bool) -> list[str]:
    """Committed projects the scenario cancelled (only possible when it was allowed to)."""
    if not allow_cancel_committed:
        return []
    kept = {p.project_id for p in result.selected}
    return sorted(set(committed_ids) - kept)
