"""The headline figures of a plan, each defined once: utilisation, uplift over the ranking baseline,
and the plan's totals split into committed work, new proposals and hires.

Every page, the command line and the recommendation pack take these figures from here, so one plan
shows the same numbers everywhere.

Utilisation of a role in a month
    utilisation = demand / (capacity + hired)
  - demand: FTE of the committed work (active and approved projects) plus the FTE of the proposals the
    plan selects, placed at the start months it chose (committed projects a plan cancels are out);
  - capacity: the snapshot's capacity plan for the role and month;
  - hired: FTE the plan buys for that role and month (0 without hiring).
  So 1.0 means fully used and a plan that hires to cover its demand is at 100 %, not above it. A cell
  is over-allocated when demand exceeds capacity + hired by more than `OVER_TOLERANCE_FTE`.
  With nothing available (capacity + hired = 0): work demanded there gives `math.inf` (shown "∞":
  work for a role nobody supplies), no work gives NaN (not defined, shown as a blank "—"); neither
  is ever an exception.

Uplift over the ranking baseline (`uplift`)
    difference = objective - baseline           (in the objective's unit)
    ratio      = difference / |baseline|        (None when |baseline| <= `ZERO_GUARD`)
  The baseline is the greedy "rank by value density and cut at the budget" plan (`analytics.greedy`).

Plan totals (`plan_totals`)
  Counts and money of a plan split three ways: committed work kept, new proposals selected and hires.
  `*_budget` are full project budgets (what is approved); `*_spend` and `hire_spend` are spend inside the
  plan's horizon only (what budgets and fiscal-year caps count): a project's budget falls over its
  months by the snapshot's spend profile, else evenly (`analytics.prepare.project_month_spend`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.months import month_index, month_text, months_spanned
from analytics.prepare import project_month_spend
from analytics.selection_types import SelectedProject, SelectionResult

OVER_TOLERANCE_FTE = 1e-9   # demand above supply by more than this is an over-allocation
ZERO_GUARD = 1e-9           # a baseline this close to zero has no meaningful ratio


# ---------------------------------------------------------------------------------------------- utilisation


def utilisation(demand_fte: float, capacity_fte: float, hired_fte: float = 0.0) -> float:
    """demand / (capacity + hired); inf with demand and no supply, NaN with neither (module doc)."""
    return float(utilisations(np.array([demand_fte]), np.array([capacity_fte]), np.array([hired_fte]))[0])


def utilisations(demand_fte: np.ndarray | list[float], capacity_fte: np.ndarray | list[float],
                 hired_fte: np.ndarray | list[float] | None = None) -> np.ndarray:
    """`utilisation` of many cells at once (arrays of equal length)."""
    demand = np.asarray(demand_fte, dtype=float)
    capacity = np.asarray(capacity_fte, dtype=float)
    hired = np.zeros_like(demand) if hired_fte is None else np.asarray(hired_fte, dtype=float)
    supply = capacity + hired
    out = np.where(demand > OVER_TOLERANCE_FTE, math.inf, math.nan)
    np.divide(demand, supply, out=out, where=supply > 0)
    return out


def over_fte(demand_fte: np.ndarray, capacity_fte: np.ndarray, hired_fte: np.ndarray | None = None) -> np.ndarray:
    """FTE demanded beyond capacity + hired (0 where it fits)."""
    supply = np.asarray(capacity_fte, dtype=float) + (0.0 if hired_fte is None else np.asarray(hired_fte, dtype=float))
    return np.clip(np.asarray(demand_fte, dtype=float) - supply, 0.0, None)


def result_utilisation(result: SelectionResult) -> pd.DataFrame:
    """One optimiser result's role x month cells: role, month, demand_fte, capacity_fte, hired_fte,
    utilisation, over_fte, over_allocated (its own load, capacity and hires; by role, then month)."""
    records = []
    for role in sorted(set(result.load) | set(result.capacity)):
        demand, capacity, hired = result.load.get(role, {}), result.capacity.get(role, {}), result.hires.get(role, {})
        for month in sorted(set(demand) | set(capacity)):
            records.append((role, month, float(demand.get(month, 0.0)), float(capacity.get(month, 0.0)),
                            float(hired.get(month, 0.0))))
    cells = pd.DataFrame.from_records(records, columns=["role", "month", "demand_fte", "capacity_fte", "hired_fte"])
    return with_utilisation(cells)


def with_utilisation(cells: pd.DataFrame) -> pd.DataFrame:
    """`cells` (demand_fte, capacity_fte and optionally hired_fte per row) with utilisation, over_fte and
    over_allocated added (hired_fte added as 0 when missing)."""
    out = cells.copy()
    if "hired_fte" not in out.columns:
        out["hired_fte"] = 0.0
    demand, capacity, hired = (out[c].to_numpy(dtype=float) for c in ("demand_fte", "capacity_fte", "hired_fte"))
    out["utilisation"] = utilisations(demand, capacity, hired)
    out["over_fte"] = over_fte(demand, capacity, hired)
    out["over_allocated"] = out["over_fte"] > OVER_TOLERANCE_FTE
    return out


# ---------------------------------------------------------------------------------------------- uplift


@dataclass(frozen=True)
class Uplift:
    """A plan's objective against the ranking baseline's."""

    difference: float | None   # objective - baseline; None when either is unknown
    ratio: float | None        # difference / |baseline|; None also when the baseline is (close to) zero


def uplift(objective: float | None, baseline: float | None) -> Uplift:
    """Uplift of `objective` over `baseline` as a difference and a ratio, with one zero guard."""
    if objective is None or baseline is None or not (math.isfinite(objective) and math.isfinite(baseline)):
        return Uplift(None, None)
    difference = float(objective) - float(baseline)
    ratio = difference / abs(baseline) if abs(baseline) > ZERO_GUARD else None
    return Uplift(difference, ratio)


# ---------------------------------------------------------------------------------------------- totals


@dataclass(frozen=True)
class PlanTotals:
    """A plan's counts and money, split into committed work, new proposals and hires (module doc)."""

    committed_count: int      # committed projects the plan keeps
    new_count: int            # proposals the plan selects
    committed_budget: float   # full budgets of the committed projects kept
    new_budget: float         # full budgets of the new proposals (what the committee approves)
    committed_spend: float    # spend of committed work inside the horizon
    new_spend: float          # spend of the new proposals inside the horizon
    hire_spend: float         # cost of the FTE hired (all inside the horizon)
    total_spend: float        # committed_spend + new_spend + hire_spend: what the budget counts

    @property
    def project_count(self) -> int:
        return self.committed_count + self.new_count


