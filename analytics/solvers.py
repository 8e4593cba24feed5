"""Running a PuLP model on HiGHS (through highspy) or CBC, and reading back a trustworthy outcome.

`run(problem, variables, params)` solves and returns a `SolverOutcome`: the status in the product's
vocabulary (optimal / feasible / infeasible / no_solution / error), the values of `variables` ONLY
when the solver holds a solution, the objective and the best bound (both in the problem's own sense),
and the wall-clock seconds. `rerun_highs` re-optimises a model already loaded in highspy after its
row bounds changed (frontier points, marginal values), starting from a known feasible solution.

HiGHS runs in-process through `pulp.HiGHS` (never HiGHS_CMD, whose executable is not installed).
CBC is PuLP's bundled binary; its best bound is not returned by PuLP, so it is read from CBC's log.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import tempfile
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pulp

from analytics.errors import OptimizationError
from analytics.selection_types import SelectionParams, Status
from analytics.vocabulary import SOLUTION_STATUSES

_HIGHS_NAME = "highs"
_CBC_NAME = "cbc"
_AUTO_NAME = "auto"
_STOPPED = {
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kInterrupt,
    highspy.HighsModelStatus.kSolutionLimit,
    highspy.HighsModelStatus.kObjectiveBound,
    highspy.HighsModelStatus.kObjectiveTarget,
}
_FEASIBLE_SOLUTION = 2  # HighsInfo.primal_solution_status: kSolutionStatusFeasible


@dataclass(frozen=True)
class SolverOutcome:
    status: Status
    values: np.ndarray | None     # aligned with the variables asked for; None without a solution
    objective: float | None       # in the problem's sense (max problems: the maximum found)
    bound: float | None           # best bound in the same sense
    seconds: float
    solver: str
    message: str = ""
    highs: Any = None             # the highspy.Highs holding the model (HiGHS only), for re-solves
    col_index: np.ndarray | None = None  # HiGHS column of each variable
    load_seconds: float = 0.0     # part of `seconds` spent handing the model to the solver
    nodes: int | None = None      # branch-and-bound nodes (None: not reported), for the bench
    lp_iterations: int | None = None  # simplex iterations in all, for the bench


def run(
    problem: pulp.LpProblem,
    variables: Sequence[pulp.LpVariable],
    params: SelectionParams,
    *,
    relax: bool = False,
    warm_start: np.ndarray | None = None,
    options: Mapping[str, Any] | None = None,
) -> SolverOutcome:
    """Solve `problem` with the solver named in params (time limit, relative gap, threads respected).

    `auto` is decided by `selection.solve` from the model's shape (analytics/solver_choice.py); a caller
    that hands a bare problem here with `auto` (an LP relaxation, say) gets HiGHS. `options` are the
    solver's own settings (HiGHS option names and values; CBC command-line options such as
    `{"maxNodes": 100}`), used by the solver choice and the bench.
    """
    if params.solver in (_HIGHS_NAME, _AUTO_NAME):
        return _run_highs(problem, variables, params, relax, warm_start, options or {})
    if params.solver == _CBC_NAME:
        return _run_cbc(problem, variables, params, relax, warm_start, options or {})
    raise OptimizationError(f"unknown solver {params.solver}", key="explain.invalid_param", param="solver")


def _run_highs(
    problem: pulp.LpProblem,
    variables: Sequence[pulp.LpVariable],
    params: SelectionParams,
    relax: bool,
    warm_start: np.ndarray | None,
    options: Mapping[str, Any],
) -> SolverOutcome:
    """PuLP's own HiGHS interface, driven step by step so a MIP start can be handed over."""
    solver = pulp.HiGHS(
        mip=not relax, msg=False, timeLimit=params.time_limit_seconds, gapRel=params.mip_gap, threads=params.threads
    )
    started = time.perf_counter()
    try:
        solver.createAndConfigureSolver(problem)
        for name, value in options.items():
            problem.solverModel.setOptionValue(name, value)
        solver.buildSolverModel(problem)
        loaded = time.perf_counter() - started
        col_index = np.fromiter((v.index for v in variables), dtype=np.int64, count=len(variables))
        if warm_start is not None and not relax:
            _set_start(problem.solverModel, col_index, warm_start)
        solver.callSolver(problem)
    except (pulp.PulpSolverError, AttributeError) as e:
        raise OptimizationError(str(e), key="explain.solver_failed", solver=_HIGHS_NAME) from e
    outcome = _highs_outcome(problem.solverModel, col_index, problem.sense, time.perf_counter() - started)
    return dataclasses.replace(outcome, load_seconds=loaded)


def _set_start(highs: Any, col_index: np.ndarray, values: np.ndarray) -> None:
    start = highspy.HighsSolution()
    full = np.zeros(highs.getNumCol())
    full[col_index] = values
    start.col_value = full.tolist()
    start.value_valid = True
    highs.setSolution(start)


def rerun_highs(outcome: SolverOutcome, sense: int, warm_start: np.ndarray | None = None) -> SolverOutcome:
    """Re-optimise the highspy model of `outcome` (row bounds already changed), optionally warm-started."""
    highs = outcome.highs
    if highs is None or outcome.col_index is None:
        raise OptimizationError("no HiGHS model to re-solve", key="explain.solver_failed", solver=_HIGHS_NAME)
    if warm_start is not None:
        _set_start(highs, outcome.col_index, warm_start)
    started = time.perf_counter()
    highs.run()
    return _highs_outcome(highs, outcome.col_index, sense, time.perf_counter() - started)


