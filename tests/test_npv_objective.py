"""The optimiser's `npv` objective: each option worth its project's NPV at its own start, discounted from
the horizon start to its start month. A hand-made 3-project case where it picks another portfolio than
strategic value, with the exact optimum; and the CLI flag."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analytics.prepare import prepare
from analytics.selection import optimise
from tests.selection_cases import params, portfolio, project

# Each project costs 100 in its only month and returns B twelve months after its start, r = 10 %:
# NPV at its start = -100 + B / 1.1.  X: B 110 -> 0;  Y: B 165 -> 50;  Z: B 143 -> 30.
# Y can only start 12 months into the horizon, so it is worth 50 / 1.1 there. Budget 200: two projects.
FLOWS = pd.DataFrame(
    [(pid, 0, 100.0, 0.0) for pid in "XYZ"] + [("X", 12, 0.0, 110.0), ("Y", 12, 0.0, 165.0), ("Z", 12, 0.0, 143.0)],
    columns=["project_id", "month_offset", "cost", "benefit"],
)
VALUES = {"X": 90.0, "Y": 50.0, "Z": 40.0}


def data():
    rows = [project("X", budget=100.0), project("Y", start=12, budget=100.0), project("Z", latest=6, budget=100.0)]
    return dataclasses.replace(portfolio(rows, VALUES), cash_flows=FLOWS)


def chosen(result):
    return {(p.project_id, p.start_month) for p in result.selected}


def test_strategic_value_and_npv_pick_different_portfolios_exactly():
    by_value = optimise(data(), params(budget=200.0, horizon_months=24))
    assert by_value.status == "optimal" and by_value.objective == pytest.approx(140.0)
    assert {pid for pid, _ in chosen(by_value)} == {"X", "Y"}
    by_npv = optimise(data(), params(budget=200.0, horizon_months=24, objective="npv", discount_rate=0.10))
    assert by_npv.status == "optimal"
    # Z as early as it may (month 0: worth 30), Y at month 12 (worth 50 / 1.1); X (NPV 0) left out
    assert chosen(by_npv) == {("Z", "2026-01"), ("Y", "2027-01")}
    assert by_npv.objective == pytest.approx(30.0 + 50.0 / 1.1, abs=1e-9)


def test_a_later_start_is_worth_less_by_the_monthly_compounded_rate():
    prep = prepare(data(), params(horizon_months=24, objective="npv", discount_rate=0.10))
    z = prep.options[prep.options["project_id"] == "Z"].set_index("t")["value"]
    assert list(z.index) == list(range(7))
    assert z.to_numpy() == pytest.approx([30.0 * 1.1 ** (-t / 12) for t in range(7)], abs=1e-9)


def test_without_cash_flows_the_npv_objective_uses_budget_and_expected_benefit():
    rows = [project("A", budget=100.0, benefit=120.0)]
    prep = prepare(portfolio(rows), params(objective="npv", discount_rate=0.10, benefit_months=12))
    v = 1.1 ** (-1 / 12)
    assert prep.options["value"].tolist() == pytest.approx([-100 + 10 * v * (1 - v**12) / (1 - v)], abs=1e-9)


@pytest.mark.parametrize("change", [{"discount_rate": -1.0}, {"benefit_months": 0}])
def test_bad_npv_parameters_are_refused(change):
    from analytics.errors import InvalidInput

    with pytest.raises(InvalidInput):
        prepare(data(), params(objective="npv", **change))
