"""Every speed-up of the selection model keeps the optimum: same value with and without it.

`selection.Strengthening` switches the tighter-but-equivalent formulations on (default) or off. Each is
checked on a hand-made portfolio where it visibly tightens the LP relaxation (so the test would notice
a switch that does nothing) and on seeded random small portfolios with both solvers, where the proven
optimum must not move.
"""

from __future__ import annotations

import numpy as np
import pytest

from analytics import selection, solvers
from analytics.selection_types import PortfolioData
from tests.selection_cases import capacity, flat_demand, params, portfolio, project, random_portfolio

OFF = selection.NO_STRENGTHENING
ON = selection.DEFAULT_STRENGTHENING


def _optimum(data: PortfolioData, strengthening: selection.Strengthening, **changes) -> float | None:
    model = selection.build_model(data, params(**changes), strengthening=strengthening)
    result = selection.solve(model, diagnose=False)
    assert result.status in ("optimal", "infeasible")
    return result.objective


def _lp_bound(data: PortfolioData, strengthening: selection.Strengthening, **changes) -> float:
    model = selection.build_model(data, params(**changes), strengthening=strengthening)
    outcome = solvers.run(model.problem, selection.solver_variables(model), model.params, relax=True)
    assert outcome.objective is not None
    return outcome.objective


def dependency_case() -> PortfolioData:
    """Q (value 0, cost 2, starts 0-1) must finish before P (value 10, starts 1-2); the budget is 1.

    No integer portfolio can afford Q, so P is out too: optimum 0. Per-start rows let half of Q back
    both of P's starts (LP 10); the cumulative rows let half of Q back only half of P (LP 5).
    """
    return portfolio(
        [project("Q", start=0, latest=1, budget=2), project("P", start=1, latest=2, depends_on=["Q"])],
        values={"Q": 0, "P": 10},
    )


def test_cumulative_dependencies_tighten_the_relaxation_not_the_optimum():
    data = dependency_case()
    assert _lp_bound(data, OFF, budget=1) == pytest.approx(10.0)
    assert _lp_bound(data, ON, budget=1) == pytest.approx(5.0)
    assert _optimum(data, OFF, budget=1) == pytest.approx(0.0)
    assert _optimum(data, ON, budget=1) == pytest.approx(0.0)
    # with budget for Q, P runs after it: Q at month 0, P at month 1 or 2
    assert _optimum(data, ON, budget=2) == pytest.approx(10.0)


def test_cumulative_dependency_rows_keep_their_names():
    model = selection.build_model(dependency_case(), params(budget=1))
    names = [n for n, kind in model.kinds.items() if kind == "dependency"]
    assert names == ["dep_P_Q_2026_02", "dep_P_Q_2026_03"]
    assert {model.groups[n] for n in names} == {"dep_P_Q"}


def test_infeasibility_is_still_named_with_cumulative_dependencies():
    data = dependency_case()
    result = selection.optimise(data, params(budget=5, force_in=("P",), force_out=("Q",)))
    assert result.status == "infeasible"
    assert result.violated == ("dep_P_Q",)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("seed", range(6))
def test_random_portfolios_same_optimum_with_and_without_strengthening(seed, solver):
    data, budget = random_portfolio(seed)
    changes = {"budget": budget, "horizon_months": 8, "solver": solver, "mip_gap": 0.0}
    assert _optimum(data, ON, **changes) == pytest.approx(_optimum(data, OFF, **changes), abs=1e-6)


def test_random_portfolios_have_dependencies_that_bind():
    # the random cases would prove little if no dependency ever mattered: drop them and the value moves
    moved = 0
    for seed in range(6):
        data, budget = random_portfolio(seed)
        free = PortfolioData(data.projects.assign(depends_on=[[] for _ in range(len(data.projects))]),
                             data.strategic_value, data.demand, data.capacity, data.as_of)
        changes = {"budget": budget, "horizon_months": 8, "mip_gap": 0.0}
        moved += _optimum(free, ON, **changes) > _optimum(data, ON, **changes) + 1e-6
    assert moved >= 1



