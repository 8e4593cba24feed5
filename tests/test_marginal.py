"""Marginal values of capacity and budget: exact re-solves and LP-relaxation prices on hand-solved cases."""

from __future__ import annotations

import pytest

from analytics import marginal, selection
from analytics.errors import InvalidInput
from tests.selection_cases import capacity, flat_demand, knapsack_by_budget, params, portfolio, project


def by_key(values):
    return {(v.resource, v.method): v for v in values}


def capacity_case():
    """dev holds 1.5 FTE in January: A (10) fits, B (6) does not; with 2.5 FTE both fit."""
    return portfolio([project("A"), project("B")], values={"A": 10, "B": 6},
                     demand=flat_demand("A", "dev", 1, 1) + flat_demand("B", "dev", 1, 1),
                     capacity_rows=capacity("dev", 1.5))


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_one_more_fte_by_resolve_is_exact(solver):
    data, run = capacity_case(), params(solver=solver)
    result = selection.optimise(data, run)
    assert result.objective == pytest.approx(10)
    values = by_key(marginal.marginal_values(data, run, result, method="resolve"))
    dev = values[("dev", "resolve")]
    assert dev.kind == "role" and dev.value_per_unit == pytest.approx(6) and dev.step == 1.0
    assert dev.note_key == "explain.marginal.exact"
    budget = values[("budget", "resolve")]
    assert budget.value_per_unit == 0.0 and budget.note_key == "explain.marginal.no_budget"


def test_lp_dual_price_of_capacity():
    # LP relaxation: A = 1, B = 0.5, so one more FTE in January is worth B's 6 in the relaxation too.
    data, run = capacity_case(), params()
    values = by_key(marginal.marginal_values(data, run, selection.optimise(data, run), method="lp_dual"))
    dev = values[("dev", "lp_dual")]
    assert dev.value_per_unit == pytest.approx(6)
    assert dev.method == "lp_dual" and dev.note_key == "explain.marginal.lp_dual"


def test_budget_step_and_per_unit_value():
    data, run = knapsack_by_budget(), params(budget=10)
    result = selection.optimise(data, run)
    values = by_key(marginal.marginal_values(data, run, result, method="both", budget_step=3))
    # budget 13 funds A + B + C = 22 instead of 16: 6 over a step of 3 = 2 per unit
    assert values[("budget", "resolve")].value_per_unit == pytest.approx(2)
    assert values[("budget", "resolve")].step == 3
    # LP: the relaxation funds A (2 per unit) and B fully, then 2/5 of C: the last unit buys C's 1.6
    assert values[("budget", "lp_dual")].value_per_unit == pytest.approx(1.6)
    default = by_key(marginal.marginal_values(data, run, result, method="resolve"))
    assert default[("budget", "resolve")].step == pytest.approx(1.0)   # 5 % of 10 is below one unit


def test_refusals():
    data, run = capacity_case(), params()
    result = selection.optimise(data, run)
    with pytest.raises(InvalidInput):
        marginal.marginal_values(data, run, result, method="guess")
    with pytest.raises(InvalidInput):
        marginal.marginal_values(data, run, result, budget_step=0)
    with pytest.raises(InvalidInput):
        marginal.marginal_values(data, run, result, resolve_time_limit=-1)
    failed = selection.optimise(portfolio([project("M", mandatory=True, budget=5)], values={"M": 1}), params(budget=1))
    with pytest.raises(InvalidInput):
        marginal.marginal_values(data, run, failed)


# ---- issue 14: the value of +1 FTE in the months where a role binds, or plainly why it is zero


def test_one_more_fte_in_the_binding_month_lets_the_next_project_in():
    """dev has 1.5 FTE in every month; A takes 1 in January only, so January binds (0.5 free) and the
    other months do not (1.5 free). +1 FTE in January lets B (6) in: exactly 6."""
    data, run = capacity_case(), params()
    dev = by_key(marginal.marginal_values(data, run, selection.optimise(data, run), method="resolve"))[("dev", "resolve")]
    assert dev.value_per_unit == pytest.approx(6.0)
    assert dev.months == ("2026-01",)


def test_a_step_of_one_fte_too_small_says_how_many_would_gain():
    """B needs 2 dev in January beside A's 1 (capacity 1.5): +1 FTE gains nothing, +2 lets B (6) in."""
    data = portfolio([project("A"), project("B")], values={"A": 10, "B": 6},
                     demand=flat_demand("A", "dev", 1, 1) + flat_demand("B", "dev", 2, 1),
                     capacity_rows=capacity("dev", 1.5))
    run = params()
    dev = by_key(marginal.marginal_values(data, run, selection.optimise(data, run), method="resolve"))[("dev", "resolve")]
    assert dev.value_per_unit == 0.0 and dev.note_key == "optrun.marginal.needs_more"
    assert dict(dev.note_params) == {"fte": 2, "gain": "6"}
    assert dev.note == "+1 FTE lets nothing in; +2 FTE in the same months would gain 6"


def test_zero_because_budget_holds_the_proposal_back():
    """B fits on dev with one more FTE but not in the budget of 10 (A costs 10, B 5): worth 0, and why."""
    data = portfolio([project("A", budget=10), project("B", budget=5)], values={"A": 10, "B": 6},
                     demand=flat_demand("A", "dev", 1, 1) + flat_demand("B", "dev", 1, 1),
                     capacity_rows=capacity("dev", 1.5))
    run = params(budget=10)
    dev = by_key(marginal.marginal_values(data, run, selection.optimise(data, run), method="resolve"))[("dev", "resolve")]
    assert dev.value_per_unit == 0.0 and dev.note_key == "optrun.marginal.other_limits"
    assert dev.months == ("2026-01",) and dict(dev.note_params) == {"fte": 3}


def test_zero_because_the_role_is_never_short():
    data = portfolio([project("A")], values={"A": 10}, demand=flat_demand("A", "dev", 1, 1),
                     capacity_rows=capacity("dev", 3))
    run = params()
    dev = by_key(marginal.marginal_values(data, run, selection.optimise(data, run), method="resolve"))[("dev", "resolve")]
    assert dev.value_per_unit == 0.0 and dev.note_key == "optrun.marginal.slack" and dev.months == ()
