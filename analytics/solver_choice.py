"""Solver `auto`: pick HiGHS or CBC (and their options) from the built model's shape.

`shape(model)` measures what decides the choice: how many start options and proposals there are,
how many proposals may start in several months (a scheduling model) or in one only (a pure
selection: the multidimensional knapsack), and how many rows can bind at all (the sum of a row's
positive coefficients exceeds its right-hand side; a row no portfolio can fill never constrains).
`choose(shape)` applies the rule measured with `bench/solver_choice.py` (docs/optimiser.md,
*Solver by model*):

- a scheduling model (some proposal has several allowed starts) -> HiGHS: branching on the project
  binaries x[p] it proves the 200-proposal bench portfolios that CBC leaves open; from
  `LP_START_MIN_OPTIONS` options on it also gets the LP-guided first portfolio;
- a pure selection with `CBC_MIN_OPTIONS` to `CBC_MAX_OPTIONS` options and a row that can bind ->
  CBC: on the OR-Library `mknapcb1` problems, Chu-Beasley knapsacks and the bench's generated
  selections of 200 it proves the optimum several times faster than HiGHS;
- a larger pure selection -> HiGHS: at 1,000 proposals its heuristics end nearer the optimum;
- anything smaller, or with nothing that binds -> HiGHS: solved in-process at once, where CBC's
  separate process costs more than it could save.

The choice travels with the result (`SelectionResult.solver_choice`: the solver asked for, the one
used, a reason code and its numbers), so the page and the CLI can say in words why (i18n area
`solverchoice`). Only `auto` is decided here: `highs` and `cbc` are always run as asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pulp

if TYPE_CHECKING:
    from analytics.selection import SelectionModel

AUTO = "auto"
# below this many start options a pure selection is solved by HiGHS in-process in well under a second;
# CBC's subprocess (writing and reading the model) would cost more than its faster proof saves
CBC_MIN_OPTIONS = 40
# from this many options on, a pure selection goes back to HiGHS: on the bench's generated selections
# of 1,000 proposals HiGHS's heuristics ended nearer the optimum than CBC within the same limit
CBC_MAX_OPTIONS = 500
# scheduling models from this many start options on get the LP-guided first portfolio
# (analytics/start_heuristic.py) that `highs` alone uses from 2,000: on the bench's 200-proposal cases
# (about 900 options) it raised the incumbent at the limit in 8 of 15 runs and lowered it in 1
LP_START_MIN_OPTIONS = 500
# rows whose kind can bind (coupling rows); one_start, force and dependency rows are structural
REASONS = ("scheduling", "pure_selection", "small", "nothing_binds", "large_selection")   # i18n solverchoice.reason.<code>
_SOLVER_NAMES = {"highs": "HiGHS", "cbc": "CBC"}
_COUPLING_KINDS = frozenset({"capacity", "budget", "category", "risk", "exclusive"})


@dataclass(frozen=True)
class ModelShape:
    options: int          # start options (binary y[p,s])
    projects: int         # candidates with at least one allowed start inside the horizon
    multi_start: int      # of them, those with several allowed starts (scheduling decisions)
    rows: int             # coupling rows (capacity, budget, category, risk, exclusive groups)
    binding_rows: int     # of them, rows some portfolio could fill: sum of positive coefficients > rhs

    @property
    def pure_selection(self) -> bool:
        return self.multi_start == 0

    @property
    def binding_share(self) -> float:
        return self.binding_rows / self.rows if self.rows else 0.0


@dataclass(frozen=True)
class SolverChoice:
    """What `auto` (or the user) picked: `solver` runs the model; `code` says why (i18n `solverchoice.reason.<code>`)."""

    requested: str        # what the user asked for: auto, highs or cbc
    solver: str           # what ran: highs or cbc
    code: str             # asked | scheduling | pure_selection | small | nothing_binds
    shape: ModelShape
    options: Mapping[str, Any] = field(default_factory=dict)   # the solver's own settings for this shape
    lp_start: bool = False   # hand the solver the LP-guided first portfolio whatever the model's size

    def to_dict(self) -> dict[str, Any]:
        return {"requested": self.requested, "solver": self.solver, "code": self.code, **asdict(self.shape),
                "solver_options": dict(self.options), "lp_start": self.lp_start}


def shape(model: SelectionModel) -> ModelShape:
    """The numbers `choose` decides on, read from the built model (no solve)."""
    counts = [len(opts) for opts in model.option_groups.values()]
    rows = binding = 0
    for constraint in model.problem.constraints():
        if model.kinds.get(constraint.name) not in _COUPLING_KINDS:
            continue
        rows += 1
        if _can_bind(constraint):
            binding += 1
    return ModelShape(options=len(model.choose), projects=len(counts), multi_start=sum(c > 1 for c in counts),
                      rows=rows, binding_rows=binding)


def _can_bind(constraint: pulp.LpConstraint) -> bool:
    """Whether some 0/1 choice could meet this row's right-hand side (hires aside)."""
    rhs = -constraint.constant
    coefficients = [float(c) for _, c in constraint.items()]
    if constraint.sense == pulp.LpConstraintLE:
        return sum(c for c in coefficients if c > 0) > rhs + 1e-9
    if constraint.sense == pulp.LpConstraintGE:
        return sum(c for c in coefficients if c < 0) < rhs - 1e-9
    return True


