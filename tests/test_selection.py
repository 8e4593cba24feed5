"""The selection MILP on hand-solved portfolios: every constraint family, infeasibility, both solvers."""

from __future__ import annotations

import json

import pytest

from analytics import explain, selection
from analytics.errors import InvalidInput
from analytics.selection_types import Reason, SelectionResult
from tests.selection_cases import (
    capacity,
    category_case,
    flat_demand,
    knapsack_by_budget,
    params,
    portfolio,
    project,
    random_portfolio,
)

SOLVERS = ("highs", "cbc")


def starts(result: SelectionResult) -> dict[str, str]:
    return {p.project_id: p.start_month for p in result.selected}


@pytest.mark.parametrize("solver", SOLVERS)
def test_budget_knapsack_takes_the_best_combination(solver):
    result = selection.optimise(knapsack_by_budget(), params(budget=10, solver=solver))
    assert result.status == "optimal"
    assert set(starts(result)) == {"B", "C"}
    assert result.objective == pytest.approx(16)
    assert result.bound == pytest.approx(16)
    assert result.gap == pytest.approx(0)
    assert result.total_cost == pytest.approx(10)
    assert result.spend_by_month["2026-01"] == pytest.approx(10)
    assert result.solver == solver


@pytest.mark.parametrize("solver", SOLVERS)
def test_capacity_schedules_the_flexible_project_after_the_fixed_one(solver):
    data = portfolio(
        [project("A", start=0, latest=2, duration=2), project("B", start=0, duration=2)],
        values={"A": 5, "B": 4},
        demand=flat_demand("A", "dev", 1, 2) + flat_demand("B", "dev", 1, 2),
        capacity_rows=capacity("dev", 1),
    )
    result = selection.optimise(data, params(solver=solver))
    assert starts(result) == {"A": "2026-03", "B": "2026-01"}
    assert result.objective == pytest.approx(9)
    assert [result.load["dev"][m] for m in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")] == [1, 1, 1, 1, 0]
    assert result.capacity["dev"]["2026-06"] == 1


def test_committed_work_uses_capacity_and_budget_from_its_actual_start():
    data = portfolio(
        [project("C", start=-1, duration=3, budget=30, status="active"), project("P", start=0, latest=4, budget=5)],
        values={"C": 3, "P": 10},
        demand=flat_demand("C", "dev", 1, 3) + flat_demand("P", "dev", 1, 1),
        capacity_rows=capacity("dev", 1),
    )
    result = selection.optimise(data, params(discount_per_month=0.1))
    assert starts(result) == {"C": "2025-12", "P": "2026-03"}
    assert result.objective == pytest.approx(3 + 10 * 0.9**2)
    assert result.total_cost == pytest.approx(20 + 5)   # C's December is before the horizon
    committed = {p.project_id: p.committed for p in result.selected}
    assert committed == {"C": True, "P": False}


def test_dependency_waits_for_the_predecessor_to_finish():
    data = portfolio(
        [project("A", start=0, duration=2), project("B", start=0, latest=5, depends_on=["A"])],
        values={"A": 1, "B": 10},
    )
    result = selection.optimise(data, params(discount_per_month=0.1))
    assert starts(result) == {"A": "2026-01", "B": "2026-03"}
    assert result.objective == pytest.approx(1 + 10 * 0.9**2)
    blocked = selection.optimise(data, params(force_out=("A",)))
    assert starts(blocked) == {}
    assert blocked.objective == pytest.approx(0)


def test_exclusive_group_keeps_one_member():
    data = portfolio([project("A", group="G"), project("B", group="G"), project("C")], values={"A": 5, "B": 4, "C": 1})
    result = selection.optimise(data, params())
    assert set(starts(result)) == {"A", "C"}
    assert result.objective == pytest.approx(6)


def test_mandatory_work_is_selected_even_when_worth_less():
    data = portfolio([project("M", budget=5, mandatory=True), project("X", budget=5)], values={"M": 1, "X": 10})
    result = selection.optimise(data, params(budget=5))
    assert set(starts(result)) == {"M"}
    assert result.objective == pytest.approx(1)


@pytest.mark.parametrize("solver", SOLVERS)
def test_force_in_and_force_out(solver):
    forced_in = selection.optimise(knapsack_by_budget(), params(budget=10, force_in=("A",), solver=solver))
    assert "A" in starts(forced_in) and len(forced_in.selected) == 2
    assert forced_in.objective == pytest.approx(14)
    forced_out = selection.optimise(knapsack_by_budget(), params(budget=10, force_out=("B",), solver=solver))
    assert set(starts(forced_out)) == {"A", "C"}
    assert forced_out.objective == pytest.approx(14)


def test_category_max_share_of_spend():
    result = selection.optimise(category_case(), params(category_max_share={"数字化转型": 0.5}))
    assert set(starts(result)) == {"D1", "O1"}
    assert result.objective == pytest.approx(13)
    assert result.spend_by_category == {"数字化转型": pytest.approx(10), "ops": pytest.approx(10)}


def test_category_min_share_and_readable_labels():
    model = selection.build_model(category_case(), params(category_min_share={"ops": 0.6},
                                                              category_max_share={"数字化转型": 1.0}))
    result = selection.solve(model)
    assert set(starts(result)) == {"O1"}
    assert result.objective == pytest.approx(3)
    name = selection.lp_name("cat_max_数字化转型")
    assert name == "cat_max_u6570u5b57u5316u8f6cu578b" and name.isascii()
    assert model.labels[name] == "cat_max_数字化转型"
    assert model.labels["cat_min_ops"] == "cat_min_ops"


def test_high_risk_cap():
    data = portfolio([project("A", risk=5), project("B", risk=4), project("C", risk=2)], values={"A": 5, "B": 4, "C": 1})
    result = selection.optimise(data, params(max_high_risk=1))
    assert set(starts(result)) == {"A", "C"}


def test_fiscal_year_cap_with_april_year_start():
    data = portfolio([project("P", start=0, latest=6, duration=6, budget=60)], values={"P": 10})
    model = selection.build_model(data, params(annual_budget_caps={2025: 10}, fiscal_year_start_month=4,
                                               discount_per_month=0.1))
    result = selection.solve(model)
    # FY2025 = 2025-04 .. 2026-03: only the March instalment (10) may fall in it
    assert starts(result) == {"P": "2026-03"}
    assert result.objective == pytest.approx(10 * 0.9**2)
    assert "budget_fy2025" in model.labels


def test_hiring_buys_capacity_when_the_benefit_pays_for_it():
    data = portfolio(
        [project("A", duration=2, budget=1, benefit=10), project("B", duration=2, budget=1, benefit=3)],
        demand=flat_demand("A", "dev", 1, 2) + flat_demand("B", "dev", 1, 2),
        capacity_rows=capacity("dev", 0, hire_cost=2),
    )
    result = selection.optimise(data, params(objective="benefit", allow_hiring=True))
    assert set(starts(result)) == {"A"}
    assert result.hires == {"dev": {"2026-01": pytest.approx(1), "2026-02": pytest.approx(1)}}
    assert result.hire_cost == pytest.approx(4)
    assert result.objective == pytest.approx(10 - 4)
    assert result.total_cost == pytest.approx(1 + 4)
    tight = selection.optimise(data, params(objective="benefit", allow_hiring=True, budget=4))
    assert starts(tight) == {} and tight.objective == pytest.approx(0)


def test_only_spend_inside_the_horizon_counts():
    data = portfolio([project("P", start=10, duration=4, budget=400)], values={"P": 1})
    result = selection.optimise(data, params(budget=250))
    assert starts(result) == {"P": "2026-11"}
    assert result.total_cost == pytest.approx(200)
    assert result.spend_by_month["2026-12"] == pytest.approx(100)


def test_cancelling_committed_work_when_allowed():
    data = portfolio(
        [project("C", start=0, duration=3, status="active"), project("P", start=0)],
        values={"C": 1, "P": 10},
        demand=flat_demand("C", "dev", 1, 3) + flat_demand("P", "dev", 1, 1),
        capacity_rows=capacity("dev", 1),
    )
    kept = selection.optimise(data, params())
    assert set(starts(kept)) == {"C"} and kept.objective == pytest.approx(1)
    freed = selection.optimise(data, params(allow_cancel_committed=True))
    assert set(starts(freed)) == {"P"} and freed.objective == pytest.approx(10)


def test_on_hold_work_may_resume_at_the_horizon_start_and_outside_work_is_skipped():
    data = portfolio(
        [project("H", start=-6, status="on_hold"), project("F", start=13), project("D", start=0, status="completed")],
        values={"H": 2, "F": 5, "D": 7},
    )
    result = selection.optimise(data, params())
    assert starts(result) == {"H": "2026-01"}
    assert result.objective == pytest.approx(2)


@pytest.mark.parametrize("solver", SOLVERS)
def test_nothing_to_decide_is_optimal_with_committed_work(solver):
    data = portfolio([project("C", duration=2, budget=10, status="active"), project("F", start=30, budget=5)],
                     values={"C": 3, "F": 9})
    result = selection.optimise(data, params(solver=solver, budget=50))
    assert result.status == "optimal" and result.objective == pytest.approx(3)
    assert starts(result) == {"C": "2026-01"} and result.total_cost == pytest.approx(10)
    short = selection.optimise(data, params(solver=solver, budget=5))   # committed work alone costs 10
    assert short.status == "infeasible" and short.violated == ("budget_total",)
    assert short.violated_reasons == (Reason("infeasible_budget", {"budget": 5.0, "committed": 10.0, "short": 5.0}),)


@pytest.mark.parametrize("solver", SOLVERS)
def test_infeasible_budget_is_explained_and_no_values_are_read(solver):
    data = portfolio([project("M", budget=5, mandatory=True)], values={"M": 1})
    result = selection.optimise(data, params(budget=3, solver=solver))
    assert result.status == "infeasible"
    assert result.objective is None and result.selected == () and result.gap is None
    assert result.violated == ("budget_total",)
    assert result.violated_reasons == (Reason("infeasible_budget", {"budget": 3.0, "committed": 0.0, "short": 2.0}),)
    assert not result.has_solution


def test_infeasible_capacity_force_and_dependency_are_named():
    over = portfolio([project("M", mandatory=True)], values={"M": 1}, demand=flat_demand("M", "dev", 2, 1),
                     capacity_rows=capacity("dev", 1))
    result = selection.optimise(over, params())
    assert result.violated == ("capacity_dev_2026_01",)
    assert result.violated_reasons == (Reason("infeasible_capacity", {
        "role": "dev", "month": "2026-01", "capacity": 1.0, "committed": 0.0, "short": 1.0}),)
    outside = portfolio([project("P", start=30)], values={"P": 1})
    result = selection.optimise(outside, params(force_in=("P",)))
    assert result.violated == ("force_in_P",)
    assert result.violated_reasons == (Reason("infeasible_force_in", {"project": "P", "short": ""}),)
    chain = portfolio([project("A"), project("B", depends_on=["A"])], values={"A": 1, "B": 1})
    result = selection.optimise(chain, params(force_in=("B",), force_out=("A",)))
    assert result.violated == ("dep_B_A",)
    assert result.violated_reasons == (Reason("infeasible_dependency", {"project": "B", "predecessor": "A", "short": ""}),)
    again = SelectionResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again.violated_reasons == result.violated_reasons   # saved scenarios keep the words


def test_a_high_risk_cap_below_committed_work_says_so():
    """Two committed high-risk projects and a cap of 1: the row says what already counts toward it."""
    data = portfolio([project("C1", status="active", risk=5), project("C2", status="active", risk=5), project("P")],
                     values={"C1": 1, "C2": 1, "P": 1})
    result = selection.optimise(data, params(max_high_risk=1))
    assert result.status == "infeasible" and result.violated == ("high_risk_cap",)
    assert result.violated_reasons == (Reason("infeasible_high_risk", {"cap": 1, "committed": 2, "short": 1}),)


@pytest.mark.parametrize("solver", SOLVERS)
def test_changing_the_budget_row_and_resolving(solver):
    model = selection.build_model(knapsack_by_budget(), params(budget=10, solver=solver))
    assert selection.solve(model).objective == pytest.approx(16)
    assert selection.row_rhs(model, "budget_total") == pytest.approx(10)
    selection.set_rhs(model, "budget_total", 3)
    smaller = selection.resolve(model)
    assert set(starts(smaller)) == {"A"} and smaller.objective == pytest.approx(6)
    selection.set_rhs(model, "budget_total", 13)
    assert selection.resolve(model).objective == pytest.approx(22)


def test_result_round_trips_through_json():
    result = selection.optimise(knapsack_by_budget(), params(budget=10))
    again = SelectionResult.from_dict(result.to_dict())
    assert again.objective == result.objective and again.selected == result.selected


@pytest.mark.parametrize(
    "changes",
    [
        {"horizon_months": 0},
        {"budget": -1.0},
        {"category_max_share": {"core": 1.5}},
        {"category_min_share": {"core": 0.6}, "category_max_share": {"core": 0.5}},
        {"force_in": ("A",), "force_out": ("A",)},
        {"force_in": ("NOPE",)},
        {"horizon_start": "2026-13"},
        {"solver": "glpk"},
        {"discount_per_month": 1.0},
        {"time_limit_seconds": 0.0},
        {"max_high_risk": -1},
    ],
)
def test_bad_parameters_are_refused(changes):
    with pytest.raises(InvalidInput):
        selection.build_model(knapsack_by_budget(), params(**changes))


def test_bad_data_is_refused():
    with pytest.raises(InvalidInput):
        selection.build_model(portfolio([project("A"), project("A")]), params())
    with pytest.raises(InvalidInput):
        selection.build_model(portfolio([project("A", duration=0)]), params())
    with pytest.raises(InvalidInput):
        selection.build_model(portfolio([project("A", budget=-1)]), params())


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_limit_before_any_solution_gives_no_solution_and_no_values(solver):
    # P0 forced in, so the empty portfolio is not a solution the solver could report at once
    data, budget = random_portfolio(0)
    result = selection.optimise(data, params(budget=budget, horizon_months=8, solver=solver, time_limit_seconds=1e-9,
                                             force_in=("P0",)))
    assert result.status == "no_solution" and not result.has_solution
    assert result.objective is None and result.bound is None and result.gap is None
    assert result.selected == () and result.total_cost == 0 and result.hires == {}
    assert result.violated == ()   # not infeasible: nothing to diagnose
    assert explain.explain_left_out(data, params(budget=budget, horizon_months=8, solver=solver), result) == ()
