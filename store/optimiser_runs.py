"""One optimiser run, from parameters to a scenario payload, with every solve in the decision log.

The Optimiser page and `cli.py optimize` both run the optimiser through `run_optimiser`:
solve -> log the solve -> rank-and-cut-off baseline -> explain what was left out (-> marginal values
and the efficient frontier when `analyses` is asked for). The follow-up analyses of a run
(`add_prices`, `add_marginal_values`, `add_frontier`) and `complete_analyses` (what a scenario needs
before it is saved: marginal values and frontier, computed when missing) live here too, so a scenario
saved from the page and one saved by the CLI carry the same things and their packs read alike.

Why in `store/`: each step appends to the decision log in the same DuckDB file, and only `store/`
touches the database. The maths stays in `analytics/` (selection, greedy, explain, marginal, frontier
are pure); this module only sequences them, logs them and assembles the typed `ScenarioPayload`.
Nothing here knows about Streamlit: progress is reported through an optional callback
`progress(step, values)` with step one of `STEPS`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import duckdb

from analytics import explain, frontier, greedy, marginal, selection, solver_race
from analytics.errors import AnalyticsError
from analytics.scenario_payload import ScenarioPayload
from analytics.selection_types import LeftOut, PortfolioData, SelectionParams
from store.scenarios import log_analysis, log_number, log_solve, weights_used
from store.users import Actor, require

Progress = Callable[[str, Mapping[str, Any]], None]
# solving {solver} · greedy · explaining · marginal · frontier {i, n} · forcing {i, n, project}
STEPS = ("solving", "greedy", "explaining", "marginal", "frontier", "forcing")
DEFAULT_FRONTIER_POINTS = 12


@dataclass(frozen=True)
class RunOutcome:
    """A run's payload, the decision-log id of its solve and the wall time of the whole pipeline."""

    payload: ScenarioPayload
    log_id: int
    seconds: float


def _say(progress: Progress | None, step: str, **values: Any) -> None:
    if progress is not None:
        progress(step, values)


def run_optimiser(
    con: duckdb.DuckDBPyConnection,
    data: PortfolioData,
    params: SelectionParams,
    *,
    snapshot_id: int,
    actor: Actor | str | None = None,
    analyses: bool = False,
    frontier_points: int = DEFAULT_FRONTIER_POINTS,
    progress: Progress | None = None,
    race: bool = False,
) -> RunOutcome:
    """Solve, log, baseline, explain (and with `analyses` marginal values and frontier); see module doc.

    `race` (CLI and batch runs only): HiGHS and CBC in two processes, the first proof wins
    (analytics/solver_race.py)."""
    actor = require(actor, "optimise")  # before the solve, not only when it is logged
    started = time.perf_counter()
    _say(progress, "solving", solver=params.solver)
    result = solver_race.race_optimise(data, params) if race else selection.optimise(data, params)
    log_id = log_solve(con, snapshot_id=snapshot_id, params=params, result=result, actor=actor)
    payload = ScenarioPayload(result, weights=weights_used(con, params.weight_set_id))
    if result.has_solution:
        _say(progress, "greedy")
        greedy_objective, greedy_cost = _greedy(data, params)
        _say(progress, "explaining")
        payload = replace(payload, greedy_objective=greedy_objective, greedy_cost=greedy_cost,
                          explanations=tuple(explain.explain_left_out(data, params, result)))
        if analyses:
            payload = complete_analyses(con, data, params, payload, snapshot_id=snapshot_id, actor=actor,
                                        frontier_points=frontier_points, progress=progress)
    return RunOutcome(payload, log_id, time.perf_counter() - started)


def _greedy(data: PortfolioData, params: SelectionParams) -> tuple[float | None, float | None]:
    try:
        baseline = greedy.greedy_baseline(data, params)
    except AnalyticsError:
        return None, None  # e.g. mandatory work the greedy rule cannot place: no baseline to show
    return float(baseline.objective), float(baseline.cost)


