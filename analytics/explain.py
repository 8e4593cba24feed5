"""Why each proposal was left out, and what forcing one in would cost.

`explain_left_out(data, params, result)` (no re-solve) tries every allowed start of every left-out
candidate against the chosen portfolio (`analytics.fit`) and reports, as translatable `Reason`s:

- forced_out, outside_horizon (its start window misses the horizon);
- dependency (the predecessor is not selected), dependency_late (it finishes too late for every
  allowed start), dependency_unavailable (cancelled or not in the snapshot);
- exclusive_group (group G is taken by Y), high_risk_cap;
- capacity (it would overload role R in the months listed), budget, annual_budget,
  category_balance (a category's maximum share) and category_minimum (another category would fall
  below its minimum); each with `starts` = at how many of its allowed starts that reason applies;
- capacity_alone, budget_alone, annual_budget_alone: the limit is broken at every start even if no
  other new work were chosen (forcing it in is then infeasible);
- low_value_density (its value per FTE-month of the binding role is below the median of the chosen
  projects, with both numbers) or better_combination (its density is as good, but the chosen set
  packs the resources better: the price of forcing shows by how much); `_budget` variants of both
  when the binding resource is the budget (value per unit of spend);
- not_worth_it (it fits but adds no value) and solver_gap (it fits and has value: the solver
  stopped within its gap before adding it).

`price_of_forcing(data, params, result, project_id)` re-solves with the project forced in and
returns the objective lost (or `forcing_infeasible`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analytics import selection
from analytics.errors import InvalidInput
from analytics.fit import FitState, Violation
from analytics.months import month_text
from analytics.prepare import Prepared, prepare
from analytics.selection_types import LeftOut, PortfolioData, Reason, SelectionParams, SelectionResult

REASON_CODES: tuple[str, ...] = (
    "forced_out", "outside_horizon", "dependency", "dependency_late", "dependency_unavailable", "exclusive_group",
    "high_risk_cap", "capacity", "budget", "annual_budget", "category_balance", "category_minimum",
    "capacity_alone", "budget_alone", "annual_budget_alone",
    "low_value_density", "low_value_density_budget", "better_combination", "better_combination_budget",
    "not_worth_it", "solver_gap",
)
RESOURCE_CODES = frozenset({"capacity", "budget", "annual_budget"})


def explain_left_out(data: PortfolioData, params: SelectionParams, result: SelectionResult) -> tuple[LeftOut, ...]:
    """A LeftOut with reasons for every candidate the result does not select (none without a solution)."""
    if not result.has_solution:
        return ()
    prep = prepare(data, params)
    chosen = selection.chosen_options(prep, result)
    state = FitState(prep, chosen)
    context = _Context(prep, state, FitState(prep), _chosen_densities(prep, state, chosen), result)
    selected = {p.project_id for p in result.selected}
    out = []
    for pid in prep.candidates().index:
        if pid not in selected:
            out.append(_left_out(context, pid))
    return tuple(sorted(out, key=lambda item: -item.value))


@dataclasses.dataclass(frozen=True)
class _Context:
    """What every left-out project is compared with (built once per explanation run)."""

    prep: Prepared
    state: FitState            # committed work + the chosen portfolio
    empty: FitState            # committed work only
    densities: dict[str, pd.Series]
    result: SelectionResult


def _left_out(context: _Context, pid: str) -> LeftOut:
    row = context.prep.projects.loc[pid]
    return LeftOut(project_id=pid, name=str(row["name"]), value=round(float(row["value"]), 4),
                   cost=float(row["budget"]), reasons=tuple(_reasons(context, pid)))


def _reasons(context: _Context, pid: str) -> list[Reason]:
    prep, state, result = context.prep, context.state, context.result
    row = prep.projects.loc[pid]
    if row["forced_out"]:
        return [Reason("forced_out")]
    options = np.asarray(state.options_of(pid))
    if len(options) == 0:
        return [_outside(prep, row)]
    per_start = [state.violations(int(o)) for o in options]
    if any(not found for found in per_start):
        if row["value"] <= 0:
            return [Reason("not_worth_it", {"value": round(float(row["value"]), 2)})]
        return [Reason("solver_gap", {"gap": float(result.gap or 0.0)})]
    alone = _alone(context.empty, options)
    if alone:
        return [r for r in _merge(per_start) if r.code not in RESOURCE_CODES] + alone
    reasons = _merge(per_start)
    density = _density_reason(prep, state, context.densities, int(options[0]), reasons)
    return reasons + ([density] if density is not None else [])


def _alone(empty: FitState, options: np.ndarray) -> list[Reason]:
    """Resource limits the project breaks at every start even with no other new work: `*_alone` reasons."""
    per_start = [[v for v in empty.violations(int(o)) if v.code in RESOURCE_CODES] for o in options]
    if not all(per_start):
        return []
    return [Reason(r.code + "_alone", dict(r.params)) for r in _merge(per_start)]


def _outside(prep: Prepared, row: pd.Series) -> Reason:
    return Reason("outside_horizon", {
        "earliest": month_text(prep.horizon_start + int(row["start_rel"])),
        "latest": month_text(prep.horizon_start + int(row["latest_rel"])),
        "horizon_start": prep.months[0], "horizon_end": prep.months[-1],
    })


def _merge(per_start: list[list[Violation]]) -> list[Reason]:
    """One reason per (code, subject), with the first start's numbers and how many starts it applies to."""
    merged: dict[tuple[str, str], tuple[Violation, int]] = {}
    for found in per_start:
        for v in found:
            code = _code(v)
            key = (code, str(v.params.get("role") or v.params.get("predecessor") or v.params.get("year")
                             or v.params.get("category") or v.params.get("group") or ""))
            first, count = merged.get(key, (v, 0))
            merged[key] = (first, count + 1)
    total = len(per_start)
    reasons = []
    for (code, _), (v, count) in merged.items():
        params = {k: val for k, val in v.params.items() if k not in ("state", "bound")}
        params.update(starts=count, total_starts=total)
        reasons.append(Reason(code, params))
    order = {c: i for i, c in enumerate(REASON_CODES)}
    return sorted(reasons, key=lambda r: (order.get(r.code, 99), -int(r.params.get("starts", 0))))


