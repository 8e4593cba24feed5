"""Weight sensitivity on hand-worked cases, and the Monte Carlo rank stability against a closed form.

The two-objective portfolio used throughout (weights growth 0.6, cost 0.4):

    project  growth  cost   score(t) with t = growth weight, cost = 1 - t, x 20
    A        5       1      20 * (5t + (1 - t))   = 20 * (1 + 4t)   -> 68 at t = 0.6
    B        2       4      20 * (2t + 4(1 - t))  = 20 * (4 - 2t)   -> 56
    C        3       2      20 * (3t + 2(1 - t))  = 20 * (2 + t)    -> 52

A stays first while 1 + 4t >= 4 - 2t (t >= 1/2) and 1 + 4t >= 2 + t (t >= 1/3): growth in [0.5, 1],
where B overtakes A at 0.5. The top 2 {A, B} holds while A >= C (t >= 1/3) and B >= C
(4 - 2t >= 2 + t, t <= 2/3): growth in [1/3, 2/3]; C replaces A below 1/3 and B above 2/3.
Seen from cost (weight u = 1 - t) the same bounds mirror: first [0, 0.5], top 2 [1/3, 2/3].
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.stats import beta

from analytics.errors import InvalidInput
from analytics.sensitivity import top_k_probability, weight_ranges

MATRIX = pd.DataFrame({"growth": [5, 2, 3], "cost": [1, 4, 2]}, index=["A", "B", "C"])
WEIGHTS = {"growth": 0.6, "cost": 0.4}


def test_weight_ranges_two_objectives_hand_worked():
    growth, cost = weight_ranges(MATRIX, WEIGHTS, k=2)
    assert growth.objective_id == "growth" and growth.weight == pytest.approx(0.6)
    assert (growth.first_low, growth.first_high) == (pytest.approx(0.5), 1.0)
    assert growth.first_swap_low == ("A", "B") and growth.first_swap_high is None
    assert (growth.top_k_low, growth.top_k_high) == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    assert growth.top_k_swap_low == ("A", "C") and growth.top_k_swap_high == ("B", "C")
    assert (cost.first_low, cost.first_high) == (0.0, pytest.approx(0.5))
    assert (cost.top_k_low, cost.top_k_high) == (pytest.approx(1 / 3), pytest.approx(2 / 3))


def test_weight_ranges_three_objectives_proportional_rescaling():
    # Weights (0.5, 0.3, 0.2). Moving "a" to t rescales b and c to 0.6(1 - t) and 0.4(1 - t).
    #   P: a=0, b=5, c=5 -> 20 * 5(1 - t)             = 100 - 100t
    #   Q: a=4, b=1, c=1 -> 20 * (4t + (1 - t))       = 20 + 60t
    # P first while 100 - 100t >= 20 + 60t, i.e. t <= 1/2; at the current 0.5 they tie and P wins by id
    # order, so P stays first on [0, 0.5] exactly.
    matrix = pd.DataFrame({"a": [0, 4], "b": [5, 1], "c": [5, 1]}, index=["P", "Q"])
    a, b, c = weight_ranges(matrix, {"a": 0.5, "b": 0.3, "c": 0.2}, k=1)
    assert (a.first_low, a.first_high) == (0.0, pytest.approx(0.5))
    assert a.first_swap_high == ("P", "Q")
    # b at s: a = (5/7)(1 - s), c = (2/7)(1 - s).
    #   P = 20 * (5s + 5 * (2/7)(1 - s)) = 20 * (10/7 + 25s/7)
    #   Q = 20 * (s + 4 * (5/7)(1 - s) + (2/7)(1 - s)) = 20 * (22/7 - 15s/7)
    # P >= Q  <=>  10 + 25s >= 22 - 15s  <=>  s >= 12/40 = 0.3: P first on [0.3, 1].
    assert (b.first_low, b.first_high) == (pytest.approx(0.3), 1.0)
    # c at r: a = (5/8)(1 - r), b = (3/8)(1 - r): P = 20 * (5r + (15/8)(1 - r)), Q = 20 * (r + (23/8)(1 - r)).
    # P >= Q  <=>  40r + 15 - 15r >= 8r + 23 - 23r  <=>  40r >= 8  <=>  r >= 0.2.
    assert (c.first_low, c.first_high) == (pytest.approx(0.2), 1.0)
    # k covers every project: nothing can change.
    assert weight_ranges(matrix, {"a": 0.5, "b": 0.3, "c": 0.2}, k=5)[0].top_k_low == 0.0


def test_risk_multipliers_enter_the_ranges():
    # Halving A's score: A = 10(1 + 4t), B = 20(4 - 2t): A first only when 10 + 40t >= 80 - 40t, t >= 7/8.
    # At the current t = 0.6 A is not first; B is, and stays while 80 - 40t >= 10 + 40t and >= 20(2 + t),
    # i.e. t <= 7/8 and t <= 2/3: [0, 2/3].
    multipliers = pd.Series({"A": 0.5, "B": 1.0, "C": 1.0})
    growth, _ = weight_ranges(MATRIX, WEIGHTS, k=1, multipliers=multipliers)
    assert (growth.first_low, growth.first_high) == (0.0, pytest.approx(2 / 3))
    assert growth.first_swap_high == ("B", "C")


def test_monte_carlo_matches_the_beta_distribution():
    # With two objectives the Dirichlet(c * 0.6, c * 0.4) growth weight is Beta(12, 8) for c = 20;
    # A is first exactly when t >= 1/2, so P(A first) = 1 - BetaCDF(0.5; 12, 8) = 0.82036.
    result = top_k_probability(MATRIX, WEIGHTS, k=2, draws=20_000, concentration=20, seed=11)
    table = result.table.set_index("project_id")
    expected_first = beta(12, 8).sf(0.5)
    assert table.at["A", "probability_first"] == pytest.approx(expected_first, abs=4 * np.sqrt(0.18 * 0.82 / 20_000))
    # Top 2 fails for A below 1/3 and for B above 2/3: P(A in) = sf(1/3), P(B in) = cdf(2/3).
    assert table.at["A", "probability_top_k"] == pytest.approx(beta(12, 8).sf(1 / 3), abs=0.005)
    assert table.at["B", "probability_top_k"] == pytest.approx(beta(12, 8).cdf(2 / 3), abs=0.012)
    # Exactly k projects are in the top k in every draw.
    assert table["probability_top_k"].sum() == pytest.approx(2.0)
    assert table["probability_first"].sum() == pytest.approx(1.0)
    assert list(table["baseline_rank"]) == [1, 2, 3]


def test_monte_carlo_is_reproducible():
    first = top_k_probability(MATRIX, WEIGHTS, k=1, draws=500, seed=3).table
    again = top_k_probability(MATRIX, WEIGHTS, k=1, draws=500, seed=3).table
    other = top_k_probability(MATRIX, WEIGHTS, k=1, draws=500, seed=4).table
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_dominant_project_and_zero_weight_objective():
    # D beats everyone on every objective: it is first in every draw whatever the noise. The zero
    # weight on "x" stays zero, so E's perfect x score never helps it.
    matrix = pd.DataFrame({"g": [5, 1, 2], "h": [5, 2, 1], "x": [0, 5, 0]}, index=["D", "E", "F"])
    result = top_k_probability(matrix, {"g": 0.5, "h": 0.5, "x": 0.0}, k=1, draws=300, concentration=2, seed=1)
    table = result.table.set_index("project_id")
    assert table.at["D", "probability_first"] == 1.0 and table.at["E", "probability_top_k"] == 0.0
    assert_allclose(table.loc["D", ["median_rank", "rank_p05", "rank_p95"]], [1, 1, 1])


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda: weight_ranges(MATRIX, WEIGHTS, k=0), "strategy.error.bad_k"),
        (lambda: top_k_probability(MATRIX, WEIGHTS, k=0), "strategy.error.bad_k"),
        (lambda: top_k_probability(MATRIX, WEIGHTS, draws=0), "strategy.error.bad_draws"),
        (lambda: top_k_probability(MATRIX, WEIGHTS, concentration=0), "strategy.error.bad_draws"),
        (lambda: weight_ranges(MATRIX, {"growth": 1, "revenue": 1}), "strategy.error.unknown_objective"),
        (lambda: weight_ranges(MATRIX.iloc[0:0], WEIGHTS), "strategy.error.nothing_to_analyse"),
        (lambda: weight_ranges(MATRIX * 2, WEIGHTS), "strategy.error.score_range"),
        (lambda: weight_ranges(MATRIX, {"growth": 0, "cost": 0}), "strategy.error.zero_weights"),
    ],
)
def test_bad_input(call, key):
    with pytest.raises(InvalidInput) as caught:
        call()
    assert caught.value.key == key


def test_ranks_in_chunks_of_draws_match_ranking_each_draw_on_its_own():
    # Integer scores tie often; 600 draws span three chunks of DRAW_CHUNK (the last one short).
    from analytics.sensitivity import DRAW_CHUNK, _draw_ranks, _order

    rng = np.random.default_rng(11)
    values = rng.integers(0, 6, size=(40, 4)).astype(float)
    sample = rng.dirichlet(np.ones(4), size=2 * DRAW_CHUNK + 100)
    ranks = _draw_ranks(sample, values)
    for d in (0, DRAW_CHUNK - 1, DRAW_CHUNK, 2 * DRAW_CHUNK + 99):
        expected = np.empty(40, dtype=int)
        expected[_order(values @ sample[d])] = np.arange(1, 41)
        assert list(ranks[d]) == list(expected)


def test_ranks_fall_back_to_a_stable_sort_where_the_unique_keys_would_not_be_exact():
    # Scores near 1e7 times the project count pass 2^53: the stable sort must give the same ranks.
    from analytics.sensitivity import _draw_ranks, _order

    values = np.array([[3.0, 1.0], [1.0, 3.0], [2.0, 2.0], [3.0, 1.0]]) * 1e7
    sample = np.array([[0.5, 0.5], [0.9, 0.1]])
    ranks = _draw_ranks(sample, values)
    for d in range(2):
        expected = np.empty(4, dtype=int)
        expected[_order(values @ sample[d])] = np.arange(1, 5)
        assert list(ranks[d]) == list(expected)
    assert list(ranks[0]) == [1, 2, 3, 4]       # all tie at 2e7: project order
    assert list(ranks[1]) == [1, 4, 3, 2]       # 2.8e7, 1.2e7, 2e7, 2.8e7: ties in project order


@pytest.mark.parametrize("draws", [1, 2, 3, 7, 20, 21, 100, 101, 2000])
@pytest.mark.parametrize("projects", [1, 2, 5, 300])
def test_rank_quantiles_equal_numpys_percentile_to_the_bit(draws, projects):
    from analytics.sensitivity import RANK_QUANTILES, rank_quantiles

    ranks = np.random.default_rng(draws * 1000 + projects).integers(
        1, projects + 1, size=(draws, projects)).astype(np.int32)
    assert np.array_equal(rank_quantiles(ranks), np.percentile(ranks, RANK_QUANTILES, axis=0))
