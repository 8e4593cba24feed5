"""The greedy baseline: what a rank-and-cut-off method achieves under the same constraints.

A PMO's usual method ranks proposals by value per cost and funds them down the list until money or
people run out. `greedy_baseline` does exactly that, but honestly: mandatory and forced-in work
first, then the rest by value per unit of budget (zero-budget proposals, which a money ranking cannot
order, by value per share of the role capacity they use); each proposal goes in at its earliest start
that keeps every constraint of the model (`analytics.fit`), and passes repeat until nothing more fits
(a dependency or category share may open up later). Proposals worth nothing are not added.
The result is shown beside the optimum so the uplift of optimising is visible.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.errors import OptimizationError
from analytics.fit import FitState
from analytics.months import month_text
from analytics.prepare import Prepared, prepare
from analytics.selection import MONEY_OBJECTIVES
from analytics.selection_types import PortfolioData, SelectionParams

MAX_PASSES = 50


@dataclass(frozen=True)
class GreedyResult:
    objective: float                      # same definition as SelectionResult.objective
    selected: tuple[str, ...]             # new work chosen (committed work is always in)
    cost: float                           # spend inside the horizon incl. committed work and hires
    starts: Mapping[str, str] = field(default_factory=dict)   # project -> start month "YYYY-MM"
    hire_cost: float = 0.0
    seconds: float = 0.0


def ranking(prep: Prepared) -> list[str]:
    """Candidates in the order the greedy rule takes them (required first, then value per cost)."""
    cands = prep.candidates()
    cands = cands[~cands["outside_horizon"]]
    required = cands["mandatory"] | cands["forced_in"]
    capacity_share = _capacity_share(prep, cands.index)
    budget = cands["budget"].astype(float)
    per_budget = np.where(budget > 0, cands["value"] / budget.where(budget > 0, 1.0), np.inf)
    per_capacity = cands["value"] / capacity_share.where(capacity_share > 0, 1e-12)
    frame = pd.DataFrame({"required": required, "per_budget": per_budget, "per_capacity": per_capacity,
                          "value": cands["value"]}, index=cands.index)
    frame = frame.sort_values(["required", "per_budget", "per_capacity", "value"], ascending=False, kind="stable")
    return list(frame.index)


def _capacity_share(prep: Prepared, ids: pd.Index) -> pd.Series:
    """Sum over roles of (FTE-months the project needs at its earliest start / the role's capacity)."""
    options = prep.options
    first = options.groupby("project_id")["option"].min()
    load = prep.option_load[prep.option_load["option"].isin(first.to_numpy())]
    capacity = pd.Series(np.nansum(np.where(np.isfinite(prep.capacity), prep.capacity, 0.0), axis=1), index=list(prep.roles))
    per_role = load.groupby(["option", "role"])["fte"].sum().reset_index()
    per_role["share"] = per_role["fte"] / per_role["role"].map(capacity).where(lambda c: c > 0, np.nan)
    share = per_role.groupby("option")["share"].sum()
    by_project = pd.Series(first.map(share).fillna(0.0).to_numpy(), index=first.index)
    return by_project.reindex(ids).fillna(0.0)


def greedy_baseline(data: PortfolioData, params: SelectionParams) -> GreedyResult:
    """Rank and fund greedily; raises OptimizationError if required work or a category minimum cannot be met."""
    started = time.perf_counter()
    prep = prepare(data, params)
    state = FitState(prep)
    order = ranking(prep)
    options_of = prep.options.groupby("project_id")["option"].apply(list).to_dict()
    chosen: list[int] = []
    remaining = [pid for pid in order if pid in options_of]
    cands = prep.candidates()
    worthless = ((cands["value"] <= 0) & ~(cands["mandatory"] | cands["forced_in"])).to_dict()
    for _ in range(MAX_PASSES):
        added = False
        for pid in list(remaining):
            if worthless.get(pid, False):
                remaining.remove(pid)
                continue
            option = next((o for o in options_of[pid] if not state.violations(o)), None)
            if option is not None:
                state.add(option)
                chosen.append(option)
                remaining.remove(pid)
                added = True
        if not added:
            break
    _check_required(prep, state)
    return _result(prep, state, chosen, time.perf_counter() - started)


def _check_required(prep: Prepared, state: FitState) -> None:
    cands = prep.candidates()
    required = cands.index[(cands["mandatory"] | cands["forced_in"]).to_numpy(dtype=bool)]
    missing = [pid for pid in required if pid not in state.start]
    if missing:
        raise OptimizationError(f"greedy could not place required work {missing}", key="explain.greedy_unplaced",
                                projects=", ".join(missing))
    total = sum(state.category_spend.values())
    for category, low in prep.params.category_min_share.items():
        share = state.category_spend.get(category, 0.0) / total if total > 0 else 0.0
        if share < low - 1e-7:
            raise OptimizationError(f"greedy leaves category {category} below its minimum share",
                                    key="explain.greedy_category", category=category)


def _result(prep: Prepared, state: FitState, chosen: list[int], seconds: float) -> GreedyResult:
    options = prep.options.iloc[chosen]
    hire_cost = float(state.hire_spend().sum())
    money = prep.params.objective in MONEY_OBJECTIVES
    objective = float(options["value"].sum()) + prep.committed_value - (hire_cost if money else 0.0)
    starts = {str(p): month_text(prep.horizon_start + int(t)) for p, t in zip(options["project_id"], options["t"], strict=True)}
    return GreedyResult(objective=objective, selected=tuple(options["project_id"].astype(str)), cost=state.total_spend(),
                        starts=starts, hire_cost=hire_cost, seconds=seconds)
