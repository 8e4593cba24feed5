"""The product's vocabulary: every closed list of words and every named threshold, defined once.

Pages, the command line, reports and the data contract import these instead of writing their own
lists, so a status, objective or solver added here shows up everywhere at once. Each list is a
`Literal` (for type checkers) with its values as a tuple from `typing.get_args` (for widgets,
`argparse` choices and SQL `IN` lists), in the order they are shown.

- project statuses: `STATUSES`, and the sets the layers reason with: committed work (kept as is by
  the optimiser, its demand is "committed load"), closed work (finished or stopped: nothing left to
  do), in-flight work (started or about to, not closed), open proposals (no decision yet), projects
  that are expected to file status reports;
- objectives and solvers of the optimiser; solver outcomes that carry a solution;
- `NO_CATEGORY`: the category key of a project without a category;
- `CR_THRESHOLD`: Saaty's consistency-ratio threshold for pairwise judgements;
- `DEFAULT_DISCOUNT_RATE`, `DEFAULT_BENEFIT_MONTHS`: the business cases' defaults.
"""

from __future__ import annotations

from typing import Literal, get_args

ProjectStatus = Literal["proposed", "approved", "active", "on_hold", "completed", "cancelled"]
STATUSES: tuple[str, ...] = get_args(ProjectStatus)
# The order of status lines on the Overview: work in progress first, then proposals, then closed work.
STATUS_ORDER: tuple[str, ...] = ("active", "approved", "proposed", "on_hold", "completed", "cancelled")

CommittedStatus = Literal["active", "approved"]
COMMITTED_STATUSES: tuple[str, ...] = get_args(CommittedStatus)
ClosedStatus = Literal["completed", "cancelled"]
CLOSED_STATUSES: tuple[str, ...] = get_args(ClosedStatus)
# Open proposals: neither decided (committed) nor closed; the optimiser's candidates.
OPEN_PROPOSAL_STATUSES: tuple[str, ...] = ("proposed", "on_hold")
# Decided work: everything that is not an open proposal.
DECIDED_STATUSES: tuple[str, ...] = COMMITTED_STATUSES + CLOSED_STATUSES
# Projects expected to file status reports: a missing report is itself a health signal for these.
REPORTING_STATUSES: tuple[str, ...] = ("active", "on_hold")

Objective = Literal["strategic_value", "benefit", "net_benefit", "npv"]
OBJECTIVES: tuple[str, ...] = get_args(Objective)
Solver = Literal["auto", "highs", "cbc"]   # auto: chosen from the model (analytics/solver_choice.py)
SOLVERS: tuple[str, ...] = get_args(Solver)
SolveStatus = Literal["optimal", "feasible", "infeasible", "no_solution", "error"]
SOLVE_STATUSES: tuple[str, ...] = get_args(SolveStatus)
SOLUTION_STATUSES: frozenset[str] = frozenset({"optimal", "feasible"})

NO_CATEGORY = "-"     # category key of projects without a category (optimiser balance, pack budgets)
CR_THRESHOLD = 0.10   # Saaty's rule of thumb: above this, pairwise judgements deserve a second look
# Business cases (issue 19, docs/business-cases.md): the default annual discount rate (compounded monthly)
# and the months after a project's finish over which its expected_benefit is spread without cash flows.
DEFAULT_DISCOUNT_RATE = 0.08
DEFAULT_BENEFIT_MONTHS = 36


def is_closed(status: object) -> bool:
    """Finished or stopped work: nothing is left to do (no ETC, no TCPI, no health count)."""
    return str(status) in CLOSED_STATUSES
