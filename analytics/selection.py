"""The portfolio selection and scheduling MILP: build it, solve it, read an honest result.

`build_model(data, params)` makes a PuLP model (maths in docs/optimiser.md): a binary y[p,s] per
candidate p and allowed start month s; committed work enters as constants. Every row is named
(`budget_total`, `budget_fy2027`, `capacity_dev_2027_03`, `dep_P12_P07_2027_05`, `excl_G1`,
`mandatory_P03`, `force_in_P05`, `force_out_P09`, `cat_min_<category>`, `cat_max_<category>`,
`high_risk_cap`, `one_start_P01`); names are sanitised for LP files (non-ASCII becomes `uXXXX`)
and `SelectionModel.labels` maps each back to a readable label such as `cat_min_数字化转型`.
Rows are built from grouped numpy/pandas arrays into `LpAffineExpression`s, never by `+=` loops.
`Strengthening` picks formulations that prove the optimum faster without changing it (project terms
on x[p], cumulative dependency rows, an LP-guided MIP start on large models; docs/optimiser.md).

`solve(model, params)` runs HiGHS or CBC (`auto`, the default, picks one by the model's shape:
analytics/solver_choice.py; the result's `solver_choice` says which and why) and returns a `SelectionResult`; values are read only when
the solver holds a solution. An infeasible model is explained by re-solving an elastic copy in which
the forced, mandatory, dependency, exclusive, capacity, budget, category and risk rows may be broken
at a cost (relative to each row's size); the labels of the rows whose slack is used are `violated`.
`optimise` = build + solve. `set_rhs` and `resolve` change a right-hand side and re-optimise the
model already loaded in the solver (frontier, marginal values) instead of rebuilding it.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pulp

from analytics import solver_choice, solvers
from analytics.errors import InvalidInput
from analytics.months import month_index, month_text
from analytics.prepare import (
    COMMITTED_STATUSES,
    Prepared,
    committed_in_horizon,
    prepare,
)
from analytics.selection_types import (
    Hire,
    PortfolioData,
    Reason,
    SelectedProject,
    SelectionParams,
    SelectionResult,
)
from analytics.vocabulary import NO_CATEGORY, SOLUTION_STATUSES

MONEY_OBJECTIVES = frozenset({"benefit", "net_benefit", "npv"})
# With a score objective, hires only cost budget; a tiny penalty stops the solver buying idle FTE.
SCORE_HIRE_PENALTY = 1e-6
ELASTIC_KINDS = frozenset({"force", "mandatory", "dependency", "exclusive", "capacity", "budget", "category", "risk"})
FORCE_SLACK_WEIGHT = 100.0


@dataclass(frozen=True)
class Strengthening:
    """Formulation choices that change how fast the solver proves the optimum, never which value is optimal.

    Each one is valid for every portfolio (tests/test_selection_speed_reductions.py solves random small
    portfolios with and without it, on both solvers, and compares the optima); docs/optimiser.md gives
    the measured effect of each.
    """

    cumulative_dependencies: bool = True   # "p started by s" <= "q finished by s" instead of per start
    project_terms: bool = True             # write the start-independent part of a row on x[p] (see _row_expr)
    # large models only (>= LP_START_MIN_OPTIONS options): hand the solver the LP relaxation rounded
    # greedily as a first portfolio (analytics.start_heuristic); small models find one at once anyway
    lp_guided_start: bool = True
    lp_start_min_options: int = 2000       # the size from which the LP-guided start is used


DEFAULT_STRENGTHENING = Strengthening()
NO_STRENGTHENING = Strengthening(cumulative_dependencies=False, project_terms=False, lp_guided_start=False)
LP_START_MIN_OPTIONS = DEFAULT_STRENGTHENING.lp_start_min_options


_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def lp_name(*parts: object) -> str:
    """A name every LP/MPS writer accepts: ASCII letters, digits and `_`; other characters as uXXXX."""
    text = "_".join(str(p) for p in parts)
    return _UNSAFE.sub(lambda m: "_" if m.group().isascii() else f"u{ord(m.group()):04x}", text)


def month_name_part(month: str) -> str:
    """A "YYYY-MM" month as it appears in constraint names ("2027_03")."""
    return month.replace("-", "_")


@dataclass
class SelectionModel:
    """A built model (mutable: it holds the PuLP problem and, after a HiGHS solve, the loaded solver)."""

    data: PortfolioData
    prep: Prepared
    problem: pulp.LpProblem
    choose: list[pulp.LpVariable]                     # aligned with prep.options
    hires: dict[tuple[int, int], pulp.LpVariable]      # (role index, month) -> FTE bought
    labels: dict[str, str] = field(default_factory=dict)     # row name -> readable label
    groups: dict[str, str] = field(default_factory=dict)     # row name -> label reported in `violated`
    about: dict[str, Reason] = field(default_factory=dict)   # label in `violated` -> what it asks, in words
    kinds: dict[str, str] = field(default_factory=dict)      # row name -> constraint family
    offsets: dict[str, float] = field(default_factory=dict)  # row name -> committed amount in the user's rhs
    slacks: dict[str, list[pulp.LpVariable]] = field(default_factory=dict)
    option_groups: dict[str, np.ndarray] = field(default_factory=dict)  # project_id -> its option indices
    # x[p] = sum_s y[p,s] for projects with several starts: branching on "is p in?" first closes
    # the gap far faster on HiGHS than branching on individual start months (measured, see docs).
    selected_vars: dict[str, pulp.LpVariable] = field(default_factory=dict)
    # per option: its project's code; per project code: number of options and x[p] (None: one start)
    option_project: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    project_option_count: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    project_vars: list[pulp.LpVariable | None] = field(default_factory=list)
    elastic: bool = False
    strengthening: Strengthening = field(default_factory=lambda: DEFAULT_STRENGTHENING)
    build_seconds: float = 0.0
    last: solvers.SolverOutcome | None = None           # the last solver outcome (HiGHS keeps the model)
    choice: solver_choice.SolverChoice | None = None    # the solver the last solve used, and why (auto)

    @property
    def params(self) -> SelectionParams:
        return self.prep.params

    def capacity_rows(self, role: str) -> list[str]:
        prefix = lp_name("capacity", role) + "_"
        return [n for n, k in self.kinds.items() if k == "capacity" and n.startswith(prefix)]


class _Rows:
    """Adds named rows; in elastic mode each breakable row gets a slack costed relative to its size."""

    def __init__(self, model: SelectionModel) -> None:
        self.model = model
        self.never: pulp.LpVariable | None = None

    def add(self, label: str, expr: pulp.LpAffineExpression, sense: int, rhs: float, *, kind: str,
            group: str | None = None, offset: float = 0.0, scale: float = 1.0, about: Reason | None = None) -> str:
        model = self.model
        if about is not None:
            model.about.setdefault(group or label, about)
        name = lp_name(label)
        if name in model.labels:
            name = f"{name}_{len(model.labels)}"
        if model.elastic and kind in ELASTIC_KINDS:
            # Breaking what the user demanded (forced, mandatory) costs most, so the report names
            # the budget, capacity or dependency rows that stand in the way of those demands.
            weight = (FORCE_SLACK_WEIGHT if kind in ("force", "mandatory") else 1.0) / max(1.0, abs(scale))
            bounds = [(pulp.LpConstraintLE, -1.0), (pulp.LpConstraintGE, 1.0)]
            directions = [d for s, d in bounds if sense in (s, pulp.LpConstraintEQ)]
            slack_vars = [model.problem.add_variable(f"s{len(model.slacks)}_{i}", lowBound=0) for i in range(len(directions))]
            for var, direction in zip(slack_vars, directions, strict=True):
                expr = expr + direction * var
                model.problem.objective += weight * var
            model.slacks[name] = slack_vars
        elif not expr:
            if _holds(0.0, sense, rhs):
                return name
            expr = pulp.LpAffineExpression([(self._never(), 1.0)])   # keep the impossible row visible
        model.problem.addConstraint(pulp.LpConstraint(expr, sense, name, rhs))
        model.labels[name] = label
        model.groups[name] = group or label
        model.kinds[name] = kind
        model.offsets[name] = offset
        return name

    def _never(self) -> pulp.LpVariable:
        if self.never is None:
            self.never = self.model.problem.add_variable("never", lowBound=0, upBound=0)
        return self.never


def _holds(lhs: float, sense: int, rhs: float) -> bool:
    tolerance = 1e-9
    if sense == pulp.LpConstraintLE:
        return lhs <= rhs + tolerance
    if sense == pulp.LpConstraintGE:
        return lhs >= rhs - tolerance
    return abs(lhs - rhs) <= tolerance


def _expr(variables: list[pulp.LpVariable], options: np.ndarray, coefficients: np.ndarray) -> pulp.LpAffineExpression:
    return pulp.LpAffineExpression(zip([variables[i] for i in options], coefficients.tolist(), strict=True))


def _row_expr(model: SelectionModel, options: np.ndarray, coefficients: np.ndarray) -> pulp.LpAffineExpression:
    """sum_o c_o y_o, with the part every start of a project shares written on its x[p].

    For a project p with several starts whose options all appear with coefficients c_s, the terms
    sum_s c_s y[p,s] equal m x[p] + sum_s (c_s - m) y[p,s] with m = min_s c_s, because x[p] = sum_s y[p,s]
    (row one_start_p). Same row, same LP, same integer points; but a month that every start of p
    covers now reads m x[p] alone, so the solver's knapsack-cover and clique reasoning works on "is p
    in?" instead of on each start separately, and the rows get sparser.
    """
    options = np.asarray(options, dtype=np.int64)
    coefficients = np.asarray(coefficients, dtype=float)
    if not model.strengthening.project_terms or not model.selected_vars or not len(options):
        return _expr(model.choose, options, coefficients)
    codes = model.option_project[options]
    order = np.argsort(codes, kind="stable")
    codes, options, coefficients = codes[order], options[order], coefficients[order]
    unique, first, counts = np.unique(codes, return_index=True, return_counts=True)
    shared = np.minimum.reduceat(coefficients, first)
    whole = (counts == model.project_option_count[unique]) & (counts > 1) & (shared != 0)
    shared_per_term = np.repeat(np.where(whole, shared, 0.0), counts)
    rest = coefficients - shared_per_term
    keep = rest != 0
    terms = [(model.project_vars[int(c)], float(m)) for c, m in zip(unique[whole], shared[whole], strict=True)]
    terms += [(model.choose[int(o)], float(c)) for o, c in zip(options[keep], rest[keep], strict=True)]
    return pulp.LpAffineExpression(terms)


def build_model(data: PortfolioData, params: SelectionParams, *, elastic: bool = False,
                strengthening: Strengthening = DEFAULT_STRENGTHENING) -> SelectionModel:
    """Build the named MILP for one run (elastic=True: the slack version used to explain infeasibility).

    `strengthening` picks the tighter-but-equivalent formulations (default: all on; tests turn them off).
    """
    started = time.perf_counter()
    prep = prepare(data, params)
    sense = pulp.LpMinimize if elastic else pulp.LpMaximize
    problem = pulp.LpProblem("lodestar_selection", sense)
    choose = [problem.add_variable(f"y{i}", 0, 1, cat=pulp.LpBinary) for i in range(len(prep.options))]
    model = SelectionModel(data=data, prep=prep, problem=problem, choose=choose, hires={}, elastic=elastic,
                           strengthening=strengthening)
    problem.objective = pulp.LpAffineExpression()
    rows = _Rows(model)
    _add_hires(model)
    _one_start_rows(model, rows)
    _force_rows(model, rows)
    _budget_rows(model, rows)
    _capacity_rows(model, rows)
    _dependency_rows(model, rows)
    _exclusive_rows(model, rows)
    _category_rows(model, rows)
    _risk_row(model, rows)
    if not elastic:
        _objective(model)
    model.build_seconds = time.perf_counter() - started
    return model


def _add_hires(model: SelectionModel) -> None:
    prep = model.prep
    if not prep.params.allow_hiring:
        return
    touched = prep.option_load.groupby(["role", "month"]).size().index
    for role, month in touched:
        r = prep.role_index(role)
        if np.isfinite(prep.capacity[r, month]) and np.isfinite(prep.hire_cost[r, month]):
            model.hires[(r, int(month))] = model.problem.add_variable(f"hire_{r}_{int(month)}", lowBound=0)


def _option_groups(prep: Prepared) -> dict[str, np.ndarray]:
    codes, uniques = pd.factorize(prep.options["project_id"])
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {pid: order[bounds[i]:bounds[i + 1]] for i, pid in enumerate(uniques)}


def _project_sum(model: SelectionModel, groups: dict[str, np.ndarray], pid: str) -> pulp.LpAffineExpression:
    """1 if project pid is selected (at any start), as an expression; empty if it has no option."""
    if pid in model.selected_vars:
        return pulp.LpAffineExpression([(model.selected_vars[pid], 1.0)])
    opts = groups.get(pid, np.array([], dtype=int))
    return _expr(model.choose, opts, np.ones(len(opts)))


def _one_start_rows(model: SelectionModel, rows: _Rows) -> None:
    """sum_s y[p,s] - x[p] = 0 with x[p] binary: at most one start, and a project-level decision."""
    groups = model.option_groups = _option_groups(model.prep)
    model.option_project = np.zeros(len(model.choose), dtype=np.int64)
    model.project_option_count = np.array([len(opts) for opts in groups.values()], dtype=np.int64)
    model.project_vars = []
    for code, (pid, opts) in enumerate(groups.items()):
        model.option_project[opts] = code
        if len(opts) < 2:
            model.project_vars.append(None)
            continue
        selected = model.selected_vars[pid] = model.problem.add_variable(f"x_{lp_name(pid)}", 0, 1, cat=pulp.LpBinary)
        model.project_vars.append(selected)
        expr = _expr(model.choose, opts, np.ones(len(opts)))
        expr.addInPlace(pulp.LpAffineExpression([(selected, -1.0)]))
        rows.add(f"one_start_{pid}", expr, pulp.LpConstraintEQ, 0, kind="one_start")


def _force_rows(model: SelectionModel, rows: _Rows) -> None:
    groups = model.option_groups
    cands = model.prep.candidates()
    for pid in cands.index[cands["mandatory"].to_numpy(dtype=bool)]:
        rows.add(f"mandatory_{pid}", _project_sum(model, groups, pid), pulp.LpConstraintGE, 1, kind="mandatory",
                 about=Reason("infeasible_mandatory", {"project": pid}))
    for pid in cands.index[cands["forced_in"].to_numpy(dtype=bool)]:
        rows.add(f"force_in_{pid}", _project_sum(model, groups, pid), pulp.LpConstraintGE, 1, kind="force",
                 about=Reason("infeasible_force_in", {"project": pid}))
    for pid in cands.index[cands["forced_out"].to_numpy(dtype=bool)]:
        if pid in groups:
            rows.add(f"force_out_{pid}", _project_sum(model, groups, pid), pulp.LpConstraintLE, 0, kind="force",
                     about=Reason("infeasible_force_out", {"project": pid}))


def _hire_terms(model: SelectionModel, months: set[int] | None = None) -> list[tuple[pulp.LpVariable, float]]:
    prep = model.prep
    return [
        (var, float(prep.hire_cost[r, m]))
        for (r, m), var in model.hires.items()
        if months is None or m in months
    ]


def _budget_rows(model: SelectionModel, rows: _Rows) -> None:
    prep, params = model.prep, model.prep.params
    if params.budget is not None:
        options = prep.options
        expr = _row_expr(model, options["option"].to_numpy(), options["spend"].to_numpy(dtype=float))
        expr.addInPlace(pulp.LpAffineExpression(_hire_terms(model)))
        committed = float(prep.committed_spend.sum())
        rows.add("budget_total", expr, pulp.LpConstraintLE, params.budget - committed, kind="budget",
                 offset=committed, scale=params.budget,
                 about=Reason("infeasible_budget", {"budget": _amount(params.budget), "committed": _amount(committed)}))
    if not params.annual_budget_caps:
        return
    spend = prep.option_spend_month.assign(fy=prep.fiscal_years[prep.option_spend_month["month"].to_numpy()])
    per_year = spend.groupby(["fy", "option"], as_index=False)["spend"].sum()
    for year, cap in sorted(params.annual_budget_caps.items()):
        months = set(np.flatnonzero(prep.fiscal_years == year).tolist())
        if not months:
            continue
        part = per_year[per_year["fy"] == year]
        expr = _row_expr(model, part["option"].to_numpy(), part["spend"].to_numpy(dtype=float))
        expr.addInPlace(pulp.LpAffineExpression(_hire_terms(model, months)))
        committed = float(prep.committed_spend[sorted(months)].sum())
        rows.add(f"budget_fy{year}", expr, pulp.LpConstraintLE, cap - committed, kind="budget", offset=committed, scale=cap,
                 about=Reason("infeasible_annual_budget", {"year": int(year), "cap": _amount(cap), "committed": _amount(committed)}))


def _capacity_rows(model: SelectionModel, rows: _Rows) -> None:
    """load of committed + chosen work <= capacity (+ hires); committed overload never blocks the model."""
    prep = model.prep
    load = prep.option_load
    if load.empty:
        return
    role_codes = load["role"].map({r: i for i, r in enumerate(prep.roles)}).to_numpy(dtype=np.int64)
    months = load["month"].to_numpy(dtype=np.int64)
    keys = role_codes * prep.horizon + months
    order = np.argsort(keys, kind="stable")
    keys, options, fte = keys[order], load["option"].to_numpy()[order], load["fte"].to_numpy(dtype=float)[order]
    cuts = np.flatnonzero(np.diff(keys)) + 1
    keep_committed_fixed = not prep.params.allow_cancel_committed
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(keys)], strict=True):
        r, m = divmod(int(keys[lo]), prep.horizon)
        capacity = prep.capacity[r, m]
        if not np.isfinite(capacity):
            continue   # a role with no capacity data at all is not constrained
        rhs = capacity - float(prep.committed_load[r, m])
        if keep_committed_fixed:
            rhs = max(rhs, 0.0)
        expr = _row_expr(model, options[lo:hi], fte[lo:hi])
        hire = model.hires.get((r, m))
        if hire is not None:
            expr.addInPlace(pulp.LpAffineExpression([(hire, -1.0)]))
        rows.add(f"capacity_{prep.roles[r]}_{month_name_part(prep.months[m])}", expr, pulp.LpConstraintLE, rhs,
                 kind="capacity", offset=capacity - rhs, scale=capacity,
                 about=Reason("infeasible_capacity", {"role": prep.roles[r], "month": prep.months[m],
                                                      "capacity": _amount(capacity), "committed": _amount(capacity - rhs)}))


def _dependency_rows(model: SelectionModel, rows: _Rows) -> None:
    """Start only after the predecessor finishes.

    Cumulative form (default): for each start s of p, "p started by s" <= "q finished by s", i.e.
    sum_{s'' <= s} y[p,s''] <= sum_{s' + duration(q) <= s} y[q,s']. It allows exactly the same integer
    portfolios as the per-start rows y[p,s] <= sum_{s' + duration(q) <= s} y[q,s'] (with at most one
    start each, the left side is 0 or the one chosen start) but its LP relaxation is tighter: one unit
    of a finished predecessor can no longer back several fractional starts of p.
    """
    prep = model.prep
    groups = model.option_groups
    starts = prep.options["t"].to_numpy(dtype=int)
    cumulative = model.strengthening.cumulative_dependencies
    for dep in prep.dependencies.itertuples():
        if dep.kind == "satisfied" or dep.project_id not in groups:
            continue
        label = f"dep_{dep.project_id}_{dep.predecessor}"
        pred_opts = groups.get(dep.predecessor, np.array([], dtype=int))
        pred_finish = starts[pred_opts] + int(prep.projects.loc[dep.predecessor, "duration"]) if dep.kind == "candidate" else None
        own = groups[dep.project_id]
        own = own[np.argsort(starts[own], kind="stable")]
        for position, opt in enumerate(own):
            s = int(starts[opt])
            if dep.kind == "committed" and s > dep.predecessor_end:
                continue
            started = own[:position + 1] if cumulative and dep.kind == "candidate" else own[position:position + 1]
            expr = _expr(model.choose, started, np.ones(len(started)))
            if dep.kind == "candidate":
                ready = pred_opts[pred_finish <= s]
                expr.addInPlace(_expr(model.choose, ready, -np.ones(len(ready))))
            rows.add(f"{label}_{month_name_part(month_text(prep.horizon_start + s))}", expr, pulp.LpConstraintLE, 0,
                     kind="dependency", group=label,
                     about=Reason("infeasible_dependency", {"project": dep.project_id, "predecessor": dep.predecessor}))


def _exclusive_rows(model: SelectionModel, rows: _Rows) -> None:
    prep = model.prep
    groups = model.option_groups
    projects = prep.projects[prep.projects["exclusive_group"].notna()]
    for group, members in projects.groupby("exclusive_group"):
        committed = int((members["kind"] == "committed").sum())
        expr = pulp.LpAffineExpression()
        for pid in members.index:
            if pid in groups:
                expr.addInPlace(_project_sum(model, groups, pid))
        if not expr and committed <= 1:
            continue
        rows.add(f"excl_{group}", expr, pulp.LpConstraintLE, 1 - committed, kind="exclusive", offset=committed,
                 about=Reason("infeasible_exclusive", {"group": group, "committed": committed}))


def _category_rows(model: SelectionModel, rows: _Rows) -> None:
    """share of spend: sum_{p in c} S_p y_p + C_c >= min * (sum_p S_p y_p + C) (and <= max ...)."""
    prep, params = model.prep, model.prep.params
    options = prep.options
    category = prep.projects.loc[options["project_id"], "category"].fillna(NO_CATEGORY).to_numpy()
    spend = options["spend"].to_numpy(dtype=float)
    committed = prep.committed()
    committed_total = float(committed_in_horizon(prep, committed.index).sum())
    for limits, sense, prefix in ((params.category_min_share, pulp.LpConstraintGE, "cat_min"),
                                  (params.category_max_share, pulp.LpConstraintLE, "cat_max")):
        for cat, share in sorted(limits.items()):
            in_cat = committed.index[committed["category"].fillna(NO_CATEGORY) == cat]
            committed_cat = float(committed_in_horizon(prep, in_cat).sum())
            coef = ((category == cat).astype(float) - share) * spend
            nonzero = np.flatnonzero(coef)
            rows.add(f"{prefix}_{cat}", _row_expr(model, options["option"].to_numpy()[nonzero], coef[nonzero]),
                     sense, share * committed_total - committed_cat, kind="category",
                     scale=max(committed_total, float(spend.sum())) * max(share, 0.01),
                     about=Reason(f"infeasible_{prefix}", {"category": cat, "share": float(share)}))


def _risk_row(model: SelectionModel, rows: _Rows) -> None:
    prep, params = model.prep, model.prep.params
    if params.max_high_risk is None:
        return
    expr = pulp.LpAffineExpression()
    for pid in prep.candidates().index[prep.candidates()["high_risk"].to_numpy(dtype=bool)]:
        if pid in model.option_groups:
            expr.addInPlace(_project_sum(model, model.option_groups, pid))
    committed = int(prep.committed()["high_risk"].sum())
    rows.add("high_risk_cap", expr, pulp.LpConstraintLE,
             params.max_high_risk - committed, kind="risk", offset=committed, scale=max(params.max_high_risk, 1),
             about=Reason("infeasible_high_risk", {"cap": int(params.max_high_risk), "committed": committed}))


def _objective(model: SelectionModel) -> None:
    prep = model.prep
    values = prep.options["value"].to_numpy(dtype=float)
    objective = _row_expr(model, prep.options["option"].to_numpy(), values)
    money = prep.params.objective in MONEY_OBJECTIVES
    objective.addInPlace(pulp.LpAffineExpression(
        [(var, -(cost if money else SCORE_HIRE_PENALTY)) for var, cost in _hire_terms(model)]
    ))
    model.problem.objective = objective


# --------------------------------------------------------------------------------------------- solve


def solve(model: SelectionModel, params: SelectionParams | None = None, *, warm_start: np.ndarray | None = None,
          diagnose: bool = True, solver_options: Mapping[str, Any] | None = None) -> SelectionResult:
    """Solve with the solver, time limit, gap and threads of `params` (default: the model's own).

    `auto` is replaced by the solver chosen for the model's shape (analytics/solver_choice.py), with
    the options that choice carries; `solver_options` adds the solver's own settings (the bench's
    node limits). An infeasible model is diagnosed (`violated`) unless diagnose=False.
    """
    params = _with_solver(model, params or model.params)
    if not solver_variables(model) and not model.problem.constraints():
        # nothing to decide (every proposal outside the horizon, say): solvers call an empty model an error
        outcome = solvers.SolverOutcome("optimal", np.zeros(0), 0.0, 0.0, 0.0, params.solver, "nothing to decide")
    else:
        started = time.perf_counter()
        if warm_start is None and _wants_lp_start(model):
            from analytics.start_heuristic import lp_guided_start  # it builds on this module

            warm_start = lp_guided_start(model)
        spent = time.perf_counter() - started   # the heuristic's seconds come out of the run's time limit
        # ... but the solver always keeps a second of its own (or the whole limit when that is shorter)
        remaining = max(min(1.0, params.time_limit_seconds), params.time_limit_seconds - spent)
        run_params = dataclasses.replace(params, time_limit_seconds=remaining)
        options = {**(model.choice.options if model.choice else {}), **(solver_options or {})}
        outcome = solvers.run(model.problem, solver_variables(model), run_params, warm_start=_full_start(model, warm_start),
                              options=options)
        outcome = dataclasses.replace(outcome, seconds=outcome.seconds + spent)
    model.last = outcome
    return _result(model, params, outcome, diagnose=diagnose)


def _with_solver(model: SelectionModel, params: SelectionParams) -> SelectionParams:
    """params with `auto` replaced by the solver chosen for this model (kept on the model for re-solves)."""
    requested = params.solver
    if model.choice is None or model.choice.requested != requested:
        model.choice = solver_choice.choose_for(model, requested)
    return dataclasses.replace(params, solver=model.choice.solver)


def _wants_lp_start(model: SelectionModel) -> bool:
    strengthening = model.strengthening
    big_enough = len(model.choose) >= strengthening.lp_start_min_options or (model.choice is not None and model.choice.lp_start)
    return strengthening.lp_guided_start and not model.elastic and big_enough


def solver_variables(model: SelectionModel) -> list[pulp.LpVariable]:
    """The columns whose values a solve returns, in order: options, project binaries, hires."""
    return model.choose + list(model.selected_vars.values()) + list(model.hires.values())


def chosen_options(prep: Prepared, result: SelectionResult) -> list[int]:
    """Option indices of a result's selections that are decisions of this run (committed work kept is not)."""
    options = prep.options
    lookup = {(pid, int(t)): int(o) for pid, t, o in zip(options["project_id"], options["t"], options["option"], strict=True)}
    chosen = []
    for project in result.selected:
        key = (project.project_id, month_index(project.start_month) - prep.horizon_start)
        if key in lookup:
            chosen.append(lookup[key])
    return chosen


