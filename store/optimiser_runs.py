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

Each step has a pure half (`solve_run`, `compute_marginal_values`, `compute_frontier`, `compute_prices`:
no database, picklable arguments and results) and a writing half (`record_run`, `record_...`), so the
Optimiser page can run the long pure half in a worker process (ui/jobs.py) and write on its own
connection when the result comes back; the `run_optimiser` / `add_...` functions do both in turn.
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
from analytics.selection_types import (
    FrontierPoint,
    LeftOut,
    MarginalValue,
    PortfolioData,
    SelectionParams,
    SelectionResult,
)
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
    if race:
        _say(progress, "solving", solver=params.solver)
        result = solver_race.race_optimise(data, params)
        solved = _explained(data, params, result, progress, started)
    else:
        solved = solve_run(data, params, progress=progress)
    outcome = record_run(con, solved, params, snapshot_id=snapshot_id, actor=actor)
    payload = outcome.payload
    if analyses and payload.result.has_solution:
        payload = complete_analyses(con, data, params, payload, snapshot_id=snapshot_id, actor=actor,
                                    frontier_points=frontier_points, progress=progress)
    return RunOutcome(payload, outcome.log_id, time.perf_counter() - started)


@dataclass(frozen=True)
class Solved:
    """What a run computes before anything is written: the result, its baseline and explanations.

    `solve_run` makes it without a database (the Optimiser page runs it in a worker process, ui/jobs.py);
    `record_run` then logs the solve and assembles the payload on the server's connection.
    """

    result: SelectionResult
    greedy_objective: float | None
    greedy_cost: float | None
    explanations: tuple[LeftOut, ...]
    seconds: float


def solve_run(data: PortfolioData, params: SelectionParams, *, progress: Progress | None = None) -> Solved:
    """Solve, then (with a solution) the greedy baseline and the explanations; pure, nothing written."""
    started = time.perf_counter()
    _say(progress, "solving", solver=params.solver)
    return _explained(data, params, selection.optimise(data, params), progress, started)


def _explained(data: PortfolioData, params: SelectionParams, result: SelectionResult, progress: Progress | None,
               started: float) -> Solved:
    if not result.has_solution:
        return Solved(result, None, None, (), time.perf_counter() - started)
    _say(progress, "greedy")
    greedy_objective, greedy_cost = _greedy(data, params)
    _say(progress, "explaining")
    explanations = tuple(explain.explain_left_out(data, params, result))
    return Solved(result, greedy_objective, greedy_cost, explanations, time.perf_counter() - started)


def record_run(con: duckdb.DuckDBPyConnection, solved: Solved, params: SelectionParams, *, snapshot_id: int,
               actor: Actor | str | None = None) -> RunOutcome:
    """Log the solve in the decision log and assemble the run's payload (the write half of a run)."""
    actor = require(actor, "optimise")
    log_id = log_solve(con, snapshot_id=snapshot_id, params=params, result=solved.result, actor=actor)
    payload = ScenarioPayload(solved.result, weights=weights_used(con, params.weight_set_id))
    if solved.result.has_solution:
        payload = replace(payload, greedy_objective=solved.greedy_objective, greedy_cost=solved.greedy_cost,
                          explanations=solved.explanations)
    return RunOutcome(payload, log_id, solved.seconds)


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


def compute_analyses(data: PortfolioData, params: SelectionParams, result: SelectionResult, *, marginal_values: bool,
                      frontier_points: int | None, progress: Progress | None = None) -> dict[str, Any]:
    """What `complete_analyses` computes, pure: {"marginal": (values, seconds)} and/or {"frontier": (points,
    seconds)}, as asked; the page runs it in its worker before saving a scenario."""
    done: dict[str, Any] = {}
    if marginal_values:
        done["marginal"] = compute_marginal_values(data, params, result, progress=progress)
    if frontier_points:
        done["frontier"] = compute_frontier(data, params, points=frontier_points, progress=progress)
    return done


def record_analyses(con: duckdb.DuckDBPyConnection, params: SelectionParams, payload: ScenarioPayload,
                    done: Mapping[str, Any], *, snapshot_id: int, actor: Actor | str | None = None) -> ScenarioPayload:
    """Log and add what `compute_analyses` returned."""
    if "marginal" in done:
        payload = record_marginal_values(con, params, payload, *done["marginal"], snapshot_id=snapshot_id, actor=actor)
    if "frontier" in done:
        payload = record_frontier(con, params, payload, *done["frontier"], snapshot_id=snapshot_id, actor=actor)
    return payload


def add_marginal_values(
    con: duckdb.DuckDBPyConnection, data: PortfolioData, params: SelectionParams, payload: ScenarioPayload, *,
    snapshot_id: int, actor: Actor | str | None = None, progress: Progress | None = None,
) -> ScenarioPayload:
    """Value one more FTE per role and more budget (analytics.marginal), logged as "marginal_values"."""
    actor = require(actor, "optimise")
    values, seconds = compute_marginal_values(data, params, payload.result, progress=progress)
    return record_marginal_values(con, params, payload, values, seconds, snapshot_id=snapshot_id, actor=actor)


def compute_marginal_values(data: PortfolioData, params: SelectionParams, result: SelectionResult, *,
                            progress: Progress | None = None) -> tuple[tuple[MarginalValue, ...], float]:
    """The marginal values and the seconds they took; pure (a worker process may run it)."""
    _say(progress, "marginal")
    started = time.perf_counter()
    return tuple(marginal.marginal_values(data, params, result)), time.perf_counter() - started


