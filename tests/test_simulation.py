"""Monte Carlo (analytics/simulation.py): a one-project triangular budget whose P(cost <= B) and median
are known in closed form, checked within sampling error with a fixed seed; no spread gives exact
figures; the one-factor copula at rho = 1 moves projects together; bad estimates are refused."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics.errors import InvalidInput
from analytics.simulation import (
    OverrunPrior,
    horizon_shares,
    run_totals,
    simulate,
    simulation_input,
    triangular_quantile,
)

A, C, B = 80.0, 100.0, 150.0   # triangular(low a, most likely c, high b) budget
RUNS = 200_000


def one(**columns) -> pd.DataFrame:
    base = {"project_id": ["P"], "budget": [C], "budget_low": [A], "budget_high": [B], "expected_benefit": [50.0],
            "duration_months": [6]}
    base.update(columns)
    return pd.DataFrame(base)


def inp(frame: pd.DataFrame, horizon: int = 24, priors=None):
    n = len(frame)
    return simulation_input(frame, np.ones(n), np.zeros(n, dtype=int), horizon, priors)


def cdf(x: float) -> float:
    """The triangular(a, c, b) CDF, by hand."""
    if x <= C:
        return (x - A) ** 2 / ((B - A) * (C - A))
    return 1 - (B - x) ** 2 / ((B - A) * (B - C))


@pytest.mark.parametrize("limit", [90.0, 110.0, 130.0])
def test_p_within_budget_matches_the_closed_form_within_sampling_error(limit):
    summary = simulate(inp(one()), RUNS, seed=7, budget=limit)
    exact = cdf(limit)   # 90: 100/1400 = 0.0714; 110: 1 - 1600/3500 = 0.5429; 130: 1 - 400/3500 = 0.8857
    assert exact == pytest.approx({90.0: 1 / 14, 110.0: 1 - 16 / 35, 130.0: 1 - 4 / 35}[limit])
    error = math.sqrt(exact * (1 - exact) / RUNS)
    assert abs(summary.p_within_budget - exact) < 4 * error


def test_the_cost_median_matches_the_closed_form():
    # F(c) = 20/70 < 0.5, so the median is b - sqrt(0.5 (b - a)(b - c)) = 150 - sqrt(1750)
    summary = simulate(inp(one()), RUNS, seed=3)
    assert summary.cost.p50 == pytest.approx(150 - math.sqrt(1750), abs=0.3)
    assert summary.p_within_budget is None and summary.budget is None


def test_the_inverse_cdf_is_the_triangular_quantile():
    u = np.array([0.0, 20 / 70, 0.5, 1.0])
    got = triangular_quantile(u, np.full(4, A), np.full(4, C), np.full(4, B))
    assert got.tolist() == pytest.approx([A, C, 150 - math.sqrt(1750), B])


def test_a_seed_reproduces_the_figures_and_another_changes_them():
    first, again = simulate(inp(one()), 5000, seed=11, budget=110.0), simulate(inp(one()), 5000, seed=11, budget=110.0)
    assert first == again
    assert simulate(inp(one()), 5000, seed=12, budget=110.0) != first


def test_no_spread_gives_the_most_likely_figures_exactly():
    frame = one(budget_low=[math.nan], budget_high=[math.nan])
    summary = simulate(inp(frame, horizon=6), 1000, seed=1, budget=100.0)
    assert summary.p_within_budget == 1.0 and summary.cost.p10 == summary.cost.p90 == 100.0
    assert summary.value.p50 == 50.0 and summary.p_finish_in_horizon == 1.0
    assert simulate(inp(frame, horizon=5), 10, seed=1).p_finish_in_horizon == 0.0
    assert simulate(inp(frame), 10, seed=1, budget=99.0).p_within_budget == 0.0


def test_durations_are_rounded_up_and_the_finish_probability_counts_them():
    # duration triangular(5, 6, 8) rounded up: finishing within 6 months means a draw <= 6: F(6) = 1/3
    frame = one(budget_low=[math.nan], budget_high=[math.nan], duration_low=[5], duration_high=[8])
    summary = simulate(inp(frame, horizon=6), RUNS, seed=5)
    assert abs(summary.p_finish_in_horizon - 1 / 3) < 4 * math.sqrt(2 / 9 / RUNS)


def test_full_correlation_moves_projects_together():
    two = pd.concat([one(), one(project_id=["Q"])], ignore_index=True)
    together = simulate(inp(two), RUNS, seed=2, budget=220.0, correlation=1.0)
    assert abs(together.p_within_budget - cdf(110.0)) < 4 * math.sqrt(0.25 / RUNS)
    apart = simulate(inp(two), RUNS, seed=2, budget=220.0)
    # independent costs partly cancel: a narrower 10-90 range than twice one project's
    spread = together.cost.p90 - together.cost.p10
    assert spread == pytest.approx(2 * (triangular_quantile(np.array([0.9]), *[np.array([v]) for v in (A, C, B)])[0]
                                        - triangular_quantile(np.array([0.1]), *[np.array([v]) for v in (A, C, B)])[0]),
                                   rel=0.01)
    assert apart.cost.p90 - apart.cost.p10 < 0.8 * spread


def test_a_category_prior_samples_the_historical_ratios():
    prior = OverrunPrior("IT", (1.0, 1.5), (1.0, 1.0), ("H1", "H2"))
    frame = one(budget_low=[math.nan], budget_high=[math.nan], category=["IT"])
    summary = simulate(inp(frame, priors={"IT": prior}), RUNS, seed=9, budget=120.0)
    assert abs(summary.p_within_budget - 0.5) < 4 * math.sqrt(0.25 / RUNS)
    assert summary.priors_used == {"IT": ("P",)}
    assert prior.cost_quantiles() == pytest.approx((0.25, 0.45))
    # a three-point estimate wins over the prior
    assert simulate(inp(one(category=["IT"], duration_low=[6], duration_high=[6]), priors={"IT": prior}), 10,
                    seed=1).priors_used == {}


def test_cost_counts_only_the_spend_inside_the_horizon():
    frame = pd.DataFrame({"project_id": ["P", "Q"], "duration_months": [4, 2], "budget": [100.0, 0.0]})
    shares = horizon_shares(frame, None, np.array([-1, 30]), 2)
    assert shares.tolist() == [0.5, 0.0]
    cost, _, _ = run_totals(simulation_input(frame, shares, np.array([-1, 30]), 2), 3, seed=0)
    assert cost.tolist() == [50.0, 50.0, 50.0]


@pytest.mark.parametrize("columns", [{"budget_low": [120.0]}, {"budget_high": [90.0]}, {"duration_low": [7]}])
def test_a_three_point_estimate_out_of_order_is_refused(columns):
    with pytest.raises(InvalidInput) as caught:
        inp(one(**columns))
    assert caught.value.key == "simulation.bad_three_point" and caught.value.params["project"] == "P"


@pytest.mark.parametrize(("runs", "correlation", "budget"), [(0, 0.0, None), (10, 1.5, None), (10, 0.0, -1.0)])
def test_bad_settings_are_refused(runs, correlation, budget):
    with pytest.raises(InvalidInput):
        simulate(inp(one()), runs, seed=1, budget=budget, correlation=correlation)