def choice_vector(prep: Prepared, result: SelectionResult) -> np.ndarray:
    """0/1 per option: a warm start reproducing `result`."""
    vector = np.zeros(len(prep.options))
    vector[chosen_options(prep, result)] = 1.0
    return vector


def last_choice(model: SelectionModel) -> np.ndarray | None:
    """0/1 per option as the model's last solve chose (a warm start for the next); None without values."""
    outcome = model.last
    if outcome is None or outcome.values is None:
        return None
    return (outcome.values[:len(model.choose)] > 0.5).astype(float)


def _full_start(model: SelectionModel, warm_start: np.ndarray | None) -> np.ndarray | None:
    """A start for every solver variable from a 0/1 choice of options (hires left at 0 to be repaired)."""
    if warm_start is None:
        return None
    chosen = np.round(np.asarray(warm_start, dtype=float))
    selected = [float(chosen[model.option_groups[pid]].sum()) for pid in model.selected_vars]
    return np.concatenate([chosen, np.array(selected), np.zeros(len(model.hires))])


def optimise(data: PortfolioData, params: SelectionParams) -> SelectionResult:
    """Build and solve; an infeasible result names the constraints that cannot hold together."""
    model = build_model(data, params)
    return solve(model)


def set_rhs(model: SelectionModel, name: str, user_value: float) -> None:
    """Set row `name` to the user's value (committed amounts are subtracted as when it was built)."""
    constraint = _row(model, name)
    rhs = user_value - model.offsets.get(name, 0.0)
    constraint.changeRHS(rhs)
    outcome = model.last
    index = getattr(constraint, "index", None)   # set by PuLP's HiGHS interface when it loads the row
    if outcome is not None and outcome.highs is not None and index is not None:
        lower = rhs if constraint.sense in (pulp.LpConstraintGE, pulp.LpConstraintEQ) else -np.inf
        upper = rhs if constraint.sense in (pulp.LpConstraintLE, pulp.LpConstraintEQ) else np.inf
        outcome.highs.changeRowBounds(index, lower, upper)


