"""Why proposals are left out: every reason code on a hand-made case, and the price of forcing."""

from __future__ import annotations

import dataclasses

import pytest

from analytics import explain, selection
from analytics.errors import InvalidInput
from analytics.selection_types import LeftOut, Reason
from i18n import LANGUAGES, translate
from tests.selection_cases import (
    capacity,
    category_case,
    flat_demand,
    knapsack_by_budget,
    params,
    portfolio,
    project,
)


def explained(data, run_params) -> dict[str, LeftOut]:
    result = selection.optimise(data, run_params)
    assert result.has_solution
    return {item.project_id: item for item in explain.explain_left_out(data, run_params, result)}


def codes(item: LeftOut) -> list[str]:
    return [r.code for r in item.reasons]


def test_forced_out_and_outside_horizon():
    data = portfolio([project("A"), project("F", start=30, latest=31)], values={"A": 1, "F": 1})
    items = explained(data, params(force_out=("A",)))
    assert items["A"].reasons == (Reason("forced_out"),)
    assert items["F"].reasons == (Reason("outside_horizon", {"earliest": "2028-07", "latest": "2028-08",
                                                              "horizon_start": "2026-01", "horizon_end": "2026-12"}),)


def test_dependency_codes():
    data = portfolio(
        [project("A", budget=10), project("B", budget=1, depends_on=["A"]),
         project("C", start=-2, duration=6, status="active"), project("L", start=0, latest=2, depends_on=["C"]),
         project("X", status="cancelled"), project("U", depends_on=["X"])],
        values={"A": 1, "B": 2, "C": 1, "L": 1, "U": 1},
    )
    items = explained(data, params(budget=5))
    assert items["A"].reasons == (Reason("budget_alone", {"needed": 10.0, "available": 5.0, "budget": 5.0,
                                                          "starts": 1, "total_starts": 1}),)
    assert items["B"].reasons == (Reason("dependency", {"predecessor": "A", "starts": 1, "total_starts": 1}),)
    assert items["L"].reasons == (Reason("dependency_late", {"predecessor": "C", "finish": "2026-04", "starts": 3,
                                                             "total_starts": 3}),)
    assert codes(items["U"]) == ["dependency_unavailable"]
    assert items["U"].reasons[0].params["predecessor"] == "X"


def test_exclusive_group_and_high_risk_cap():
    grouped = explained(portfolio([project("A", group="G"), project("B", group="G")], values={"A": 5, "B": 4}), params())
    assert grouped["B"].reasons == (Reason("exclusive_group", {"group": "G", "taken_by": "A", "starts": 1, "total_starts": 1}),)
    risky = explained(portfolio([project("A", risk=5), project("B", risk=4.5)], values={"A": 5, "B": 4}),
                      params(max_high_risk=1))
    assert risky["B"].reasons == (Reason("high_risk_cap", {"cap": 1, "risk": 4.5, "threshold": 4.0, "starts": 1,
                                                           "total_starts": 1}),)


def test_capacity_with_lower_value_density():
    data = portfolio([project("A"), project("B")], values={"A": 5, "B": 4},
                     demand=flat_demand("A", "dev", 1, 1) + flat_demand("B", "dev", 1, 1), capacity_rows=capacity("dev", 1))
    items = explained(data, params())
    assert items["B"].reasons == (
        Reason("capacity", {"role": "dev", "months": "2026-01", "excess": 1.0, "starts": 1, "total_starts": 1}),
        Reason("low_value_density", {"resource": "dev", "density": 4.0, "chosen_median": 5.0, "chosen_min": 5.0}),
    )


def test_capacity_where_the_chosen_combination_is_better():
    # r1 holds 1 FTE and r2 5 FTE. A (3) needs r1, B (2) needs all of r2, X (4) needs both: A + B = 5 beats X = 4,
    # although X earns more per FTE-month of r1 (4) than A (3).
    data = portfolio(
        [project("A"), project("B"), project("X")], values={"A": 3, "B": 2, "X": 4},
        demand=flat_demand("A", "r1", 1, 1) + flat_demand("B", "r2", 5, 1) + flat_demand("X", "r1", 1, 1)
        + flat_demand("X", "r2", 5, 1),
        capacity_rows=capacity("r1", 1) + capacity("r2", 5),
    )
    items = explained(data, params())
    assert codes(items["X"]) == ["capacity", "capacity", "better_combination"]
    assert items["X"].reasons[-1].params == {"resource": "r1", "density": 4.0, "chosen_median": 3.0, "chosen_min": 3.0}


def test_budget_reasons_with_density_both_ways():
    data = portfolio([project("A", budget=3), project("B", budget=5), project("C", budget=5), project("D", budget=5)],
                     values={"A": 6, "B": 8, "C": 8, "D": 2})
    items = explained(data, params(budget=10))
    assert items["A"].reasons == (
        Reason("budget", {"needed": 3.0, "available": 0.0, "budget": 10.0, "starts": 1, "total_starts": 1}),
        Reason("better_combination_budget", {"resource": "budget", "density": 2.0, "chosen_median": 1.6, "chosen_min": 1.6}),
    )
    assert codes(items["D"]) == ["budget", "low_value_density_budget"]
    assert items["D"].reasons[1].params["density"] == pytest.approx(0.4)


