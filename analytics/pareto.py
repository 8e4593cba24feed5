"""Value against risk: the non-dominated portfolios by the epsilon-constraint method.

**Risk exposure** of a plan = Σ budget × risk score over its projects (committed work included); a
project without a risk score counts as `UNKNOWN_RISK` (3, the middle of the 1-5 scale), so an unknown
risk never looks safe. It is linear in the choices, so "exposure ≤ ε" is one row of the model.

`pareto_front(data, params, points)`:
1. the **value end**: the optimiser's own optimum (no exposure row bound), exposure E_max;
2. the **risk end**: the least exposure any plan meeting every other constraint can have, E_min (the
   model maximising −exposure), then the best value at exposure ≤ E_min (so the end point is not
   dominated);
3. between them, ε evenly spaced from E_min to E_max over `points` levels: maximise value subject to
   exposure ≤ ε (the model is built once; each level only changes the row's right-hand side);
4. plans dominated by another (no more value and no less exposure, one strictly) and repeats are dropped.
The two end points are therefore exactly the single-objective optima (tests/test_pareto.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pulp

from analytics import selection
from analytics.errors import InvalidInput, OptimizationError
from analytics.prepare import Prepared
from analytics.selection_types import PortfolioData, SelectionParams, SelectionResult

UNKNOWN_RISK = 3.0
ROW = "risk_exposure"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ParetoPoint:
    value: float                      # the objective of params (strategic value, benefit, ...)
    risk_exposure: float              # Σ budget × risk score of the plan
    epsilon: float | None             # the exposure cap it was solved under (None: the value end)
    status: str
    selected_ids: tuple[str, ...]

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["selected_ids"] = list(self.selected_ids)
        return data


def project_exposure(prep: Prepared) -> np.ndarray:
    """budget × risk score per project of `prep.projects` (unknown risk = UNKNOWN_RISK)."""
    risk = prep.projects["risk_score"].to_numpy(dtype=float)
    return prep.projects["budget"].to_numpy(dtype=float) * np.where(np.isnan(risk), UNKNOWN_RISK, risk)


def exposure_of(prep: Prepared, result: SelectionResult) -> float:
    exposure = dict(zip(prep.projects.index, project_exposure(prep), strict=True))
    return float(sum(exposure[p.project_id] for p in result.selected))


def _with_row(data: PortfolioData, params: SelectionParams) -> tuple[selection.SelectionModel, pulp.LpAffineExpression]:
    model = selection.build_model(data, params)
    prep = model.prep
    exposure = dict(zip(prep.projects.index, project_exposure(prep), strict=True))
    coefficients = prep.options["project_id"].map(exposure).to_numpy(dtype=float)
    expr = pulp.LpAffineExpression(zip(model.choose, coefficients.tolist(), strict=True))
    committed = float(sum(exposure[p] for p in prep.committed().index))
    total = committed + float(coefficients.sum())
    model.problem.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintLE, ROW, total - committed + 1.0))
    model.offsets[ROW] = committed
    model.kinds[ROW] = "risk"
    model.labels[ROW] = ROW
    model.groups[ROW] = ROW
    return model, expr


def _point(prep: Prepared, result: SelectionResult, epsilon: float | None) -> ParetoPoint:
    return ParetoPoint(float(result.objective or 0.0), exposure_of(prep, result), epsilon, result.status,
                       tuple(sorted(p.project_id for p in result.selected)))


def pareto_front(data: PortfolioData, params: SelectionParams, points: int = 8,
                 progress: Progress | None = None) -> list[ParetoPoint]:
    """The non-dominated plans, from the least risk exposure to the most value (module docstring)."""
    if not 2 <= points <= 50:
        raise InvalidInput(f"points {points}", key="pareto.bad_points", value=str(points))
    model, expr = _with_row(data, params)
    prep = model.prep
    value_objective = model.problem.objective
    model.problem.objective = -1.0 * expr   # first the risk end: maximise -exposure
    least = selection.solve(model, diagnose=False)
    model.problem.objective = value_objective
    top = selection.solve(model, diagnose=False)   # a fresh solve: the solver held the other objective
    if not (least.has_solution and top.has_solution):
        raise OptimizationError("no plan meets the constraints", key="pareto.no_plan", status=top.status)
    high = exposure_of(prep, top)
    low = exposure_of(prep, least)
    found = [_point(prep, top, None)]
    levels = np.linspace(low, high, points)[:-1] if high > low else np.array([])
    for i, epsilon in enumerate(levels):
        selection.set_rhs(model, ROW, float(epsilon) + 1e-9 * max(1.0, abs(float(epsilon))))
        result = selection.resolve(model, diagnose=False)
        if result.has_solution:
            found.append(_point(prep, result, float(epsilon)))
        if progress is not None:
            progress(i + 1, len(levels))
    return non_dominated(found)


def non_dominated(found: list[ParetoPoint], tolerance: float = 1e-7) -> list[ParetoPoint]:
    """The points no other point beats on both value (higher) and exposure (lower), one per plan, by exposure."""
    keep: list[ParetoPoint] = []
    for p in found:
        beaten = any(q.value >= p.value - tolerance and q.risk_exposure <= p.risk_exposure + tolerance
                     and (q.value > p.value + tolerance or q.risk_exposure < p.risk_exposure - tolerance)
                     for q in found)
        duplicate = any(abs(q.value - p.value) <= tolerance and abs(q.risk_exposure - p.risk_exposure) <= tolerance
                        for q in keep)
        if not beaten and not duplicate:
            keep.append(p)
    return sorted(keep, key=lambda p: (p.risk_exposure, p.value))