def _row(model: SelectionModel, name: str) -> pulp.LpConstraint:
    row = model.problem.get_constraint_by_name(name)
    if row is None:
        raise InvalidInput(f"the model has no row {name}", key="explain.no_row", row=name)
    return row


def row_rhs(model: SelectionModel, name: str) -> float:
    """The row's right-hand side in the user's terms (committed amounts added back)."""
    return -_row(model, name).constant + model.offsets.get(name, 0.0)


def resolve(model: SelectionModel, params: SelectionParams | None = None, *, warm_start: np.ndarray | None = None,
            diagnose: bool = True) -> SelectionResult:
    """Re-optimise after `set_rhs`: HiGHS re-runs the model it holds; CBC re-solves the PuLP model."""
    params = _with_solver(model, params or model.params)
    outcome = model.last
    if params.solver == "highs" and outcome is not None and outcome.highs is not None:
        started = time.perf_counter()
        new = solvers.rerun_highs(outcome, model.problem.sense, _full_start(model, warm_start))
        model.last = dataclasses.replace(new, seconds=time.perf_counter() - started)
        return _result(model, params, model.last, build_seconds=0.0, diagnose=diagnose)
    return solve(model, params, warm_start=warm_start, diagnose=diagnose)


# -------------------------------------------------------------------------------------------- result


