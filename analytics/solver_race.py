"""`--race`: HiGHS and CBC on the same model in two processes; keep the first proof, stop the other.

For CLI and batch runs only (never the default, never on the shared server): a race occupies a second
core for up to the whole time limit, which on a shared machine is a core taken from everyone else
(docs/optimiser.md, *Racing the two solvers*). `ortools` is not used: it cannot share a process with
`highspy`, and separate processes are what a race needs anyway.

Each racer is a fresh (spawned) process in its own process group: it builds the model from the
portfolio data, solves it with one solver on one thread and sends back the result as a dict. The
first answer that settles the question (proven optimal, or infeasible) wins and the other racer's
whole process group is killed (CBC runs as a child process of its racer, so killing the racer alone
would leave it running). If neither proves within the time limit, the better portfolio is kept and
its bound is the lower of the two solvers' bounds (both are valid for the same model), so the gap
reported is the tighter honest one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import signal
import time
from typing import Any

from analytics import selection
from analytics.selection_types import PortfolioData, SelectionParams, SelectionResult
from analytics.solver_choice import AUTO
from analytics.spawning import spawn_context
from analytics.vocabulary import SOLVERS

RACERS = tuple(s for s in SOLVERS if s != AUTO)   # every named solver races; `auto` is not one
GRACE_SECONDS = 30.0   # time a racer may need beyond the limit (start-up, build, reading the answer)
_SETTLED = ("optimal", "infeasible")


def _racer(data: PortfolioData, params: dict[str, Any], answers: Any) -> None:
    with contextlib.suppress(OSError):
        os.setpgrp()   # its own process group: CBC's child process goes with it when it is stopped
    run = SelectionParams.from_dict(params)
    try:
        result = selection.optimise(data, run)
        answers.put((run.solver, result.to_dict(), ""))
    except Exception as e:   # noqa: BLE001 - any failure is reported to the parent, which keeps the other racer
        answers.put((run.solver, None, f"{type(e).__name__}: {e}"))


def race_optimise(data: PortfolioData, params: SelectionParams) -> SelectionResult:
    """Solve with HiGHS and CBC at once; the first proof wins (see the module docstring)."""
    context = spawn_context()
    answers = context.Queue()
    racers = {}
    started = time.perf_counter()
    for solver in RACERS:
        run = dataclasses.replace(params, solver=solver, threads=1)
        racers[solver] = context.Process(target=_racer, args=(data, run.to_dict(), answers), daemon=True)
        racers[solver].start()
    results: dict[str, SelectionResult] = {}
    errors: dict[str, str] = {}
    deadline = started + params.time_limit_seconds + GRACE_SECONDS
    try:
        while len(results) + len(errors) < len(RACERS):
            try:
                solver, answer, error = answers.get(timeout=max(0.1, deadline - time.perf_counter()))
            except queue.Empty:
                break
            if answer is None:
                errors[solver] = error
                continue
            results[solver] = SelectionResult.from_dict(answer)
            if results[solver].status in _SETTLED:
                break
    finally:
        for process in racers.values():
            _stop(process)
    return _verdict(params, results, errors, time.perf_counter() - started)


def _stop(process: Any) -> None:
    if process.is_alive():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    process.join(timeout=5)


def _verdict(params: SelectionParams, results: dict[str, SelectionResult], errors: dict[str, str],
             seconds: float) -> SelectionResult:
    settled = [r for r in results.values() if r.status in _SETTLED]
    if settled:
        winner = settled[0]
        return _tagged(params, winner, proved=True, seconds=seconds)
    with_solution = [r for r in results.values() if r.has_solution]
    if not with_solution:
        if results:
            return _tagged(params, next(iter(results.values())), proved=False, seconds=seconds)
        return SelectionResult(
            status="error", objective=None, bound=None, gap=None, selected=(), total_cost=0.0, spend_by_month={},
            spend_by_category={}, load={}, capacity={}, hires={}, hire_cost=0.0, build_seconds=0.0,
            solve_seconds=seconds, solver="race", message="; ".join(f"{k}: {v}" for k, v in errors.items()),
        )
    best = max(with_solution, key=lambda r: r.objective or 0.0)
    bounds = [r.bound for r in with_solution if r.bound is not None]
    bound = max(min(bounds), best.objective) if bounds and best.objective is not None else best.bound
    gap = None if bound is None or best.objective is None else max(0.0, bound - best.objective) / max(abs(best.objective), 1e-9)
    return _tagged(params, dataclasses.replace(best, bound=bound, gap=gap), proved=False, seconds=seconds)


def _tagged(params: SelectionParams, result: SelectionResult, *, proved: bool, seconds: float) -> SelectionResult:
    race = {"winner": result.solver, "proved": proved, "status": result.status}
    choice = {"requested": params.solver, "solver": result.solver, "code": "race", "race": race}
    return dataclasses.replace(result, solver_choice=choice, solve_seconds=seconds - result.build_seconds)
