"""The efficient frontier: the best value at each budget level, and what changes between levels.

`efficient_frontier(data, params, points=12, progress=None)` spaces `points` budget levels evenly from
the cost of work that must happen (committed spend inside the horizon plus the cheapest start of
every mandatory or forced-in proposal) to the cost of everything (committed plus the dearest start of
every candidate). The model is built ONCE with a budget row; each level only changes that row's
right-hand side. With HiGHS the loaded highspy model is re-run in place (`changeRowBounds`); with CBC
the PuLP model is re-solved. Levels go upwards and each solve starts from the previous level's
portfolio, which is still affordable, so value never falls as the budget grows (if a solver stopped
by its time limit returned less, the previous portfolio is kept and its status says `feasible`).
Each point lists the projects that enter and leave compared with the level below.

Each level gets `point_time_limit` seconds; by default the run's limit shared out over the points,
at least MIN_POINT_SECONDS and never more than the run's own limit (a 60 s run and 12 points: 5 s a
level, about a minute in all, instead of up to 12 minutes). Small portfolios prove each level optimal
well inside that; a level stopped by its limit says `feasible` and keeps the best portfolio found.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from analytics import selection
from analytics.errors import InvalidInput
from analytics.prepare import Prepared, prepare
from analytics.selection_types import FrontierPoint, PortfolioData, SelectionParams, SelectionResult

Progress = Callable[[int, int], None]
MIN_POINT_SECONDS = 5.0


def point_time_limit(params: SelectionParams, points: int) -> float:
    """Default seconds per level: the run's time limit shared over the points, within [5 s, run's limit]."""
    run_limit = params.time_limit_seconds
    return min(run_limit, max(MIN_POINT_SECONDS, run_limit / points))


def budget_range(prep: Prepared) -> tuple[float, float]:
    """(cost of required work, cost of everything) inside the horizon."""
    options = prep.options
    committed = float(prep.committed_spend.sum())
    spend = options.groupby("project_id")["spend"]
    low_by_project, high_by_project = spend.min(), spend.max()
    cands = prep.candidates()
    required = cands.index[(cands["mandatory"] | cands["forced_in"]).to_numpy(dtype=bool)]
    allowed = cands.index[~cands["forced_out"].to_numpy(dtype=bool)]
    low = committed + float(low_by_project.reindex(required).fillna(0.0).sum())
    high = committed + float(high_by_project.reindex(allowed).fillna(0.0).sum())
    return low, max(high, low)


def budget_levels(prep: Prepared, points: int) -> np.ndarray:
    low, high = budget_range(prep)
    return np.linspace(low, high, points) if high > low else np.array([low])


def efficient_frontier(data: PortfolioData, params: SelectionParams, points: int = 12,
                       progress: Progress | None = None, *,
                       time_limit_per_point: float | None = None) -> tuple[FrontierPoint, ...]:
    """Solve at `points` budget levels re-using one model (see the module docstring).

    `time_limit_per_point` seconds per level (default `point_time_limit(params, points)`).
    """
    if points < 2:
        raise InvalidInput("a frontier needs at least 2 points", key="explain.invalid_param", param="points")
    if time_limit_per_point is not None and time_limit_per_point <= 0:
        raise InvalidInput("time_limit_per_point must be positive", key="explain.invalid_param",
                           param="time_limit_per_point")
    per_point = time_limit_per_point or point_time_limit(params, points)
    params = dataclasses.replace(params, time_limit_seconds=per_point)
    levels = budget_levels(prepare(data, params), points)
    top = dataclasses.replace(params, budget=float(levels[-1]))
    model = selection.build_model(data, top)
    out: list[FrontierPoint] = []
    previous: SelectionResult | None = None
    start: np.ndarray | None = None
    has_budget_row = model.problem.get_constraint_by_name("budget_total") is not None
    for i, level in enumerate(levels):
        if has_budget_row:   # no row: nothing spends money, every level has the same answer
            selection.set_rhs(model, "budget_total", float(level))
        point_params = dataclasses.replace(params, budget=float(level))
        if i == 0:
            result = selection.solve(model, point_params, diagnose=False)
        else:
            result = selection.resolve(model, point_params, warm_start=start, diagnose=False)
        if previous is not None and result.has_solution and (result.objective or 0.0) < (previous.objective or 0.0) - 1e-9:
            result = dataclasses.replace(previous, status="feasible")   # the cheaper portfolio still fits
        elif result.has_solution:
            start = _choice(model)
        out.append(_point(float(level), result, previous))
        if result.has_solution:
            previous = result
        if progress is not None:
            progress(i + 1, len(levels))
    return tuple(out)


def _choice(model: selection.SelectionModel) -> np.ndarray | None:
    outcome = model.last
    if outcome is None or outcome.values is None:
        return None
    return (outcome.values[:len(model.choose)] > 0.5).astype(float)


def _point(level: float, result: SelectionResult, previous: SelectionResult | None) -> FrontierPoint:
    if not result.has_solution:
        return FrontierPoint(level, result.status, None, None, (), (), ())
    ids = tuple(sorted(p.project_id for p in result.selected))
    before = {p.project_id for p in previous.selected} if previous is not None else set()
    entered = tuple(i for i in ids if i not in before)
    left = tuple(sorted(before - set(ids)))
    return FrontierPoint(level, result.status, result.objective, result.total_cost, ids, entered, left)


@dataclasses.dataclass(frozen=True)
class Plateau:
    """Where more budget stops buying value: levels from `budget` on all reach `value`."""

    budget: float          # the lowest level reaching the top value
    value: float
    levels: int            # how many levels (of the frontier) sit on the plateau
    cheapest_cost: float   # the least any of those levels' portfolios costs


def plateau(points: tuple[FrontierPoint, ...] | list[FrontierPoint], rel_tol: float = 1e-6) -> Plateau | None:
    """The frontier's top plateau when at least two levels share the top value, else None.

    Budget levels run up to the cost of everything, but capacity, dependencies and the other rules
    usually stop the value rising well before; the levels after that point repeat the same value."""
    solved = [p for p in points if p.objective is not None and p.cost is not None]
    if not solved:
        return None
    top = max(p.objective for p in solved)
    flat = [p for p in solved if abs(p.objective - top) <= rel_tol * max(1.0, abs(top))]
    if len(flat) < 2:
        return None
    first = min(flat, key=lambda p: p.budget)
    return Plateau(first.budget, top, len(flat), min(p.cost for p in flat))