def _result(model: SelectionModel, params: SelectionParams, outcome: solvers.SolverOutcome,
            build_seconds: float | None = None, diagnose: bool = True) -> SelectionResult:
    build = model.build_seconds if build_seconds is None else build_seconds
    if outcome.status not in SOLUTION_STATUSES or outcome.values is None:
        violated: tuple[str, ...] = ()
        reasons: tuple[Reason, ...] = ()
        if outcome.status == "infeasible" and diagnose and not model.elastic:
            violated, reasons = diagnose_infeasibility(model, params)
        empty = empty_result(model.prep, outcome.status, build, outcome.seconds, outcome.solver, outcome.message, violated)
        return _with_choice(model, dataclasses.replace(empty, violated_reasons=reasons))
    n = len(model.choose)
    chosen = outcome.values[:n] > 0.5
    hires = outcome.values[n + len(model.selected_vars):]
    result = result_from_choice(model.prep, chosen, hires, list(model.hires), outcome, build)
    return _with_choice(model, result)


def _with_choice(model: SelectionModel, result: SelectionResult) -> SelectionResult:
    if model.choice is None or model.choice.requested != solver_choice.AUTO:
        return result
    return dataclasses.replace(result, solver_choice=model.choice.to_dict())


def empty_result(prep: Prepared, status: str, build: float, seconds: float, solver: str, message: str = "",
                 violated: tuple[str, ...] = ()) -> SelectionResult:
    return SelectionResult(
        status=status, objective=None, bound=None, gap=None, selected=(), total_cost=0.0, spend_by_month={},
        spend_by_category={}, load={}, capacity=_capacity_map(prep), hires={}, hire_cost=0.0,
        build_seconds=build, solve_seconds=seconds, solver=solver, message=message, violated=violated,
    )


