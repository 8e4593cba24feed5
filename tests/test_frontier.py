"""The efficient frontier: exact values at each budget, monotone, entered/left lists, progress, one model."""

from __future__ import annotations

import pytest

from analytics import frontier, selection
from analytics.errors import InvalidInput
from analytics.prepare import prepare
from tests.selection_cases import capacity, flat_demand, knapsack_by_budget, params, portfolio, project

# best value of A(6 for 3), B(8 for 5), C(8 for 5) at budgets 0..13, worked by hand
EXPECTED = [0, 0, 0, 6, 6, 8, 8, 8, 14, 14, 16, 16, 16, 22]


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_frontier_values_entries_and_progress(solver):
    calls = []
    points = frontier.efficient_frontier(knapsack_by_budget(), params(solver=solver), points=14,
                                         progress=lambda i, n: calls.append((i, n)))
    assert [p.budget for p in points] == pytest.approx(list(range(14)))
    assert [p.objective for p in points] == pytest.approx(EXPECTED)
    assert calls == [(i, 14) for i in range(1, 15)]
    by_budget = {round(p.budget): p for p in points}
    assert by_budget[3].entered == ("A",) and by_budget[3].left == ()
    assert by_budget[5].entered == ("B",) and by_budget[5].left == ("A",)
    assert by_budget[10].selected_ids == ("B", "C") and by_budget[10].left == ("A",)
    assert by_budget[13].entered == ("A",) and by_budget[13].cost == pytest.approx(13)
    assert all(p.status == "optimal" for p in points)


def test_frontier_is_monotone_and_matches_independent_solves():
    data = portfolio(
        [project(f"P{i}", budget=b, start=0, latest=2, duration=2) for i, b in enumerate([4, 7, 3, 9, 5, 6])],
        values={"P0": 5, "P1": 9, "P2": 2, "P3": 12, "P4": 6, "P5": 6.5},
    )
    points = frontier.efficient_frontier(data, params(), points=8)
    values = [p.objective for p in points]
    assert values == sorted(values)
    for point in points:
        alone = selection.optimise(data, params(budget=point.budget))
        assert point.objective == pytest.approx(alone.objective)


def test_budget_range_counts_committed_and_mandatory_work():
    data = portfolio(
        [project("C", start=-1, duration=2, budget=20, status="active"), project("M", start=0, latest=11, duration=2,
                                                                                 budget=8, mandatory=True),
         project("P", start=11, duration=4, budget=40)],
        values={"C": 1, "M": 1, "P": 1},
    )
    low, high = frontier.budget_range(prepare(data, params()))
    # committed: 10 inside the horizon; M at its cheapest start (month 11, half inside): 4; P: 10 inside
    assert low == pytest.approx(14)
    assert high == pytest.approx(10 + 8 + 10)
    points = frontier.efficient_frontier(data, params(), points=3)
    assert [p.budget for p in points] == pytest.approx([14, 21, 28])
    assert points[0].objective == pytest.approx(2) and points[-1].objective == pytest.approx(3)


def test_infeasible_levels_have_no_values():
    # M (dev in its first month) is cheapest at month 11, half its spend inside the horizon, but committed
    # work holds dev then, so the lowest level (5) cannot be met; at 10 M starts in month 10.
    data = portfolio(
        [project("C", start=11, duration=1, status="approved"), project("M", start=10, latest=11, duration=2,
                                                                        budget=10, mandatory=True)],
        values={"M": 1},
        demand=flat_demand("C", "dev", 1, 1) + flat_demand("M", "dev", 1, 1), capacity_rows=capacity("dev", 1),
    )
    points = frontier.efficient_frontier(data, params(), points=2)
    assert [p.budget for p in points] == pytest.approx([5, 10])
    assert points[0].status == "infeasible" and points[0].objective is None and points[0].selected_ids == ()
    assert points[1].objective == pytest.approx(1) and points[1].entered == ("C", "M")


def test_a_portfolio_without_choices_gives_flat_points():
    data = portfolio([project("C", duration=2, budget=10, status="active"), project("F", start=30, budget=5)],
                     values={"C": 3, "F": 9})
    points = frontier.efficient_frontier(data, params(), points=3)
    assert [p.objective for p in points] == pytest.approx([3])   # low == high: one level
    assert points[0].selected_ids == ("C",)


def test_too_few_points_is_refused():
    with pytest.raises(InvalidInput):
        frontier.efficient_frontier(knapsack_by_budget(), params(), points=1)