def _highs_outcome(highs: Any, col_index: np.ndarray, sense: int, seconds: float) -> SolverOutcome:
    model_status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = info.primal_solution_status == _FEASIBLE_SOLUTION
    if model_status == highspy.HighsModelStatus.kOptimal:
        status: Status = "optimal"
    elif model_status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        status = "infeasible"
    elif model_status in _STOPPED:
        status = "feasible" if has_solution else "no_solution"
    else:
        status = "error"
    message = highs.modelStatusToString(model_status)
    if status not in SOLUTION_STATUSES or not has_solution:
        return SolverOutcome(status if status != "optimal" else "error", None, None, None, seconds, _HIGHS_NAME,
                             message, highs, col_index)
    # PuLP hands HiGHS the minimisation of -objective for a max problem: flip the signs back.
    flip = -1.0 if sense == pulp.LpMaximize else 1.0
    values = np.asarray(highs.getSolution().col_value)[col_index]
    objective = flip * info.objective_function_value
    bound = flip * info.mip_dual_bound if np.isfinite(info.mip_dual_bound) else objective
    return SolverOutcome(status, values, objective, bound, seconds, _HIGHS_NAME, message, highs, col_index,
                         nodes=int(info.mip_node_count), lp_iterations=int(info.simplex_iteration_count))


_CBC_RESULT = re.compile(r"^Result - (.+)$", re.MULTILINE)
_CBC_BOUND = re.compile(r"^(?:Lower|Upper) bound:\s+(\S+)", re.MULTILINE)
_CBC_NODES = re.compile(r"^Enumerated nodes:\s+(\d+)", re.MULTILINE)
_CBC_ITERATIONS = re.compile(r"^Total iterations:\s+(\d+)", re.MULTILINE)


def _run_cbc(
    problem: pulp.LpProblem,
    variables: Sequence[pulp.LpVariable],
    params: SelectionParams,
    relax: bool,
    warm_start: np.ndarray | None,
    options: Mapping[str, Any],
) -> SolverOutcome:
    if warm_start is not None:
        for var, value in zip(variables, warm_start, strict=True):
            var.setInitialValue(round(float(value)))
    handle, log_path = tempfile.mkstemp(prefix="lodestar_cbc_", suffix=".log")
    os.close(handle)
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # PuLP 3.3 marks PULP_CBC_CMD deprecated; it still works
            solver = pulp.PULP_CBC_CMD(
                mip=not relax, msg=False, timeLimit=params.time_limit_seconds, gapRel=params.mip_gap,
                threads=params.threads, logPath=log_path, warmStart=warm_start is not None,
                options=[f"{name} {value}" for name, value in options.items()],
            )
            problem.solve(solver)
        log = _read_and_remove(log_path)
    except pulp.PulpSolverError as e:
        _read_and_remove(log_path)
        raise OptimizationError(str(e), key="explain.solver_failed", solver=_CBC_NAME) from e
    seconds = time.perf_counter() - started
    return _cbc_outcome(problem, variables, log, seconds, relax)


def _read_and_remove(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    finally:
        with contextlib.suppress(OSError):
            os.remove(path)


def _cbc_outcome(problem: pulp.LpProblem, variables: Sequence[pulp.LpVariable], log: str, seconds: float, relax: bool) -> SolverOutcome:
    result = _CBC_RESULT.search(log)
    message = result.group(1).strip() if result else pulp.LpStatus.get(problem.status, "")
    if problem.status == pulp.LpStatusInfeasible or "infeasible" in message.lower():
        return SolverOutcome("infeasible", None, None, None, seconds, _CBC_NAME, message)
    has_solution = problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    if not has_solution or problem.status != pulp.LpStatusOptimal:
        status: Status = "no_solution" if problem.status in (pulp.LpStatusNotSolved, pulp.LpStatusOptimal) else "error"
        return SolverOutcome(status, None, None, None, seconds, _CBC_NAME, message)
    values = np.array([v.varValue if v.varValue is not None else 0.0 for v in variables], dtype=float)
    objective = float(pulp.value(problem.objective) or 0.0)
    proven = relax or problem.sol_status == pulp.LpSolutionOptimal
    bound = objective if proven else _cbc_bound(log, problem.sense, objective)
    return SolverOutcome("optimal" if proven else "feasible", values, objective, bound, seconds, _CBC_NAME, message,
                         nodes=_cbc_count(_CBC_NODES, log), lp_iterations=_cbc_count(_CBC_ITERATIONS, log))


def _cbc_count(pattern: re.Pattern[str], log: str) -> int | None:
    match = pattern.search(log)
    return int(match.group(1)) if match else None


def _cbc_bound(log: str, sense: int, objective: float) -> float | None:
    """CBC's best bound after a stop: 'Upper bound' for a max problem (run with -max), 'Lower bound' for min."""
    match = _CBC_BOUND.search(log)
    if match is None:
        return None
    try:
        bound = float(match.group(1))
    except ValueError:
        return None
    # the bound can never be worse than the incumbent; a sign slip would show as exactly that
    if sense == pulp.LpMaximize and bound < objective and abs(-bound - objective) < abs(bound - objective):
        bound = -bound
    return bound