def result_from_choice(prep: Prepared, chosen: np.ndarray, hire_values: np.ndarray, hire_keys: list[tuple[int, int]],
                       outcome: solvers.SolverOutcome, build_seconds: float) -> SelectionResult:
    """The full result of a choice of options (+ hires); objective recomputed from the data."""
    options = prep.options[chosen]
    hire_spend = np.zeros(prep.horizon)
    hires: dict[str, dict[str, float]] = {}
    hire_plan: list[Hire] = []
    hire_cost = 0.0
    for (r, m), fte in zip(hire_keys, hire_values, strict=True):
        if fte > 1e-6:
            cost = float(fte * prep.hire_cost[r, m])
            hires.setdefault(prep.roles[r], {})[prep.months[m]] = float(fte)
            hire_plan.append(Hire(prep.roles[r], prep.months[m], float(fte), cost))
            hire_spend[m] += cost
            hire_cost += cost
    money = prep.params.objective in MONEY_OBJECTIVES
    objective = float(options["value"].sum()) + prep.committed_value - (hire_cost if money else 0.0)
    offset = objective - (outcome.objective if outcome.objective is not None else objective)
    bound = outcome.bound + offset if outcome.bound is not None else None
    if bound is not None and outcome.status == "optimal":
        bound = max(bound, objective)
    gap = 0.0 if bound is None else max(0.0, bound - objective) / max(abs(objective), 1e-9)
    spend_month = _spend_by_month(prep, options["option"].to_numpy()) + hire_spend
    return SelectionResult(
        status=outcome.status, objective=objective, bound=bound, gap=gap,
        selected=_selected(prep, options), total_cost=float(spend_month.sum()),
        spend_by_month={m: float(v) for m, v in zip(prep.months, spend_month, strict=True)},
        spend_by_category=_spend_by_category(prep, options), load=_load(prep, options["option"].to_numpy()),
        capacity=_capacity_map(prep), hires=hires, hire_cost=hire_cost, build_seconds=build_seconds,
        solve_seconds=outcome.seconds, solver=outcome.solver, message=outcome.message,
        hire_plan=tuple(sorted(hire_plan, key=lambda h: (h.role, h.month))),
    )


