"""Solver `auto`: the exact choice for hand-made models of each shape, the reason in words, and that
the choice never changes the optimum (analytics/solver_choice.py, docs/optimiser.md *Solver by model*)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import selection, solver_choice
from analytics.selection_types import SelectionResult
from analytics.solver_race import _verdict
from tests.selection_cases import capacity, params, portfolio, project

N = solver_choice.CBC_MIN_OPTIONS   # 40: from here a pure selection goes to CBC


def knapsack(items: int, cap: float = 10.0, windows: int = 0, values: list[float] | None = None):
    """`items` one-month proposals needing 1 dev each in January (the first `windows` may also start in
    February); dev capacity `cap` a month. Item i is worth values[i] (default 100 + i)."""
    values = values or [100.0 + i for i in range(items)]
    projects = [project(f"P{i:02d}", latest=1 if i < windows else None) for i in range(items)]
    demand = [{"project_id": f"P{i:02d}", "role": "dev", "month_offset": 0, "fte": 1.0} for i in range(items)]
    return portfolio(projects, {f"P{i:02d}": v for i, v in enumerate(values)}, demand, capacity("dev", cap))


def _choice(data, **changes) -> solver_choice.SolverChoice:
    model = selection.build_model(data, params(**changes))
    return solver_choice.choose_for(model, model.params.solver)


def test_a_pure_selection_of_40_proposals_with_a_binding_row_goes_to_cbc():
    choice = _choice(knapsack(N))
    assert (choice.requested, choice.solver, choice.code) == ("auto", "cbc", "pure_selection")
    assert choice.shape == solver_choice.ModelShape(options=40, projects=40, multi_start=0, rows=1, binding_rows=1)
    result = selection.optimise(knapsack(N), params())
    # the ten most valuable of 100..139 fit the 10 devs: 130 + ... + 139
    assert result.status == "optimal" and result.objective == pytest.approx(1345.0) and result.solver == "cbc"
    assert result.solver_choice["code"] == "pure_selection" and result.solver_choice["binding_rows"] == 1


def test_a_scheduling_model_goes_to_highs():
    choice = _choice(knapsack(N, windows=3))
    assert (choice.solver, choice.code) == ("highs", "scheduling")
    assert (choice.shape.projects, choice.shape.multi_start, choice.shape.options) == (40, 3, 43)
    result = selection.optimise(knapsack(N, windows=3), params())
    # January takes the ten best (130..139); P00-P02 (100, 101, 102) start in February instead
    assert result.solver == "highs" and result.solver_choice["code"] == "scheduling"
    assert result.objective == pytest.approx(1345.0 + 100 + 101 + 102)


def test_small_or_unconstrained_selections_stay_in_process_on_highs():
    assert (_choice(knapsack(N - 1)).solver, _choice(knapsack(N - 1)).code) == ("highs", "small")
    roomy = _choice(knapsack(N, cap=N))   # 40 devs for 40 one-dev proposals: the row can never bind
    assert (roomy.solver, roomy.code, roomy.shape.rows, roomy.shape.binding_rows) == ("highs", "nothing_binds", 1, 0)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_a_named_solver_is_used_as_asked_and_no_choice_is_reported(solver):
    result = selection.optimise(knapsack(N), params(solver=solver))
    assert result.solver == solver and result.solver_choice == {}
    assert result.objective == pytest.approx(1345.0)


def test_the_budget_row_counts_and_can_bind_or_not():
    data = portfolio([project(f"P{i}", budget=10) for i in range(N)], {f"P{i}": 1.0 for i in range(N)})
    assert _choice(data, budget=100).shape.binding_rows == 1     # 40 x 10 > 100
    assert _choice(data, budget=400).shape.binding_rows == 0     # everything fits
    assert _choice(data, budget=400).code == "nothing_binds"


def test_the_choice_survives_the_result_round_trip():
    result = selection.optimise(knapsack(N), params())
    again = SelectionResult.from_dict(result.to_dict())
    assert again.solver_choice == result.solver_choice and again.solver_choice["solver"] == "cbc"


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Solver CBC, chosen automatically: every proposal has one start month, so this is a pure selection "
           "(a multidimensional knapsack) of 40 proposals, with 1 of 1 limits that can bind; CBC proves such "
           "models several times faster than HiGHS."),
    ("zh", "求解器 CBC（自动选择）：每个提案只有一个开工月份，这是一个纯选择问题（多维背包）：40 个提案，1 项限制中有 1 项"
           "可能起约束作用；CBC 证明这类模型的最优解比 HiGHS 快数倍。"),
])
def test_the_choice_in_words(lang, text):
    result = selection.optimise(knapsack(N), params())
    assert solver_choice.choice_text(lang, result.solver_choice) == text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_reason_has_words(lang):
    for code in solver_choice.REASONS:
        choice = {"requested": "auto", "solver": "highs", "code": code, "options": 5, "projects": 5, "multi_start": 2,
                  "rows": 3, "binding_rows": 1}
        assert "{" not in solver_choice.choice_text(lang, choice)
    assert solver_choice.choice_text(lang, {"requested": "highs", "solver": "highs", "code": "asked"}) is None


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.integers(1, 60), min_size=N, max_size=N + 4), cap=st.integers(2, 30),
       windows=st.sampled_from([0, 0, 2]))
def test_auto_finds_the_same_optimum_as_highs(values, cap, windows):
    data = knapsack(len(values), cap=float(cap), windows=windows, values=[float(v) for v in values])
    auto = selection.optimise(data, params(mip_gap=0.0))
    highs = selection.optimise(data, params(mip_gap=0.0, solver="highs"))
    assert auto.status == highs.status == "optimal"
    assert auto.objective == pytest.approx(highs.objective, abs=1e-6)
    # hand check: January holds `cap` proposals (February another `windows` at most): the best values
    best = sorted(values, reverse=True)
    assert auto.objective <= sum(best[:cap + windows]) + 1e-6


def _result(status: str, objective: float | None, bound: float | None, solver: str) -> SelectionResult:
    gap = None if objective is None or bound is None else (bound - objective) / objective
    return SelectionResult(status=status, objective=objective, bound=bound, gap=gap, selected=(), total_cost=0.0,
                           spend_by_month={}, spend_by_category={}, load={}, capacity={}, hires={}, hire_cost=0.0,
                           build_seconds=1.0, solve_seconds=30.0, solver=solver)


def test_a_race_without_a_proof_keeps_the_better_portfolio_and_the_lower_bound():
    run = params(time_limit_seconds=30)
    verdict = _verdict(run, {"highs": _result("feasible", 100.0, 104.0, "highs"),
                             "cbc": _result("feasible", 101.0, 106.0, "cbc")}, {}, 31.0)
    assert (verdict.solver, verdict.objective, verdict.bound) == ("cbc", 101.0, 104.0)
    assert verdict.gap == pytest.approx(3.0 / 101.0)
    assert verdict.solver_choice["race"] == {"winner": "cbc", "proved": False, "status": "feasible"}
    assert verdict.solve_seconds == pytest.approx(30.0)


def test_a_race_with_a_proof_reports_the_winner():
    verdict = _verdict(params(), {"cbc": _result("optimal", 101.0, 101.0, "cbc")}, {}, 5.0)
    assert verdict.status == "optimal" and verdict.solver_choice["race"]["proved"] is True
    assert solver_choice.choice_text("en", verdict.solver_choice) == (
        "Raced HiGHS and CBC in two processes: CBC finished first (optimal); the other was stopped.")
    assert dataclasses.replace(verdict, solver_choice={}).solver_choice == {}


def test_frontier_and_marginal_values_re_solve_with_the_chosen_solver():
    """The choice is made at a model's first solve and kept for its re-solves: the frontier's model is
    built at the top budget, where nothing binds (HiGHS, re-run in place); the +1 FTE re-solves of a
    pure selection of 40 stay on CBC."""
    from analytics import frontier, marginal

    priced = portfolio([project(f"P{i:02d}", budget=10) for i in range(N)], {f"P{i:02d}": 100.0 + i for i in range(N)})
    points = frontier.efficient_frontier(priced, params(), points=3, time_limit_per_point=10)
    assert [p.budget for p in points] == [0.0, 200.0, 400.0]
    # budget 200 buys the 20 best (120..139), 400 all 40 (100..139)
    assert [p.objective for p in points] == pytest.approx([0.0, 2590.0, 4780.0])
    data, run = knapsack(N), params(time_limit_seconds=10)
    result = selection.optimise(data, run)
    values = {v.resource: v for v in marginal.marginal_values(data, run, result, method="resolve")}
    # one more dev lets the 11th best proposal (129) in
    assert result.solver == "cbc" and values["dev"].value_per_unit == pytest.approx(129.0)


def test_a_large_pure_selection_goes_back_to_highs():
    shape = solver_choice.ModelShape(options=solver_choice.CBC_MAX_OPTIONS, projects=solver_choice.CBC_MAX_OPTIONS,
                                     multi_start=0, rows=10, binding_rows=10)
    assert (solver_choice.choose(shape).solver, solver_choice.choose(shape).code) == ("highs", "large_selection")
    smaller = dataclasses.replace(shape, options=shape.options - 1, projects=shape.projects - 1)
    assert solver_choice.choose(smaller).solver == "cbc"


def test_auto_gives_scheduling_models_of_500_options_the_lp_guided_start():
    shape = solver_choice.ModelShape(options=solver_choice.LP_START_MIN_OPTIONS, projects=250, multi_start=250,
                                     rows=12, binding_rows=12)
    assert solver_choice.choose(shape).lp_start is True
    assert solver_choice.choose(dataclasses.replace(shape, options=shape.options - 1)).lp_start is False
    assert solver_choice.choose(shape, "highs").lp_start is False   # a named solver keeps today's rule (2,000)
    data = knapsack(250, windows=250)    # 250 proposals x 2 starts = 500 options
    for solver, wanted in (("auto", True), ("highs", False)):
        model = selection.build_model(data, params(solver=solver))
        selection._with_solver(model, model.params)
        assert selection._wants_lp_start(model) is wanted