def test_annual_budget_and_its_alone_variant():
    data = portfolio([project("P1", budget=10), project("P2", budget=10), project("Q", budget=20)],
                     values={"P1": 5, "P2": 4, "Q": 9})
    items = explained(data, params(annual_budget_caps={2026: 10}))
    assert items["P2"].reasons[0] == Reason("annual_budget", {"year": 2026, "needed": 10.0, "available": 0.0,
                                                              "cap": 10.0, "starts": 1, "total_starts": 1})
    assert items["Q"].reasons == (Reason("annual_budget_alone", {"year": 2026, "needed": 20.0, "available": 10.0,
                                                                 "cap": 10.0, "starts": 1, "total_starts": 1}),)


def test_category_maximum_and_minimum():
    capped = explained(category_case(), params(category_max_share={"数字化转型": 0.5}))
    assert capped["D2"].reasons == (Reason("category_balance", {"category": "数字化转型", "share": 2 / 3,
                                                                "limit": 0.5, "starts": 1, "total_starts": 1}),)
    floored = explained(category_case(), params(category_min_share={"ops": 0.5}))
    assert floored["D2"].reasons == (Reason("category_minimum", {"category": "ops", "share": 1 / 3, "limit": 0.5,
                                                                 "starts": 1, "total_starts": 1}),)


def test_capacity_alone():
    data = portfolio([project("M")], values={"M": 1}, demand=flat_demand("M", "dev", 2, 1), capacity_rows=capacity("dev", 1))
    items = explained(data, params())
    assert items["M"].reasons == (Reason("capacity_alone", {"role": "dev", "months": "2026-01", "excess": 1.0,
                                                            "starts": 1, "total_starts": 1}),)


def test_not_worth_it_and_solver_gap():
    losing = explained(portfolio([project("P", budget=10, benefit=5)]), params(objective="net_benefit"))
    assert losing["P"].reasons == (Reason("not_worth_it", {"value": -5.0}),)
    data = knapsack_by_budget()
    full = selection.optimise(data, params())
    stopped = dataclasses.replace(full, status="feasible", gap=0.05,
                                  selected=tuple(p for p in full.selected if p.project_id != "C"))
    items = {i.project_id: i for i in explain.explain_left_out(data, params(), stopped)}
    assert items["C"].reasons == (Reason("solver_gap", {"gap": 0.05}),)


def test_no_explanations_without_a_solution():
    data = portfolio([project("M", budget=5, mandatory=True)], values={"M": 1})
    result = selection.optimise(data, params(budget=3))
    assert explain.explain_left_out(data, params(budget=3), result) == ()


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_price_of_forcing(solver):
    data = knapsack_by_budget()
    run = params(budget=10, solver=solver)
    result = selection.optimise(data, run)
    priced = explain.price_of_forcing(data, run, result, "A")
    assert priced.price_of_forcing == pytest.approx(2.0)   # 16 -> 14
    assert not priced.forcing_infeasible
    assert codes(priced)[0] == "budget"


def test_price_of_forcing_infeasible_and_refusals():
    data = portfolio([project("A"), project("M")], values={"A": 1, "M": 1},
                     demand=flat_demand("M", "dev", 2, 1), capacity_rows=capacity("dev", 1))
    result = selection.optimise(data, params())
    priced = explain.price_of_forcing(data, params(), result, "M")
    assert priced.forcing_infeasible and priced.price_of_forcing is None
    with pytest.raises(InvalidInput):
        explain.price_of_forcing(data, params(), result, "A")        # already selected
    with pytest.raises(InvalidInput):
        explain.price_of_forcing(data, params(), result, "NOPE")
    failed = selection.optimise(data, params(force_in=("M",)))
    with pytest.raises(InvalidInput):
        explain.price_of_forcing(data, params(), failed, "M")


def test_every_reason_code_is_translated_with_its_parameters():
    samples = {
        "forced_out": {}, "outside_horizon": {"earliest": "2028-07", "latest": "2028-08", "horizon_start": "2026-01",
                                              "horizon_end": "2026-12"},
        "not_worth_it": {"value": -5.0}, "solver_gap": {"gap": 0.05},
    }
    generic = {"predecessor": "A", "finish": "2026-04", "group": "G", "taken_by": "A", "cap": 1, "risk": 5.0,
               "threshold": 4.0, "role": "dev", "months": "2026-01", "excess": 1.0, "needed": 3.0, "available": 0.0,
               "budget": 10.0, "year": 2026, "category": "ops", "share": 1 / 3, "limit": 0.5, "resource": "dev",
               "density": 4.0, "chosen_median": 5.0, "chosen_min": 5.0, "starts": 1, "total_starts": 1}
    for code in explain.REASON_CODES:
        for lang in LANGUAGES:
            text = translate(lang, f"explain.{code}", **samples.get(code, generic))
            assert text and "{" not in text