def _selected(prep: Prepared, options: pd.DataFrame) -> tuple[SelectedProject, ...]:
    out = []
    projects = prep.projects
    for opt in options.itertuples():
        row = projects.loc[opt.project_id]
        start = prep.horizon_start + int(opt.t)
        out.append(_selected_project(opt.project_id, row, start, float(opt.value),
                                     committed=row["status"] in COMMITTED_STATUSES and int(opt.t) == int(row["start_rel"])))
    for pid, row in prep.committed().iterrows():
        out.append(_selected_project(pid, row, prep.horizon_start + int(row["start_rel"]), float(row["value"]), committed=True))
    return tuple(sorted(out, key=lambda p: (p.start_month, p.project_id)))


def _selected_project(pid: str, row: pd.Series, start: int, value: float, *, committed: bool) -> SelectedProject:
    risk = row["risk_score"]
    return SelectedProject(
        project_id=pid, name=str(row["name"]), category=None if pd.isna(row["category"]) else str(row["category"]),
        start_month=month_text(start), end_month=month_text(start + int(row["duration"]) - 1), value=value,
        cost=float(row["budget"]), risk_score=None if pd.isna(risk) else float(risk), committed=committed,
    )


def _spend_by_month(prep: Prepared, option_ids: np.ndarray) -> np.ndarray:
    spend = prep.committed_spend.copy()
    part = prep.option_spend_month[prep.option_spend_month["option"].isin(option_ids)]
    np.add.at(spend, part["month"].to_numpy(dtype=int), part["spend"].to_numpy(dtype=float))
    return spend