def test_each_level_gets_a_share_of_the_run_time_limit():
    # 60 s over 12 levels = 5 s each; 600 s over 12 = 50 s; a 3 s run never gives a level more than 3 s
    assert frontier.point_time_limit(params(time_limit_seconds=60.0), 12) == pytest.approx(5.0)
    assert frontier.point_time_limit(params(time_limit_seconds=600.0), 12) == pytest.approx(50.0)
    assert frontier.point_time_limit(params(time_limit_seconds=30.0), 12) == pytest.approx(5.0)
    assert frontier.point_time_limit(params(time_limit_seconds=3.0), 12) == pytest.approx(3.0)


def test_small_frontier_stays_exact_with_a_short_limit_per_level():
    points = frontier.efficient_frontier(knapsack_by_budget(), params(), points=14, time_limit_per_point=1.0)
    assert [p.objective for p in points] == pytest.approx(EXPECTED)
    assert {p.status for p in points} == {"optimal"}


def test_non_positive_limit_per_level_is_refused():
    with pytest.raises(InvalidInput):
        frontier.efficient_frontier(knapsack_by_budget(), params(), points=3, time_limit_per_point=0.0)


def test_plateau_names_where_more_budget_stops_buying_value():
    """A, B, C each need the one dev FTE of two: at most two fit, so from 10 (B + C = 16) more money buys nothing."""
    base = knapsack_by_budget()
    demand = [row for pid in ("A", "B", "C") for row in flat_demand(pid, "dev", 1, 1)]
    data = portfolio(list(base.projects.to_dict("records")), values=dict(base.strategic_value),
                     demand=demand, capacity_rows=capacity("dev", 2))
    points = frontier.efficient_frontier(data, params(), points=14)
    assert [p.objective for p in points] == pytest.approx([0, 0, 0, 6, 6, 8, 8, 8, 14, 14, 16, 16, 16, 16])
    assert frontier.plateau(points) == frontier.Plateau(budget=pytest.approx(10), value=pytest.approx(16),
                                                        levels=4, cheapest_cost=pytest.approx(10))
    # the unconstrained case rises to its last level: no plateau to report
    assert frontier.plateau(frontier.efficient_frontier(knapsack_by_budget(), params(), points=14)) is None


# ---- issue 14: points where the optimum changes, every one different


def test_breakpoints_are_exact_and_distinct():
    """Worked by hand for A(6 for 3), B(8 for 5), C(8 for 5): the best value steps up at budgets 3 (A),
    5 (B or C), 8 (A + one of them), 10 (B + C) and 13 (all)."""
    points = frontier.frontier_breakpoints(knapsack_by_budget(), params(), points=12)
    assert [p.budget for p in points] == pytest.approx([0, 3, 5, 8, 10, 13], abs=1e-4)
    assert [p.objective for p in points] == pytest.approx([0, 6, 8, 14, 16, 22])
    assert len({round(p.objective, 6) for p in points}) == len(points)       # no value shown twice
    assert all(p.cost == pytest.approx(p.budget, abs=1e-4) for p in points)  # each is its portfolio's cost
    assert points[3].selected_ids in (("A", "B"), ("A", "C")) and points[4].selected_ids == ("B", "C")
    assert points[4].entered == tuple(sorted({"B", "C"} - set(points[3].selected_ids))) and points[4].left == ("A",)
    for point in points[1:]:   # just below a breakpoint the best value is lower
        below = selection.optimise(knapsack_by_budget(), params(budget=point.budget - 1e-3))
        assert below.objective < point.objective - 1e-6


def test_more_breakpoints_than_points_keeps_ones_spread_from_bottom_to_top():
    points = frontier.frontier_breakpoints(knapsack_by_budget(), params(), points=3)
    # spacing (13 - 0) / 2: from the top 13, then the breakpoint at or below 6.5 (5), then the lowest (0)
    assert [p.budget for p in points] == pytest.approx([0, 5, 13], abs=1e-4)
    assert [p.objective for p in points] == pytest.approx([0, 8, 22])


def test_breakpoints_stop_where_capacity_binds():
    """With one dev FTE for two of A, B, C, value stops at 16 (B + C, cost 10): the top point is 10, not 13."""
    base = knapsack_by_budget()
    demand = [row for pid in ("A", "B", "C") for row in flat_demand(pid, "dev", 1, 1)]
    data = portfolio(list(base.projects.to_dict("records")), values=dict(base.strategic_value),
                     demand=demand, capacity_rows=capacity("dev", 2))
    points = frontier.frontier_breakpoints(data, params(), points=12)
    assert [p.budget for p in points] == pytest.approx([0, 3, 5, 8, 10], abs=1e-4)
    assert [p.objective for p in points] == pytest.approx([0, 6, 8, 14, 16])


def test_breakpoints_refuse_too_few_points():
    with pytest.raises(InvalidInput):
        frontier.frontier_breakpoints(knapsack_by_budget(), params(), points=1)