def record_marginal_values(
    con: duckdb.DuckDBPyConnection, params: SelectionParams, payload: ScenarioPayload,
    values: Sequence[MarginalValue], seconds: float, *, snapshot_id: int, actor: Actor | str | None = None,
) -> ScenarioPayload:
    """Log computed marginal values ("marginal_values") and put them in the payload."""
    actor = require(actor, "optimise")
    log_analysis(
        con, "marginal_values", snapshot_id=snapshot_id, params=params, actor=actor,
        summary=", ".join(f"{v.resource}={log_number(v.value_per_unit)}" for v in values),
        details={"values": [{"resource": v.resource, "kind": v.kind, "value_per_unit": v.value_per_unit,
                             "method": v.method, "months": list(v.months)} for v in values]},
        seconds=seconds,
    )
    return replace(payload, marginal_values=tuple(values))


def add_frontier(
    con: duckdb.DuckDBPyConnection, data: PortfolioData, params: SelectionParams, payload: ScenarioPayload, *,
    snapshot_id: int, actor: Actor | str | None = None, points: int = DEFAULT_FRONTIER_POINTS,
    progress: Progress | None = None,
) -> ScenarioPayload:
    """The efficient frontier at its breakpoints (analytics.frontier), logged as "frontier"."""
    actor = require(actor, "optimise")
    curve, seconds = compute_frontier(data, params, points=points, progress=progress)
    return record_frontier(con, params, payload, curve, seconds, snapshot_id=snapshot_id, actor=actor)


def compute_frontier(data: PortfolioData, params: SelectionParams, *, points: int = DEFAULT_FRONTIER_POINTS,
                     progress: Progress | None = None) -> tuple[tuple[FrontierPoint, ...], float]:
    """The frontier's points and the seconds they took; pure (a worker process may run it)."""
    started = time.perf_counter()
    curve = frontier.frontier_breakpoints(
        data, params, points=points, progress=lambda i, n: _say(progress, "frontier", i=i, n=n)
    )
    return tuple(curve), time.perf_counter() - started


def record_frontier(
    con: duckdb.DuckDBPyConnection, params: SelectionParams, payload: ScenarioPayload,
    curve: Sequence[FrontierPoint], seconds: float, *, snapshot_id: int, actor: Actor | str | None = None,
) -> ScenarioPayload:
    """Log a computed frontier ("frontier") and put it in the payload."""
    actor = require(actor, "optimise")
    log_analysis(
        con, "frontier", snapshot_id=snapshot_id, params=params, actor=actor,
        summary=f"{len(curve)} points",
        details={"points": [{"budget": p.budget, "status": p.status, "objective": p.objective, "cost": p.cost}
                            for p in curve]},
        seconds=seconds,
    )
    return replace(payload, frontier=tuple(curve))


def add_prices(
    con: duckdb.DuckDBPyConnection, data: PortfolioData, params: SelectionParams, payload: ScenarioPayload,
    project_ids: Sequence[str], *, snapshot_id: int, actor: Actor | str | None = None, progress: Progress | None = None,
) -> ScenarioPayload:
    """Re-solve with each chosen left-out proposal forced in; the explanations get their prices."""
    actor = require(actor, "optimise")
    priced, seconds = compute_prices(data, params, payload.result, project_ids, progress=progress)
    return record_prices(con, params, payload, priced, seconds, snapshot_id=snapshot_id, actor=actor)


def compute_prices(data: PortfolioData, params: SelectionParams, result: SelectionResult, project_ids: Sequence[str],
                   *, progress: Progress | None = None) -> tuple[dict[str, LeftOut], float]:
    """The price of forcing each proposal in, and the seconds it took; pure (a worker process may run it)."""
    priced: dict[str, LeftOut] = {}
    started = time.perf_counter()
    for i, project_id in enumerate(project_ids, start=1):
        _say(progress, "forcing", i=i, n=len(project_ids), project=project_id)
        priced[project_id] = explain.price_of_forcing(data, params, result, project_id)
    return priced, time.perf_counter() - started


def record_prices(
    con: duckdb.DuckDBPyConnection, params: SelectionParams, payload: ScenarioPayload, priced: Mapping[str, LeftOut],
    seconds: float, *, snapshot_id: int, actor: Actor | str | None = None,
) -> ScenarioPayload:
    """Log computed prices of forcing ("price_of_forcing") and merge them into the explanations."""
    actor = require(actor, "optimise")
    log_analysis(
        con, "price_of_forcing", snapshot_id=snapshot_id, params=params, actor=actor,
        summary=", ".join(f"{p}={log_number(v.price_of_forcing)}" for p, v in priced.items()),
        details={"prices": {p: v.price_of_forcing for p, v in priced.items()},
                 "infeasible": [p for p, v in priced.items() if v.forcing_infeasible]},
        seconds=seconds,
    )
    merged = tuple(_with_price(item, priced.get(item.project_id)) for item in payload.explanations)
    return replace(payload, explanations=merged)


def _with_price(item: LeftOut, priced: LeftOut | None) -> LeftOut:
    if priced is None:
        return item
    return replace(item, price_of_forcing=priced.price_of_forcing, forcing_infeasible=priced.forcing_infeasible)