def _spend_by_category(prep: Prepared, options: pd.DataFrame) -> dict[str, float]:
    totals: dict[str, float] = {}
    categories = prep.projects["category"].fillna(NO_CATEGORY)
    for pid, spend in zip(options["project_id"], options["spend"], strict=True):
        totals[categories[pid]] = totals.get(categories[pid], 0.0) + float(spend)
    for pid, spend in committed_in_horizon(prep, prep.committed().index).items():
        totals[categories[pid]] = totals.get(categories[pid], 0.0) + float(spend)
    return totals


def _load(prep: Prepared, option_ids: np.ndarray) -> dict[str, dict[str, float]]:
    load = load_matrix(prep, option_ids)
    return {role: {m: float(v) for m, v in zip(prep.months, load[r], strict=True)} for r, role in enumerate(prep.roles)}


def load_matrix(prep: Prepared, option_ids: np.ndarray) -> np.ndarray:
    """roles x months FTE demanded by committed work plus the given options."""
    load = prep.committed_load.copy()
    part = prep.option_load[prep.option_load["option"].isin(option_ids)]
    if not part.empty:
        roles = part["role"].map({r: i for i, r in enumerate(prep.roles)}).to_numpy(dtype=int)
        np.add.at(load, (roles, part["month"].to_numpy(dtype=int)), part["fte"].to_numpy(dtype=float))
    return load