def shifting_case():
    """A (2 FTE for 3 months, starts 0-1) and B (2 FTE for 3 months, starts 0-2) against 3 FTE of dev.

    Months 1-2 are covered by every start of A, month 2 by every start of B: both can never run
    together (optimum: B alone, 9), and those capacity rows read 2 x_A (+ 2 x_B) once written on x.
    """
    return portfolio([project("A", start=0, latest=1, duration=3), project("B", start=0, latest=2, duration=3)],
                     values={"A": 5, "B": 9},
                     demand=flat_demand("A", "dev", 2, 3) + flat_demand("B", "dev", 2, 3),
                     capacity_rows=capacity("dev", 3, 12))


def _row_terms(model: selection.SelectionModel, name: str) -> dict[str, float]:
    return {var.name: coef for var, coef in model.problem.constraints[name].items()}


def test_project_terms_write_shared_months_on_the_project_binary():
    on = selection.build_model(shifting_case(), params(), strengthening=ON)
    off = selection.build_model(shifting_case(), params(), strengthening=OFF)
    # month 2 (2026-03): every start of A and of B covers it
    assert _row_terms(on, "capacity_dev_2026_03") == {"x_A": 2.0, "x_B": 2.0}
    assert sorted(_row_terms(off, "capacity_dev_2026_03").values()) == [2.0] * 5
    # month 0: only A's and B's first starts cover it; nothing is shared, the rows agree
    assert _row_terms(on, "capacity_dev_2026_01") == _row_terms(off, "capacity_dev_2026_01")
    # the objective: every start of A is worth 5, so it reads 5 x_A + 9 x_B
    assert {v.name: c for v, c in on.problem.objective.items()} == {"x_A": 5.0, "x_B": 9.0}


def test_project_terms_keep_the_relaxation_and_the_optimum():
    data = shifting_case()
    assert _lp_bound(data, ON) == pytest.approx(_lp_bound(data, OFF))
    assert _optimum(data, ON) == pytest.approx(9.0)
    assert _optimum(data, OFF) == pytest.approx(9.0)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_project_terms_with_discount_budget_and_categories(solver):
    # a discount makes later starts worth less: the shared part is the last start's value
    data, budget = random_portfolio(3)
    changes = {"budget": budget, "horizon_months": 8, "solver": solver, "mip_gap": 0.0, "discount_per_month": 0.05,
               "category_max_share": {"ops": 0.4}, "annual_budget_caps": {2026: budget * 0.8}}
    expected = _optimum(data, OFF, **changes)
    assert expected is not None and expected > 0
    assert _optimum(data, ON, **changes) == pytest.approx(expected, abs=1e-6)


def _keeps_every_row(model: selection.SelectionModel, choice: np.ndarray) -> bool:
    for var, value in zip(model.choose, choice, strict=True):
        var.varValue = float(value)
    for pid, var in model.selected_vars.items():
        var.varValue = float(choice[model.option_groups[pid]].sum())
    return all(row.valid(1e-7) for row in model.problem.constraints.values())


@pytest.mark.parametrize("seed", range(6))
def test_lp_guided_start_is_a_feasible_portfolio_and_keeps_the_optimum(seed):
    from analytics import start_heuristic

    data, budget = random_portfolio(seed)
    changes = {"budget": budget, "horizon_months": 8, "mip_gap": 0.0}
    model = selection.build_model(data, params(**changes))
    start = start_heuristic.lp_guided_start(model)
    assert start is not None and set(np.unique(start)) <= {0.0, 1.0}
    assert _keeps_every_row(model, start)
    started = selection.solve(model, warm_start=start, diagnose=False)
    assert started.objective == pytest.approx(_optimum(data, OFF, **changes), abs=1e-6)


def test_lp_guided_start_follows_the_relaxation_and_the_solver_improves_on_it():
    # budget 10: the LP takes A (2 per unit) whole and one of B/C (1.6 per unit) whole, the other 40 %;
    # rounding keeps the two whole ones (14), the solver then finds B + C (16)
    from analytics import start_heuristic
    from tests.selection_cases import knapsack_by_budget

    model = selection.build_model(knapsack_by_budget(), params(budget=10))
    start = start_heuristic.lp_guided_start(model)
    picked = sorted(model.prep.options.loc[start > 0.5, "project_id"])
    assert picked[0] == "A" and len(picked) == 2
    result = selection.solve(model, warm_start=start)
    assert result.objective == pytest.approx(16.0)
    assert sorted(p.project_id for p in result.selected) == ["B", "C"]
