"""The greedy baseline: the PMO's rank-and-cut-off rule under the same constraints, and where it loses."""

from __future__ import annotations

import pytest

from analytics import greedy, orlib, selection
from analytics.errors import InvalidInput, OptimizationError
from analytics.prepare import prepare
from tests.selection_cases import (
    ORLIB_DIR,
    capacity,
    category_case,
    flat_demand,
    knapsack_by_budget,
    params,
    portfolio,
    project,
)


def test_greedy_is_provably_worse_on_the_budget_knapsack():
    # A has the best value per cost (2.0), so greedy funds A then B (cost 8) and C no longer fits: 14.
    # The optimum leaves A out and funds B + C: 16.
    data = knapsack_by_budget()
    baseline = greedy.greedy_baseline(data, params(budget=10))
    assert baseline.selected == ("A", "B")
    assert baseline.objective == pytest.approx(14)
    assert baseline.cost == pytest.approx(8)
    assert baseline.starts == {"A": "2026-01", "B": "2026-01"}
    assert selection.optimise(data, params(budget=10)).objective == pytest.approx(16)


def test_ranking_puts_required_work_first_then_value_per_cost():
    data = portfolio([project("A", budget=3), project("B", budget=5), project("M", budget=9, mandatory=True)],
                     values={"A": 6, "B": 8, "M": 1})
    assert greedy.ranking(prepare(data, params())) == ["M", "A", "B"]


def test_greedy_takes_the_earliest_start_that_fits_and_waits_for_predecessors():
    data = portfolio(
        [project("A", start=0, latest=3, duration=2, budget=1), project("B", start=0, duration=2, budget=1),
         project("D", start=0, latest=5, budget=100, depends_on=["A"])],
        values={"A": 5, "B": 4, "D": 1},
        demand=flat_demand("A", "dev", 1, 2) + flat_demand("B", "dev", 1, 2),
        capacity_rows=capacity("dev", 1),
    )
    baseline = greedy.greedy_baseline(data, params())
    # ranking: A (5 per unit), B (4), D (0.01); A takes months 1-2, so B's only start is taken;
    # D must wait until A has finished
    assert baseline.starts == {"A": "2026-01", "D": "2026-03"}
    assert baseline.objective == pytest.approx(6)
    assert selection.optimise(data, params()).objective == pytest.approx(10)


def test_greedy_respects_exclusive_groups_risk_cap_and_category_share():
    grouped = portfolio([project("A", group="G"), project("B", group="G")], values={"A": 5, "B": 4})
    assert greedy.greedy_baseline(grouped, params()).selected == ("A",)
    risky = portfolio([project("A", risk=5, budget=1), project("B", risk=5, budget=1)], values={"A": 5, "B": 4})
    assert greedy.greedy_baseline(risky, params(max_high_risk=1)).selected == ("A",)
    capped = greedy.greedy_baseline(category_case(), params(category_max_share={"数字化转型": 0.5}))
    assert set(capped.selected) == {"D1", "O1"}


def test_greedy_on_mknap1_never_beats_the_optimum():
    for problem in orlib.read_problems(ORLIB_DIR / "mknap1.txt")[:4]:
        baseline = greedy.greedy_baseline(orlib.to_portfolio(problem), params(horizon_months=1, objective="benefit"))
        assert baseline.objective <= problem.optimum + 1e-9
        chosen = [int(pid[1:]) - 1 for pid in baseline.selected]
        vector = [1.0 if j in chosen else 0.0 for j in range(problem.n_items)]
        assert problem.value_of(vector) == pytest.approx(baseline.objective)   # feasible, same value


def test_greedy_refuses_when_required_work_cannot_be_placed():
    data = portfolio([project("M", mandatory=True)], values={"M": 1}, demand=flat_demand("M", "dev", 2, 1),
                     capacity_rows=capacity("dev", 1))
    with pytest.raises(OptimizationError):
        greedy.greedy_baseline(data, params())


def test_greedy_refuses_bad_parameters():
    with pytest.raises(InvalidInput):
        greedy.greedy_baseline(knapsack_by_budget(), params(budget=-5))