def _capacity_map(prep: Prepared) -> dict[str, dict[str, float]]:
    return {
        role: {m: float(v) for m, v in zip(prep.months, prep.capacity[r], strict=True)}
        for r, role in enumerate(prep.roles)
        if np.isfinite(prep.capacity[r]).all()
    }


# ------------------------------------------------------------------------------------ infeasibility


# Kinds whose slack is in the row's own unit (money, FTE, projects), so "short by" reads as a number.
_SHORT_KINDS = frozenset({"budget", "capacity", "risk", "exclusive"})


def diagnose_infeasibility(model: SelectionModel, params: SelectionParams) -> tuple[tuple[str, ...], tuple[Reason, ...]]:
    """The labels an elastic copy must break, and for each what it asks in words (`Reason`, code
    `infeasible_<kind>`) with `short`: how far the nearest plan found exceeds it, in the row's unit
    (money, FTE, projects; "" where the unit is a share of a project or of spend)."""
    elastic = _elastic_copy(model)
    outcome = solvers.run(elastic.problem, [v for vs in elastic.slacks.values() for v in vs], params)
    if outcome.values is None:
        return (), ()
    short: dict[str, float] = {}
    kinds: dict[str, str] = {}
    position = 0
    for name, slack_vars in elastic.slacks.items():
        amount = float(outcome.values[position:position + len(slack_vars)].sum())
        position += len(slack_vars)
        if amount > 1e-6:
            label = elastic.groups[name]
            short[label] = short.get(label, 0.0) + amount
            kinds.setdefault(label, elastic.kinds[name])
    reasons = []
    for label, amount in short.items():
        about = elastic.about.get(label, Reason("infeasible_other", {"row": label}))
        excess = (round(amount) if kinds[label] in ("risk", "exclusive") else float(amount)) \
            if kinds[label] in _SHORT_KINDS else ""
        reasons.append(Reason(about.code, {**about.params, "short": excess}))
    return tuple(short), tuple(reasons)


def _amount(value: float) -> float:
    """Money or FTE in an infeasibility reason, as a number: the UI and reports format it in the
    reader's locale (`i18n.numbers.reason_params`)."""
    return float(value)


def _elastic_copy(model: SelectionModel) -> SelectionModel:
    """The elastic twin, with every right-hand side changed since the build (set_rhs) carried over."""
    elastic = build_model(model.data, model.params, elastic=True, strengthening=model.strengthening)
    for row in model.problem.constraints():
        twin = elastic.problem.get_constraint_by_name(row.name)
        if twin is not None:
            twin.changeRHS(-row.constant)
    return elastic
