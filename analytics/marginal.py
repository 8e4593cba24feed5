"""The marginal value of capacity and budget: what one more FTE of a role, or one more unit of
budget, would be worth to the portfolio.

Two methods, each labelled in its result:
- `resolve` (exact for the step taken): the model is built once and solved. Per role, the months
  where it binds are those whose capacity row has less than one FTE free at the optimum; each of
  those rows is raised by one FTE and the model re-optimised from the current portfolio (still
  feasible), and the gain in objective is the value (`months` lists where the FTE was added). Budget
  is raised by a step (default 5 % of the budget, since a single unit rarely changes a yes/no
  portfolio) and the gain is divided by the step. A re-solve stopped by the time limit is reported
  with its gap in the note.
- `lp_dual` (indicative only): the shadow prices of the same rows in the LP relaxation (solved by
  HiGHS), summed over the role's months. For yes/no decisions these prices can be far from what one
  more FTE is really worth, either way; they are free to compute and show where the pressure is.

Why a role that binds can still be worth 0: projects are taken whole, so one more FTE is worth
something only if some left-out project (or a better start) then fits on every other rule too. When
+1 FTE gains nothing the engine says which it is, in the note: no month binds at all
(`optrun.marginal.slack`); a bigger step of up to `MAX_STEP_FTE` FTE in the same months would gain
(`optrun.marginal.needs_more`, with that step and its gain); or even that lets nothing in, because
budget, other roles or other rules hold the left-out proposals back (`optrun.marginal.other_limits`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import numpy as np

from analytics import selection, solvers
from analytics.errors import InvalidInput
from analytics.selection_types import MarginalValue, PortfolioData, SelectionParams, SelectionResult

Method = Literal["resolve", "lp_dual", "both"]
DEFAULT_BUDGET_STEP_SHARE = 0.05
MAX_STEP_FTE = 3          # the largest extra capacity tried when one FTE gains nothing
BINDING_SLACK_FTE = 1.0   # a month binds when less than this is free at the optimum
_TEXTS = {
    "optrun.marginal.slack": "never short: at least one FTE is free in every month",
    "optrun.marginal.needs_more": "+1 FTE lets nothing in; +{fte} FTE in the same months would gain {gain}",
    "optrun.marginal.other_limits": "+1 to +{fte} FTE in the months where it binds lets nothing in: budget, other "
                                    "roles or other rules hold the left-out proposals back",
    "explain.marginal.exact": "exact for a step of {step}",
    "explain.marginal.approximate": "re-solve stopped at a gap of {gap}; value approximate (step {step})",
    "explain.marginal.lp_dual": "LP relaxation price; only indicative for yes/no decisions",
    "explain.marginal.no_budget": "budget not constrained in this run",
    "explain.marginal.no_solution": "re-solve found no solution",
}


def _value(resource: str, kind: str, per_unit: float | None, method: str, key: str, amount: float = 1.0,
           months: tuple[str, ...] = (), **params: Any) -> MarginalValue:
    return MarginalValue(resource, kind, per_unit, method, _TEXTS[key].format(**params), amount, key, dict(params),
                         months)


def marginal_values(data: PortfolioData, params: SelectionParams, result: SelectionResult, *,
                    method: Method = "both", budget_step: float | None = None,
                    resolve_time_limit: float | None = None) -> tuple[MarginalValue, ...]:
    """Marginal value of one more FTE per constrained role and of budget (see module docstring).

    Each re-solve is limited to `resolve_time_limit` seconds, by default a quarter of the run's limit
    (at least 5 s, never more than the run's): there is one per role, and each starts from a good
    portfolio, so a short limit usually suffices; a stopped re-solve is flagged approximate.
    """
    if not result.has_solution:
        raise InvalidInput("the run has no solution to value", key="explain.no_solution")
    if method not in ("resolve", "lp_dual", "both"):
        raise InvalidInput(f"unknown method {method}", key="explain.invalid_param", param="method")
    if budget_step is not None and budget_step <= 0:
        raise InvalidInput("budget_step must be positive", key="explain.invalid_param", param="budget_step")
    if resolve_time_limit is not None and resolve_time_limit <= 0:
        raise InvalidInput("resolve_time_limit must be positive", key="explain.invalid_param", param="resolve_time_limit")
    limit = resolve_time_limit or min(params.time_limit_seconds, max(5.0, params.time_limit_seconds / 4))
    out: list[MarginalValue] = []
    if method in ("resolve", "both"):
        out += _by_resolve(data, replace(params, time_limit_seconds=limit), result, budget_step)
    if method in ("lp_dual", "both"):
        out += _by_lp_duals(data, params)
    return tuple(out)


def _roles_with_rows(model: selection.SelectionModel) -> list[str]:
    return [role for role in model.prep.roles if model.capacity_rows(role)]


def _by_resolve(data: PortfolioData, params: SelectionParams, result: SelectionResult,
                budget_step: float | None) -> list[MarginalValue]:
    model = selection.build_model(data, params)
    base = selection.solve(model, warm_start=selection.choice_vector(model.prep, result))
    if not base.has_solution or base.objective is None:
        return []
    start = selection.last_choice(model)
    free = _free_capacity(model)
    out = [_role_value(model, base.objective, start, role, free) for role in _roles_with_rows(model)]
    if params.budget is None:
        out.append(_value("budget", "budget", 0.0, "resolve", "explain.marginal.no_budget"))
        return out
    step = budget_step or max(params.budget * DEFAULT_BUDGET_STEP_SHARE, 1.0)
    selection.set_rhs(model, "budget_total", params.budget + step)
    out.append(_gain(model, base.objective, start, "budget", "budget", step))
    selection.set_rhs(model, "budget_total", params.budget)
    return out


def _free_capacity(model: selection.SelectionModel) -> dict[str, float]:
    """Row name -> FTE free at the optimum just solved (right-hand side minus the row's load)."""
    outcome = model.last
    if outcome is None or outcome.values is None:
        return {}
    value = {v.name: float(x) for v, x in zip(selection.solver_variables(model), outcome.values, strict=True)}
    free = {}
    for name, kind in model.kinds.items():
        if kind != "capacity":
            continue
        row = model.problem.get_constraint_by_name(name)
        free[name] = -row.constant - sum(coef * value.get(var.name, 0.0) for var, coef in row.items())
    return free


def _row_month(model: selection.SelectionModel, name: str) -> str:
    """The month of a capacity row, from what the row asks (its `about` reason names role and month)."""
    about = model.about.get(model.labels.get(name, name))
    return str(about.params["month"]) if about is not None and "month" in about.params else name


def _role_value(model: selection.SelectionModel, base: float, start: np.ndarray | None, role: str,
                free: dict[str, float]) -> MarginalValue:
    """+1 FTE in the months where `role` binds, re-solved exactly; when that gains nothing, why (module doc)."""
    binding = [n for n in model.capacity_rows(role) if free.get(n, np.inf) < BINDING_SLACK_FTE - 1e-6]
    months = tuple(sorted(_row_month(model, n) for n in binding))
    if not binding:
        return _value(role, "role", 0.0, "resolve", "optrun.marginal.slack")
    first = _raised(model, base, start, role, binding, 1.0, months)
    if first.value_per_unit is None or first.value_per_unit > 1e-9:
        return first
    # the largest step first: most zeros stay zero (two re-solves), and only a gain asks for the smallest step
    gains: dict[int, float] = {}
    for fte in range(MAX_STEP_FTE, 1, -1):
        bigger = _raised(model, base, start, role, binding, float(fte), months)
        if bigger.value_per_unit is None or bigger.value_per_unit <= 1e-9:
            break
        gains[fte] = bigger.value_per_unit * fte
    if not gains:
        return _value(role, "role", 0.0, "resolve", "optrun.marginal.other_limits", 1.0, months, fte=MAX_STEP_FTE)
    smallest = min(gains)
    return _value(role, "role", 0.0, "resolve", "optrun.marginal.needs_more", 1.0, months,
                  fte=smallest, gain=_fmt(gains[smallest]))


def _raised(model: selection.SelectionModel, base: float, start: np.ndarray | None, role: str, rows: list[str],
            fte: float, months: tuple[str, ...]) -> MarginalValue:
    """The gain per FTE of `fte` more in each of `rows`, the rows restored afterwards."""
    original = {name: selection.row_rhs(model, name) for name in rows}
    for name, value in original.items():
        selection.set_rhs(model, name, value + fte)
    try:
        found = _gain(model, base, start, role, "role", fte)
    finally:
        for name, value in original.items():
            selection.set_rhs(model, name, value)
    return replace(found, months=months)


def _gain(model: selection.SelectionModel, base: float, start: np.ndarray | None, resource: str, kind: str,
          step: float) -> MarginalValue:
    rerun = selection.resolve(model, warm_start=start)
    if not rerun.has_solution or rerun.objective is None:
        return _value(resource, kind, None, "resolve", "explain.marginal.no_solution", step)
    # the warm start is feasible for the larger resource, so the gain is never negative but for the gap
    per_unit = max(rerun.objective - base, 0.0) / step
    if rerun.status == "optimal":
        return _value(resource, kind, per_unit, "resolve", "explain.marginal.exact", step, step=_fmt(step))
    return _value(resource, kind, per_unit, "resolve", "explain.marginal.approximate", step,
                  gap=f"{(rerun.gap or 0.0) * 100:.2f}%", step=_fmt(step))


def _by_lp_duals(data: PortfolioData, params: SelectionParams) -> list[MarginalValue]:
    model = selection.build_model(data, params)
    outcome = solvers.run(model.problem, selection.solver_variables(model), _highs(params), relax=True)
    if outcome.highs is None or outcome.values is None:
        return []
    duals = np.asarray(outcome.highs.getSolution().row_dual)
    # HiGHS minimises -objective: the price of relaxing a <= row of the max problem is -dual
    price = {
        row.name: -float(duals[row.index]) for row in model.problem.constraints() if getattr(row, "index", None) is not None
    }
    out = [
        _value(role, "role", sum(price.get(n, 0.0) for n in model.capacity_rows(role)), "lp_dual", "explain.marginal.lp_dual")
        for role in _roles_with_rows(model)
    ]
    if "budget_total" in price:
        out.append(_value("budget", "budget", price["budget_total"], "lp_dual", "explain.marginal.lp_dual"))
    return out


def _highs(params: SelectionParams) -> SelectionParams:
    return replace(params, solver="highs")


def _fmt(value: float) -> str:
    return f"{value:,.4g}"