def complete_analyses(
    con: duckdb.DuckDBPyConnection,
    data: PortfolioData,
    params: SelectionParams,
    payload: ScenarioPayload,
    *,
    snapshot_id: int,
    actor: Actor | str | None = None,
    frontier_points: int = DEFAULT_FRONTIER_POINTS,
    progress: Progress | None = None,
) -> ScenarioPayload:
    """The payload with marginal values and frontier computed where missing (nothing for a run without solution)."""
    if not payload.result.has_solution:
        return payload
    if not payload.marginal_values:
        payload = add_marginal_values(con, data, params, payload, snapshot_id=snapshot_id, actor=actor,
                                      progress=progress)
    if not payload.frontier:
        payload = add_frontier(con, data, params, payload, snapshot_id=snapshot_id, actor=actor,
                               points=frontier_points, progress=progress)
    return payload


def add_marginal_values(
    con: duckdb.DuckDBPyConnection, data: PortfolioData, params: SelectionParams, payload: ScenarioPayload, *,
    snapshot_id: int, actor: Actor | str | None = None, progress: Progress | None = None,
) -> ScenarioPayload:
    """Value one more FTE per role and more budget (analytics.marginal), logged as "marginal_values"."""
    actor = require(actor, "optimise")
    _say(progress, "marginal")
    started = time.perf_counter()
    values = marginal.marginal_values(data, params, payload.result)
    log_analysis(
        con, "marginal_values", snapshot_id=snapshot_id, params=params, actor=actor,
        summary=", ".join(f"{v.resource}={log_number(v.value_per_unit)}" for v in values),
        details={"values": [{"resource": v.resource, "kind": v.kind, "value_per_unit": v.value_per_unit,
                             "method": v.method, "months": list(v.months)} for v in values]},
        seconds=time.perf_counter() - started,
    )
    return replace(payload, marginal_values=tuple(values))


def add_frontier(
    con: duckdb.DuckDBPyConnection, data: PortfolioData, params: SelectionParams, payload: ScenarioPayload, *,
    snapshot_id: int, actor: Actor | str | None = None, points: int = DEFAULT_FRONTIER_POINTS,
    progress: Progress | None = None,
) -> ScenarioPayload:
    """The efficient frontier at its breakpoints (analytics.frontier), logged as "frontier"."""
    actor = require(actor, "optimise")
    started = time.perf_counter()
    curve = frontier.frontier_breakpoints(
        data, params, points=points, progress=lambda i, n: _say(progress, "frontier", i=i, n=n)
    )
    log_analysis(
        con, "frontier", snapshot_id=snapshot_id, params=params, actor=actor,
        summary=f"{len(curve)} points",
        details={"points": [{"budget": p.budget, "status": p.status, "objective": p.objective, "cost": p.cost}
                            for p in curve]},
        seconds=time.perf_counter() - started,
    )
    return replace(payload, frontier=tuple(curve))


def add_prices(
    con: duckdb.DuckDBPyConnection, data: PortfolioData, params: SelectionParams, payload: ScenarioPayload,
    project_ids: Sequence[str], *, snapshot_id: int, actor: Actor | str | None = None, progress: Progress | None = None,
) -> ScenarioPayload:
    """Re-solve with each chosen left-out proposal forced in; the explanations get their prices."""
    actor = require(actor, "optimise")
    priced: dict[str, LeftOut] = {}
    started = time.perf_counter()
    for i, project_id in enumerate(project_ids, start=1):
        _say(progress, "forcing", i=i, n=len(project_ids), project=project_id)
        priced[project_id] = explain.price_of_forcing(data, params, payload.result, project_id)
    log_analysis(
        con, "price_of_forcing", snapshot_id=snapshot_id, params=params, actor=actor,
        summary=", ".join(f"{p}={log_number(v.price_of_forcing)}" for p, v in priced.items()),
        details={"prices": {p: v.price_of_forcing for p, v in priced.items()},
                 "infeasible": [p for p, v in priced.items() if v.forcing_infeasible]},
        seconds=time.perf_counter() - started,
    )
    merged = tuple(_with_price(item, priced.get(item.project_id)) for item in payload.explanations)
    return replace(payload, explanations=merged)


def _with_price(item: LeftOut, priced: LeftOut | None) -> LeftOut:
    if priced is None:
        return item
    return replace(item, price_of_forcing=priced.price_of_forcing, forcing_infeasible=priced.forcing_infeasible)
