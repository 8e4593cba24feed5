"""A first portfolio for the MILP solver: the LP relaxation rounded greedily (a MIP start).

On large portfolios (1,000+ proposals) the solver's bound is close to the LP relaxation early, but
its own heuristics take long to find a portfolio near it. `lp_guided_start(model)` solves the LP
relaxation of the built model once, then walks the candidates in order of how much of each the LP
takes (then by value), placing each at the allowed start the LP likes best that keeps every constraint
(`analytics.fit`, the same checks as the greedy baseline and the explanations), and repeats passes
until nothing more fits. The result is only a starting point handed to the solver (which checks it
and may discard it); it never changes the model or which portfolio is optimal.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from analytics import solvers
from analytics.fit import FitState
from analytics.selection import SelectionModel, solver_variables

MAX_PASSES = 5
LP_TIME_SHARE = 0.2   # the relaxation may use at most this share of the run's time limit


def lp_guided_start(model: SelectionModel) -> np.ndarray | None:
    """0/1 per option of a portfolio that keeps every constraint, or None (no LP solution, hires, elastic)."""
    prep, params = model.prep, model.params
    if model.elastic or model.hires or not len(model.choose):
        return None   # with hiring, fit's rules buy FTE the model would price differently: leave it to the solver
    limit = max(1.0, params.time_limit_seconds * LP_TIME_SHARE)
    relaxed = solvers.run(model.problem, solver_variables(model), dataclasses.replace(params, time_limit_seconds=limit),
                          relax=True)
    if relaxed.values is None:
        return None
    option_lp = relaxed.values[:len(model.choose)]
    projects = prep.options["project_id"].to_numpy()
    values = prep.options["value"].to_numpy(dtype=float)
    taken: dict[str, float] = {}
    for pid, share in zip(projects, option_lp, strict=True):
        taken[pid] = taken.get(pid, 0.0) + float(share)
    cands = prep.candidates()
    required = set(cands.index[(cands["mandatory"] | cands["forced_in"]).to_numpy(dtype=bool)])
    best_value = {pid: float(v) for pid, v in zip(projects, values, strict=True)}
    order = sorted(taken, key=lambda pid: (pid not in required, -round(taken[pid], 6), -best_value[pid], pid))
    return _place(FitState(prep), order, model, option_lp, values)


def _place(state: FitState, order: list[str], model: SelectionModel, option_lp: np.ndarray,
           values: np.ndarray) -> np.ndarray:
    chosen = np.zeros(len(model.choose))
    remaining = [pid for pid in order if pid in model.option_groups]
    for _ in range(MAX_PASSES):
        added = False
        for pid in list(remaining):
            options = model.option_groups[pid]
            if values[options].max() <= 0:
                remaining.remove(pid)
                continue
            preferred = sorted(options, key=lambda o: (-round(float(option_lp[o]), 6), int(o)))
            option = next((int(o) for o in preferred if not state.violations(int(o))), None)
            if option is not None:
                state.add(option)
                chosen[option] = 1.0
                remaining.remove(pid)
                added = True
        if not added:
            break
    return chosen