def project_spend_by_month(selected: Iterable[SelectedProject], spend_profile: pd.DataFrame | None = None
                           ) -> dict[str, dict[str, float]]:
    """project_id -> {"YYYY-MM": spend} over each project's months, from its start month as placed."""
    projects = list(selected)
    if not projects:
        return {}
    frame = pd.DataFrame({
        "project_id": [p.project_id for p in projects],
        "duration_months": [max(months_spanned(p.start_month, p.end_month), 1) for p in projects],
        "budget": [float(p.cost) for p in projects],
    })
    first = {p.project_id: month_index(p.start_month) for p in projects}
    spend = project_month_spend(frame, spend_profile)
    out: dict[str, dict[str, float]] = {}
    for pid, offset, amount in zip(spend["project_id"], spend["month_offset"], spend["spend"], strict=True):
        out.setdefault(str(pid), {})[month_text(first[str(pid)] + int(offset))] = float(amount)
    return out


def plan_totals(result: SelectionResult, spend_profile: pd.DataFrame | None = None) -> PlanTotals:
    """The totals of one result; `spend_profile` is the snapshot's (None: every project spends evenly)."""
    horizon = set(result.spend_by_month)
    by_month = project_spend_by_month(result.selected, spend_profile)

    def spend(projects: list[SelectedProject]) -> float:
        return float(sum(v for p in projects for m, v in by_month.get(p.project_id, {}).items() if m in horizon))

    committed = [p for p in result.selected if p.committed]
    new = [p for p in result.selected if not p.committed]
    committed_spend, new_spend = spend(committed), spend(new)
    return PlanTotals(
        committed_count=len(committed),
        new_count=len(new),
        committed_budget=float(sum(p.cost for p in committed)),
        new_budget=float(sum(p.cost for p in new)),
        committed_spend=committed_spend,
        new_spend=new_spend,
        hire_spend=float(result.hire_cost),
        total_spend=committed_spend + new_spend + float(result.hire_cost),
    )
