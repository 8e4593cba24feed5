"""Monthly spend profiles in the optimiser: prepare, the model's budget/fiscal/category rows, the greedy
baseline and the explanations (analytics.fit), the frontier's cost of required work, and the pack.

Every number is worked by hand. The rule: month k of a profiled project spends
budget x planned_spend_k / sum(planned_spend); a project without a profile spends budget / duration.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analytics.errors import InvalidInput
from analytics.explain import explain_left_out
from analytics.fit import FitState
from analytics.frontier import budget_range
from analytics.greedy import greedy_baseline
from analytics.prepare import committed_in_horizon, prepare, project_month_spend
from analytics.selection import optimise
from analytics.selection_types import PortfolioData
from tests.selection_cases import month, params, portfolio, project


def profile(rows: dict[str, list[float]], offsets: dict[str, list[int]] | None = None) -> pd.DataFrame:
    """project -> planned spend per month offset (0, 1, ... unless `offsets` names them)."""
    records = []
    for pid, amounts in rows.items():
        months = (offsets or {}).get(pid, list(range(len(amounts))))
        records += [{"project_id": pid, "month_offset": k, "planned_spend": float(a)} for k, a in zip(months, amounts, strict=True)]
    return pd.DataFrame(records)


def with_profile(data: PortfolioData, rows: dict[str, list[float]], **kw) -> PortfolioData:
    return dataclasses.replace(data, spend_profile=profile(rows, **kw))


def spend_of(prep, option: int) -> dict[int, float]:
    part = prep.option_spend_month[prep.option_spend_month["option"] == option]
    return {int(m): float(s) for m, s in zip(part["month"], part["spend"], strict=True)}


# --- prepare ---------------------------------------------------------------------------------------


def test_budget_120_over_3_months_with_profile_2_1_1_is_60_30_30():
    data = with_profile(portfolio([project("A", duration=3, budget=120), project("B", duration=3, budget=90)],
                                  values={"A": 1, "B": 1}), {"A": [2, 1, 1]})
    prep = prepare(data, params())
    a = int(prep.options.loc[prep.options["project_id"] == "A", "option"].iloc[0])
    b = int(prep.options.loc[prep.options["project_id"] == "B", "option"].iloc[0])
    assert spend_of(prep, a) == pytest.approx({0: 60.0, 1: 30.0, 2: 30.0})
    assert spend_of(prep, b) == pytest.approx({0: 30.0, 1: 30.0, 2: 30.0})  # no profile: even
    assert prep.options.set_index("project_id")["spend"].to_dict() == pytest.approx({"A": 120.0, "B": 90.0})


def test_percentages_and_amounts_are_the_same_profile_and_missing_months_spend_nothing():
    frame = pd.DataFrame({"project_id": ["A", "B"], "duration_months": [3, 3], "budget": [120.0, 120.0]})
    as_percent = project_month_spend(frame, profile({"A": [50, 25, 25], "B": [2, 1]}, offsets={"B": [0, 2]}))
    assert list(as_percent["month_offset"]) == [0, 1, 2, 0, 1, 2]
    assert_allclose(as_percent["spend"], [60, 30, 30, 80, 0, 40])
    even = project_month_spend(frame, None)
    assert_allclose(even["spend"], [40] * 6)


def test_only_months_inside_the_horizon_count():
    # horizon 12 months; A starts in month 10: months 10 and 11 are inside (60 + 30), month 12 is not
    data = with_profile(portfolio([project("A", start=10, duration=3, budget=120)], values={"A": 1}), {"A": [2, 1, 1]})
    prep = prepare(data, params())
    assert spend_of(prep, 0) == pytest.approx({10: 60.0, 11: 30.0})
    assert float(prep.options.loc[0, "spend"]) == pytest.approx(90.0)


def test_committed_work_started_before_or_ending_after_the_horizon():
    data = with_profile(portfolio([
        project("EARLY", status="active", start=-1, duration=3, budget=120),   # months -1, 0, 1
        project("GONE", status="active", start=-5, duration=3, budget=120),    # ended before the horizon
        project("LATE", status="approved", start=11, duration=3, budget=120),  # months 11, 12, 13
    ]), {"EARLY": [2, 1, 1], "GONE": [2, 1, 1], "LATE": [2, 1, 1]})
    prep = prepare(data, params())
    expected = np.zeros(12)
    expected[[0, 1]] = 30.0
    expected[11] = 60.0
    assert_allclose(prep.committed_spend, expected)
    inside = committed_in_horizon(prep, ["EARLY", "GONE", "LATE"])
    assert inside.to_dict() == pytest.approx({"EARLY": 60.0, "GONE": 0.0, "LATE": 60.0})


@pytest.mark.parametrize(("rows", "column"), [
    ({"project_id": ["A"], "month_offset": [3], "planned_spend": [1.0]}, "month_offset"),     # duration is 3
    ({"project_id": ["A"], "month_offset": [-1], "planned_spend": [1.0]}, "month_offset"),
    ({"project_id": ["A"], "month_offset": [0.5], "planned_spend": [1.0]}, "month_offset"),
    ({"project_id": ["A", "A"], "month_offset": [1, 1], "planned_spend": [1.0, 2.0]}, "month_offset"),
    ({"project_id": ["A"], "month_offset": [0], "planned_spend": [-1.0]}, "planned_spend"),
    ({"project_id": ["A"], "month_offset": [0], "planned_spend": [None]}, "planned_spend"),
    ({"project_id": ["A", "A"], "month_offset": [0, 1], "planned_spend": [0.0, 0.0]}, "planned_spend"),
    ({"project_id": ["A"], "month_offset": [0]}, "planned_spend"),
])
def test_a_bad_profile_is_refused(rows, column):
    data = dataclasses.replace(portfolio([project("A", duration=3, budget=120)], values={"A": 1}),
                               spend_profile=pd.DataFrame(rows))
    with pytest.raises(InvalidInput) as raised:
        prepare(data, params())
    assert raised.value.params["column"] == column


def test_zero_budget_may_have_a_zero_profile_and_unknown_projects_are_ignored():
    data = with_profile(portfolio([project("A", duration=2, budget=0)], values={"A": 1}), {"A": [0, 0], "ZZ": [5]})
    prep = prepare(data, params())
    assert prep.option_spend_month.empty and float(prep.options.loc[0, "spend"]) == 0.0


# --- fiscal-year caps --------------------------------------------------------------------------------
#
# Horizon 2026-10 .. 2027-09, calendar fiscal years: FY2026 = Oct-Dec (months 0-2), FY2027 = the rest.
# A (value 10, budget 120) must start in 2026-11 and runs 4 months: Nov, Dec | Jan, Feb.
#   even          30 30 | 30 30   -> FY2026 60, FY2027 60
#   front 6/2/1/1 72 24 | 12 12   -> FY2026 96, FY2027 24


def fiscal_case(shape: list[float] | None) -> PortfolioData:
    data = portfolio([project("A", start=1, duration=4, budget=120)], values={"A": 10}, as_of="2026-10")
    data = dataclasses.replace(data, projects=data.projects.assign(start_month=[month(1, "2026-10")]))
    return data if shape is None else with_profile(data, {"A": shape})


def fiscal_params(**caps: float):
    return params(horizon_start="2026-10", annual_budget_caps={int(k[2:]): v for k, v in caps.items()})


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_even_spread_fits_a_cap_that_the_front_loaded_profile_breaks(solver):
    cap = fiscal_params(fy2026=80.0)
    cap = dataclasses.replace(cap, solver=solver)
    even = optimise(fiscal_case(None), cap)
    assert even.status == "optimal" and [p.project_id for p in even.selected] == ["A"]
    assert even.spend_by_month == pytest.approx({**{m: 0.0 for m in even.spend_by_month},
                                                 "2026-11": 30.0, "2026-12": 30.0, "2027-01": 30.0, "2027-02": 30.0})
    front = optimise(fiscal_case([6, 2, 1, 1]), cap)
    assert front.status == "optimal" and front.selected == () and front.objective == pytest.approx(0.0)


def test_front_loaded_profile_fits_a_cap_that_the_even_spread_breaks():
    cap = fiscal_params(fy2027=50.0)
    assert optimise(fiscal_case(None), cap).selected == ()
    front = optimise(fiscal_case([6, 2, 1, 1]), cap)
    assert [p.project_id for p in front.selected] == ["A"] and front.objective == pytest.approx(10.0)
    assert {m: v for m, v in front.spend_by_month.items() if v} == pytest.approx(
        {"2026-11": 72.0, "2026-12": 24.0, "2027-01": 12.0, "2027-02": 12.0})
    assert front.total_cost == pytest.approx(120.0)


def test_greedy_and_explanations_see_the_profile_in_fiscal_years():
    cap = fiscal_params(fy2026=80.0)
    data = fiscal_case([6, 2, 1, 1])
    assert greedy_baseline(data, cap).selected == ()
    assert greedy_baseline(fiscal_case(None), cap).selected == ("A",)
    result = optimise(data, cap)
    (left,) = explain_left_out(data, cap, result)
    # it breaks the cap even with no other new work: 96 of FY2026 spend against a cap of 80
    assert [r.code for r in left.reasons] == ["annual_budget_alone"]
    assert {k: dict(left.reasons[0].params)[k] for k in ("year", "needed", "available")} == \
        {"year": 2026, "needed": pytest.approx(96.0), "available": pytest.approx(80.0)}


# --- committed work, the total budget and category shares --------------------------------------------
#
# C (active, "ops", budget 90, 3 months from one month before the horizon, profile 4/1/1 = 60/15/15)
# spends 15 + 15 = 30 inside the horizon (even: 30 + 30 = 60).


def committed_case(*others: dict, shape: list[float] | None = (4, 1, 1)) -> PortfolioData:
    data = portfolio([project("C", status="active", start=-1, duration=3, budget=90, category="ops"), *others],
                     values={"P": 5, "D": 5})
    return data if shape is None else with_profile(data, {"C": list(shape)})


def test_committed_work_with_a_profile_consumes_its_own_months_of_the_budget():
    p = project("P", duration=1, budget=40, category="ops")
    budget = params(budget=70.0)
    kept = optimise(committed_case(p), budget)
    assert [(s.project_id, s.committed) for s in kept.selected] == [("C", True), ("P", False)]
    assert kept.total_cost == pytest.approx(70.0)
    assert (kept.spend_by_month[month(0)], kept.spend_by_month[month(1)], kept.spend_by_month[month(2)]) == \
        pytest.approx((55.0, 15.0, 0.0))
    assert kept.spend_by_category == pytest.approx({"ops": 70.0})
    even = optimise(committed_case(p, shape=None), budget)   # 60 + 40 > 70
    assert [s.project_id for s in even.selected] == ["C"]


def test_category_shares_use_the_profiled_committed_spend():
    d = project("D", duration=3, budget=60, category="digital")     # 60 inside the horizon
    cap = params(category_max_share={"digital": 0.6})
    # profiled: digital 60 / (60 + 30) = 66.7 % > 60 %; even: 60 / (60 + 60) = 50 %
    profiled = optimise(committed_case(d), cap)
    assert [s.project_id for s in profiled.selected] == ["C"]
    assert profiled.spend_by_category == pytest.approx({"ops": 30.0})
    assert [s.project_id for s in optimise(committed_case(d, shape=None), cap).selected] == ["C", "D"]
    state = FitState(prepare(committed_case(d), cap))
    assert state.category_spend == pytest.approx({"ops": 30.0})
    (left,) = explain_left_out(committed_case(d), cap, profiled)
    balance = next(r for r in left.reasons if r.code == "category_balance")
    assert dict(balance.params)["share"] == pytest.approx(2 / 3)


def test_frontier_cost_of_required_work_uses_profiles():
    # C inside the horizon: 30 (above); M mandatory, months 10-12, profile 1/1/2 of 120: 30 + 30 inside
    m = project("M", start=10, duration=3, budget=120, mandatory=True)
    x = project("X", duration=2, budget=50)
    data = dataclasses.replace(committed_case(m, x), spend_profile=profile({"C": [4, 1, 1], "M": [1, 1, 2]}))
    assert budget_range(prepare(data, params())) == pytest.approx((90.0, 140.0))
    assert budget_range(prepare(committed_case(m, x, shape=None), params())) == pytest.approx((140.0, 190.0))
