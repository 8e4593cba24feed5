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

`frontier_breakpoints(data, params, points=12, ...)` places the points where the optimum changes
instead, so no two points repeat a value (what the Optimiser page and saved scenarios show). The best
value V(B) is a step function of the budget B, and each step starts exactly at the cost of the
cheapest portfolio worth that value: if the optimum at B costs c <= B, then V(c) = V(B), and V just
below c is lower unless a cheaper portfolio of the same value exists. So the search runs downwards
from the cost of everything: solve at B, then at c - tolerance (a bisection step that lands on the
next breakpoint in one move); the same value again means a cheaper portfolio of that value (keep
lowering), a lower value means c is a breakpoint, exact to the tolerance. When there are more
breakpoints than `points`, a second pass keeps the ones at least (high - low) / (points - 1) apart,
each still exact, so the points spread over the whole range.

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
MAX_SOLVES_PER_POINT = 8   # a guard on the breakpoint search: ties of equal value rarely need more than two


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



def _per_point_params(params: SelectionParams, points: int, time_limit_per_point: float | None) -> SelectionParams:
    """The guard clauses of a frontier, and `params` with each solve's time limit set."""
    if points < 2:
        raise InvalidInput("a frontier needs at least 2 points", key="explain.invalid_param", param="points")
    if time_limit_per_point is not None and time_limit_per_point <= 0:
        raise InvalidInput("time_limit_per_point must be positive", key="explain.invalid_param",
                           param="time_limit_per_point")
    per_point = time_limit_per_point or point_time_limit(params, points)
    return dataclasses.replace(params, time_limit_seconds=per_point)

def efficient_frontier(data: PortfolioData, params: SelectionParams, points: int = 12,
                       progress: Progress | None = None, *,
                       time_limit_per_point: float | None = None) -> tuple[FrontierPoint, ...]:
    """Solve at `points` budget levels re-using one model (see the module docstring).

    `time_limit_per_point` seconds per level (default `point_time_limit(params, points)`).
    """
    params = _per_point_params(params, points, time_limit_per_point)
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
            start = selection.last_choice(model)
        out.append(_point(float(level), result, previous))
        if result.has_solution:
            previous = result
        if progress is not None:
            progress(i + 1, len(levels))
    return tuple(out)


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


def _tolerance(high: float) -> float:
    """How far below a portfolio's cost the next probe goes: far above the solver's feasibility tolerance."""
    return max(abs(high), 1.0) * 1e-6


def frontier_breakpoints(data: PortfolioData, params: SelectionParams, points: int = 12,
                         progress: Progress | None = None, *,
                         time_limit_per_point: float | None = None) -> tuple[FrontierPoint, ...]:
    """The budgets where the best value changes, lowest first, every point a different value (module doc).

    Each point's `budget` is the breakpoint (the cost of the cheapest portfolio of its value, exact to
    `_tolerance`), its portfolio is that one, and `entered` / `left` compare with the point below. At
    most `points` points; `progress(i, n)` after each solve (n is an estimate: the number of solves
    is known only at the end).
    """
    params = _per_point_params(params, points, time_limit_per_point)
    low, high = budget_range(prepare(data, params))
    model = selection.build_model(data, dataclasses.replace(params, budget=float(high)))
    if model.problem.get_constraint_by_name("budget_total") is None:   # nothing spends money: one answer
        result = selection.solve(model, dataclasses.replace(params, budget=float(high)), diagnose=False)
        return (_point(float(low), result, None),)
    solver = _Probe(model, params, progress, 2 * points)
    found, complete = _sweep(solver, low, high, gap=0.0, limit=points)
    if not complete:   # more breakpoints than points: keep ones spread from the lowest to the top one
        top = found[0][0]
        solver.known = sorted(found, key=lambda pair: pair[0])   # every breakpoint above the lowest found
        found, _ = _sweep(solver, low, high, gap=(top - low) / (points - 1), limit=None)
        if len(found) > points:   # the lowest was added below the last step: drop the one above it
            found = found[:points - 1] + found[-1:]
    out: list[FrontierPoint] = []
    previous: SelectionResult | None = None
    for budget, result in sorted(found, key=lambda pair: pair[0]):
        out.append(_point(budget, result, previous))
        previous = result
    return tuple(out)


class _Probe:
    """Solves the one model at a budget (its budget row changed in place) and counts the solves."""

    def __init__(self, model: selection.SelectionModel, params: SelectionParams, progress: Progress | None,
                 expected: int) -> None:
        self.model, self.params, self.progress, self.expected, self.solves = model, params, progress, expected, 0
        # breakpoints already found, lowest first, with none missing above the lowest: a budget at or
        # above it is answered by the highest breakpoint not above it, without a solve
        self.known: list[tuple[float, SelectionResult]] = []

    def __call__(self, budget: float) -> SelectionResult:
        if self.known and budget >= self.known[0][0]:
            return next(result for level, result in reversed(self.known) if level <= budget)
        selection.set_rhs(self.model, "budget_total", budget)
        point_params = dataclasses.replace(self.params, budget=budget)
        if self.solves == 0:
            result = selection.solve(self.model, point_params, diagnose=False)
        else:
            result = selection.resolve(self.model, point_params, diagnose=False)
        self.solves += 1
        if self.progress is not None:
            self.expected = max(self.expected, self.solves + 1)
            self.progress(self.solves, self.expected)
        return result


def _sweep(probe: _Probe, low: float, high: float, *, gap: float,
           limit: int | None) -> tuple[list[tuple[float, SelectionResult]], bool]:
    """Breakpoints from the top down, each at least `gap` below the last (the lowest always included);
    False with what was found when there are more than `limit`."""
    tol = _tolerance(high)
    found: list[tuple[float, SelectionResult]] = []
    current = probe(high)
    budget_of_solves = probe.solves + MAX_SOLVES_PER_POINT * (limit or max(2, round((high - low) / gap) + 2))
    while current.has_solution and current.objective is not None and probe.solves < budget_of_solves:
        # lower the budget to just below this portfolio's cost while the value holds (cheaper ties)
        below = probe(current.total_cost - tol) if current.total_cost - tol >= low - tol else None
        if below is not None and below.has_solution and (below.objective or 0.0) >= current.objective - _same(current):
            current = below
            continue
        found.append((float(current.total_cost), current))
        if limit is not None and len(found) > limit:
            return found, False
        if below is None or not below.has_solution or below.objective is None:
            break
        if gap <= tol:
            current = below
            continue
        current = probe(max(current.total_cost - gap, low))
    return found, True


def _same(result: SelectionResult) -> float:
    """Values closer than this are the same value (the solver's relative gap, at least 1e-9)."""
    return max(abs(result.objective or 0.0), 1.0) * max(result.gap or 0.0, 1e-9)