def choose(model_shape: ModelShape, requested: str = AUTO) -> SolverChoice:
    """The solver for this shape (see the module docstring); a named solver is kept as asked."""
    if requested != AUTO:
        return SolverChoice(requested, requested, "asked", model_shape)
    if not model_shape.pure_selection:
        return SolverChoice(requested, "highs", "scheduling", model_shape,
                            lp_start=model_shape.options >= LP_START_MIN_OPTIONS)
    if model_shape.binding_rows == 0:
        return SolverChoice(requested, "highs", "nothing_binds", model_shape)
    if model_shape.options < CBC_MIN_OPTIONS:
        return SolverChoice(requested, "highs", "small", model_shape)
    if model_shape.options >= CBC_MAX_OPTIONS:
        return SolverChoice(requested, "highs", "large_selection", model_shape)
    return SolverChoice(requested, "cbc", "pure_selection", model_shape)


def choose_for(model: SelectionModel, requested: str) -> SolverChoice:
    """`choose(shape(model))`, measuring the shape only when it decides something (auto)."""
    if requested != AUTO:
        return SolverChoice(requested, requested, "asked", ModelShape(len(model.choose), len(model.option_groups), 0, 0, 0))
    return choose(shape(model), requested)


def text_params(choice: dict[str, Any]) -> dict[str, Any]:
    """The numbers of a stored choice (`SolverChoice.to_dict`) as the i18n texts name them."""
    rows = int(choice.get("rows", 0))
    binding = int(choice.get("binding_rows", 0))
    return {
        "solver": _SOLVER_NAMES.get(str(choice.get("solver")), str(choice.get("solver"))),
        "options": int(choice.get("options", 0)), "projects": int(choice.get("projects", 0)),
        "multi_start": int(choice.get("multi_start", 0)), "rows": rows, "binding": binding,
        "share": f"{(binding / rows * 100 if rows else 0):.0f}%", "min_options": CBC_MIN_OPTIONS,
        "max_options": CBC_MAX_OPTIONS,
    }


def solver_name(lang: str, solver: str | None) -> str:
    """A solver as a reader sees it: `auto` in words of `lang`, the named solvers by their names."""
    from i18n import translate

    if solver == AUTO:
        return translate(lang, "solverchoice.solver.auto")
    return _SOLVER_NAMES.get(str(solver), str(solver))


def choice_text(lang: str, choice: Mapping[str, Any] | None) -> str | None:
    """Which solver `auto` chose and why, and how a race ended, in words (None: nothing to say)."""
    from i18n import translate

    if not choice:
        return None
    parts = []
    numbers = text_params(choice)
    if choice.get("requested") == AUTO and choice.get("code") in REASONS:
        reason = translate(lang, f"solverchoice.reason.{choice['code']}", **numbers)
        parts.append(translate(lang, "solverchoice.chosen", solver=numbers["solver"], reason=reason))
    race = choice.get("race")
    if race:
        key = "solverchoice.race" if race.get("proved") else "solverchoice.race_both"
        winner = _SOLVER_NAMES.get(str(race.get("winner")), str(race.get("winner")))
        status = translate(lang, f"explain.status.{race.get('status') or 'optimal'}")
        parts.append(translate(lang, key, winner=winner, status=status))
    return " ".join(parts) or None
