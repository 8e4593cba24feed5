"""Selection under uncertainty: how often each proposal is chosen across sampled futures, and a budget
that holds with a given probability.

- `selection_frequency`: draw K futures of every project's budget, expected benefit and duration
  (analytics.simulation.sample: triangular three-point estimates, category overrun priors, optional
  one-factor correlation), re-optimise each with the same parameters, and count in how many futures
  each project is selected. With no spread every future is the plan itself: frequencies are exactly
  1.0 for the plan's projects and 0.0 for the others.
- `chance_constrained`: a sample-based budget tightening (docs/uncertainty.md). With S sampled futures
  of the budgets, solve with a working budget B' <= B, measure on the S futures the share in which the
  chosen portfolio's cost inside the horizon stays within B, and bisect B' for the largest one whose
  share is >= the confidence. The portfolio returned is therefore the best the optimiser finds among
  those whose sampled probability of staying within B meets the confidence (an approximation of the
  chance-constrained optimum: it restricts the search to the optimiser's answers at reduced budgets).

Projects with a spend profile keep their most likely duration in re-optimised futures (a profile is
tied to its months); their budget and benefit are still sampled.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput
from analytics.months import month_index
from analytics.selection import optimise
from analytics.selection_types import PortfolioData, SelectionParams, SelectionResult
from analytics.simulation import SimulationInput, horizon_shares, sample

Progress = Callable[[int, int], None]   # (done, total)
BISECTION_STEPS = 10


def _future(data: PortfolioData, inp: SimulationInput, drawn: dict[str, np.ndarray], k: int) -> PortfolioData:
    projects = data.projects.copy()
    projects["budget"] = drawn["budget"][k]
    projects["expected_benefit"] = drawn["benefit"][k]
    profiled = set() if data.spend_profile is None else set(data.spend_profile["project_id"].astype(str))
    keep = projects["project_id"].astype(str).isin(profiled).to_numpy()
    projects["duration_months"] = np.where(keep, projects["duration_months"],
                                           np.maximum(drawn["duration"][k], 1)).astype(int)
    return dataclasses.replace(data, projects=projects)


def selection_frequency(data: PortfolioData, params: SelectionParams, inp: SimulationInput, futures: int, seed: int,
                        correlation: float = 0.0, progress: Progress | None = None) -> dict[str, float]:
    """project_id -> share of the K re-optimised futures that select it (every project of `data`).

    `inp` must describe `data.projects` in the same order. Futures without a solution count as
    selecting nothing (their number is the share missing from every project).
    """
    if futures < 1:
        raise InvalidInput(f"futures {futures}", key="simulation.bad_runs", value=str(futures))
    ids = list(data.projects["project_id"].astype(str))
    if tuple(ids) != inp.project_ids:
        raise InvalidInput("simulation input does not match the portfolio", key="simulation.mismatch")
    drawn = sample(inp, futures, np.random.default_rng(seed), correlation)
    counts = dict.fromkeys(ids, 0)
    for k in range(futures):
        result = optimise(_future(data, inp, drawn, k), params)
        if result.has_solution:
            for p in result.selected:
                counts[p.project_id] += 1
        if progress is not None:
            progress(k + 1, futures)
    return {pid: counts[pid] / futures for pid in ids}


@dataclass(frozen=True)
class ChanceResult:
    result: SelectionResult            # the portfolio chosen (solved at `working_budget`)
    working_budget: float              # B': the budget the optimiser was given
    budget: float                      # B: the budget that must hold with `confidence`
    confidence: float
    p_within_budget: float             # on the S sampled futures
    samples: int
    solves: int


def portfolio_costs(data: PortfolioData, params: SelectionParams, inp: SimulationInput, result: SelectionResult,
                    budgets: np.ndarray) -> np.ndarray:
    """Per sampled future (rows of `budgets`, columns as `inp`), the result's cost inside the horizon."""
    position = {pid: i for i, pid in enumerate(inp.project_ids)}
    chosen = [p for p in result.selected if p.project_id in position]
    if not chosen:
        return np.zeros(len(budgets))
    columns = np.array([position[p.project_id] for p in chosen])
    horizon_start = month_index(params.horizon_start)
    start = np.array([month_index(p.start_month) - horizon_start for p in chosen])
    rows = data.projects.set_index(data.projects["project_id"].astype(str)).loc[[p.project_id for p in chosen]]
    frame = pd.DataFrame({"project_id": [p.project_id for p in chosen],
                          "duration_months": rows["duration_months"].to_numpy(dtype=int),
                          "budget": rows["budget"].to_numpy(dtype=float)})
    share = horizon_shares(frame, data.spend_profile, start, params.horizon_months)
    return budgets[:, columns] @ share


def chance_constrained(data: PortfolioData, params: SelectionParams, inp: SimulationInput, confidence: float,
                       samples: int = 2000, seed: int = 1, correlation: float = 0.0,
                       progress: Progress | None = None) -> ChanceResult:
    """The best portfolio found whose cost stays within params.budget in >= `confidence` of S futures."""
    if params.budget is None:
        raise InvalidInput("a budget confidence needs a budget", key="simulation.confidence_needs_budget")
    if not 0.0 < confidence < 1.0:
        raise InvalidInput(f"confidence {confidence}", key="simulation.bad_confidence", value=str(confidence))
    budgets = sample(inp, samples, np.random.default_rng(seed), correlation)["budget"]
    limit = float(params.budget)

    def attempt(working: float) -> tuple[SelectionResult, float]:
        result = optimise(data, dataclasses.replace(params, budget=working))
        if not result.has_solution:
            return result, 0.0
        return result, float(np.mean(portfolio_costs(data, params, inp, result, budgets) <= limit * (1 + 1e-12)))

    best: tuple[SelectionResult, float, float] | None = None
    low, high, solves = 0.0, limit, 0
    for step in range(BISECTION_STEPS + 1):
        working = limit if step == 0 else (low + high) / 2
        result, share = attempt(working)
        solves += 1
        if progress is not None:
            progress(step + 1, BISECTION_STEPS + 1)
        if share >= confidence:
            if best is None or (result.objective or 0.0) > (best[0].objective or 0.0):
                best = (result, working, share)
            if step == 0:
                break   # the plain optimum already holds with the confidence asked
            low = working
        else:
            high = working
    if best is None:  # even tiny budgets miss: the committed work alone breaks B too often
        result, share = attempt(0.0)
        best = (result, 0.0, share)
    return ChanceResult(best[0], best[1], limit, confidence, best[2], samples, solves)