def _code(v: Violation) -> str:
    if v.code == "dependency":
        return {"finishes_late": "dependency_late", "unavailable": "dependency_unavailable"}.get(v.params.get("state"), "dependency")
    if v.code == "category_balance" and v.params.get("bound") == "min":
        return "category_minimum"
    return v.code


def _chosen_densities(prep: Prepared, state: FitState, chosen: Iterable[int]) -> dict[str, pd.Series]:
    """Value per unit of each resource (budget, each role's FTE-months) of the chosen new projects."""
    chosen = list(chosen)
    options = prep.options.iloc[chosen]
    out: dict[str, pd.Series] = {}
    spend = options["spend"].to_numpy(dtype=float)
    out["budget"] = pd.Series(options["value"].to_numpy()[spend > 0] / spend[spend > 0])
    load = prep.option_load[prep.option_load["option"].isin(chosen)]
    per_role = load.groupby(["role", "option"])["fte"].sum()
    values = prep.options["value"]
    for role, part in per_role.groupby(level=0):
        opts = part.index.get_level_values(1)
        out[role] = pd.Series(values.loc[opts].to_numpy() / part.to_numpy())
    return out


def _density_reason(prep: Prepared, state: FitState, densities: dict[str, pd.Series], option: int,
                    reasons: list[Reason]) -> Reason | None:
    """Compare value per unit of the binding resource with the chosen projects' (median and minimum)."""
    resource_reasons = [r for r in reasons if r.code in RESOURCE_CODES]
    if not resource_reasons:
        return None
    best = max(resource_reasons, key=lambda r: int(r.params.get("starts", 0)))
    value = float(prep.options.loc[option, "value"])
    if best.code == "capacity":
        role = str(best.params["role"])
        _, _, fte = state.option_load(option)
        roles, _, _ = state.option_load(option)
        use = float(fte[roles == prep.role_index(role)].sum())
        resource = role
    else:
        use = float(prep.options.loc[option, "spend"])
        resource = "budget"
    chosen = densities.get(resource, pd.Series(dtype=float))
    if use <= 0 or chosen.empty:
        return None
    density = value / use
    params: dict[str, Any] = {"resource": resource, "density": round(density, 4),
                              "chosen_median": round(float(chosen.median()), 4), "chosen_min": round(float(chosen.min()), 4)}
    code = "low_value_density" if density < float(np.median(chosen)) else "better_combination"
    return Reason(code + ("_budget" if resource == "budget" else ""), params)


def price_of_forcing(data: PortfolioData, params: SelectionParams, result: SelectionResult, project_id: str) -> LeftOut:
    """Re-solve with `project_id` forced in: objective lost, or `forcing_infeasible`."""
    if not result.has_solution or result.objective is None:
        raise InvalidInput("the run has no solution to compare with", key="explain.no_solution")
    prep = prepare(data, params)
    if project_id not in prep.candidates().index:
        raise InvalidInput(f"{project_id} is not a candidate of this run", key="explain.not_candidate", project=project_id)
    if any(p.project_id == project_id for p in result.selected):
        raise InvalidInput(f"{project_id} is already selected", key="explain.already_selected", project=project_id)
    forced = dataclasses.replace(
        params,
        force_in=tuple(dict.fromkeys((*params.force_in, project_id))),
        force_out=tuple(p for p in params.force_out if p != project_id),
    )
    chosen = selection.chosen_options(prep, result)
    state = FitState(prep, chosen)
    context = _Context(prep, state, FitState(prep), _chosen_densities(prep, state, chosen), result)
    reasons = tuple(_reasons(context, project_id))
    row = prep.projects.loc[project_id]
    base = LeftOut(project_id=project_id, name=str(row["name"]), value=round(float(row["value"]), 4),
                   cost=float(row["budget"]), reasons=reasons)
    rerun = selection.optimise(data, forced)
    if rerun.status == "infeasible":
        return dataclasses.replace(base, forcing_infeasible=True)
    if not rerun.has_solution or rerun.objective is None:
        return base
    return dataclasses.replace(base, price_of_forcing=round(result.objective - rerun.objective, 6))
