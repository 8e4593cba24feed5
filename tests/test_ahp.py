"""AHP weights and consistency against published worked examples and hand-worked matrices."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize

from analytics.ahp import (
    RANDOM_INDEX,
    AhpInputError,
    DiagonalNotOne,
    DisconnectedJudgements,
    MatrixShapeError,
    MatrixSizeError,
    NonPositiveJudgement,
    NotReciprocal,
    UnknownAhpMethod,
    _principal,
    aggregate_judgements,
    ahp_weights,
    nearest_scale_value,
)

NAN = float("nan")

# Saaty, T. L. (1990) "How to make a decision: the analytic hierarchy process", European Journal of
# Operational Research 48, 9-26: the criteria for buying a house (size, transportation, neighbourhood,
# age, yard, modern facilities, general condition, financing). Published: weights .173 .054 .188
# .018 .031 .036 .167 .333, lambda_max = 9.669, C.I. = 0.238, C.R. = 0.169 (computed here:
# 9.66889, 0.23841, 0.16909; age is 0.017508, which the paper rounds to .018).
HOUSE = [
    [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
    [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
    [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
    [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
    [4, 7, 5, 8, 6, 6, 2, 1],
]

# "Analytic hierarchy process - leader example" (Wikipedia, the AHP article's worked example):
# criteria experience, education, charisma, age. Published: weights .547 .127 .270 .056 and
# CR = 0.044. Computed here: .547569 .126555 .269950 .055926, CR 0.043859: experience rounds to
# .548 at the third decimal; the source truncates it to .547, hence the 1e-3 tolerance on it.
LEADER = [
    [1, 4, 3, 7],
    [1 / 4, 1, 1 / 3, 3],
    [1 / 3, 3, 1, 5],
    [1 / 7, 1 / 3, 1 / 5, 1],
]

# Saaty, T. L. (1980) The Analytic Hierarchy Process, McGraw-Hill (after Saaty and Khouja 1976):
# relative wealth of nations, US, USSR, China, France, UK, Japan, West Germany. Published weights
# .427 .230 .021 .052 .052 .123 .094 and lambda_max = 7.61; CR computed here 0.0767.
WEALTH = [
    [1, 4, 9, 6, 6, 5, 5],
    [1 / 4, 1, 7, 5, 5, 3, 4],
    [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
    [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
]


def test_saaty_house_example():
    result = ahp_weights(HOUSE)
    assert_allclose(result.weights, [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333], atol=5e-4)
    assert round(result.lambda_max, 3) == 9.669
    assert round(result.consistency_index, 3) == 0.238
    assert round(result.consistency_ratio, 3) == 0.169
    assert result.random_index == 1.41 and not result.acceptable
    assert sum(result.weights) == pytest.approx(1.0)


def test_leader_example():
    result = ahp_weights(LEADER)
    assert_allclose(result.weights, [0.547, 0.127, 0.270, 0.056], atol=1e-3)
    assert_allclose(result.weights[1:], [0.127, 0.270, 0.056], atol=5e-4)
    assert round(result.consistency_ratio, 3) == 0.044
    assert result.acceptable


def test_wealth_of_nations_example():
    result = ahp_weights(WEALTH)
    assert_allclose(result.weights, [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094], atol=5e-4)
    assert round(result.lambda_max, 2) == 7.61
    assert round(result.consistency_ratio, 3) == 0.077


def test_random_index_table():
    assert [RANDOM_INDEX[n] for n in range(1, 11)] == [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]
    assert set(RANDOM_INDEX) == set(range(1, 16))


@pytest.mark.parametrize("method", ["eigen", "geometric"])
def test_consistent_matrix_gives_cr_exactly_zero(method):
    # a_ij = w_i / w_j with w = (4, 2, 1, 1): every judgement agrees with every path through the others.
    w = np.array([4.0, 2.0, 1.0, 1.0])
    result = ahp_weights(np.outer(w, 1 / w), method)
    assert result.consistency_ratio == 0.0 and result.consistency_index == 0.0 and result.lambda_max == 4.0
    assert_allclose(result.weights, [0.5, 0.25, 0.125, 0.125])
    assert result.most_inconsistent is None


def test_two_by_two():
    # Any 2x2 reciprocal matrix is consistent: a_12 = 3 gives 3/4 and 1/4, RI(2) = 0 so CR = 0.
    result = ahp_weights([[1, 3], [1 / 3, 1]])
    assert_allclose(result.weights, [0.75, 0.25])
    assert result.lambda_max == 2.0 and result.consistency_ratio == 0.0
    # A judgement given on one side only is mirrored.
    assert_allclose(ahp_weights([[1, None], [4, 1]], "geometric").weights, [0.2, 0.8])
    # 1/3 typed as 0.33 is accepted as reciprocal (3 * 0.33 = 0.99, within 2 %); the upper value wins.
    assert_allclose(ahp_weights([[1, 3], [0.33, 1]]).weights, [0.75, 0.25])


def test_geometric_mean_hand_worked():
    # Row geometric means of [[1, 2, 6], [1/2, 1, 4], [1/6, 1/4, 1]]: 12^(1/3), 2^(1/3), (1/24)^(1/3).
    result = ahp_weights([[1, 2, 6], [1 / 2, 1, 4], [1 / 6, 1 / 4, 1]], "geometric")
    means = np.array([12, 2, 1 / 24]) ** (1 / 3)
    assert_allclose(result.weights, means / means.sum())
    # The matrix is mildly inconsistent (6 vs 2 x 4 = 8): CR is that of the principal eigenvalue.
    assert result.consistency_ratio == pytest.approx(ahp_weights(result.completed_matrix).consistency_ratio)
    assert 0 < result.consistency_ratio < 0.1


def test_incomplete_consistent_chain_is_completed_exactly():
    # a_12 = 2 and a_23 = 3 with a_13 missing. Harker's matrix [[2, 2, 0], [1/2, 1, 3], [0, 1/3, 2]]
    # times w = (6, 3, 1) is (18, 9, 3) = 3 w: weights 0.6, 0.3, 0.1, lambda = n, and a_13 = 6.
    for method in ("eigen", "geometric"):
        result = ahp_weights([[1, 2, None], [None, 1, 3], [None, None, 1]], method)
        assert_allclose(result.weights, [0.6, 0.3, 0.1])
        assert result.completed_matrix[0][2] == pytest.approx(6.0)
        assert result.missing == ((0, 2),) and result.consistency_ratio == 0.0


def test_incomplete_cycle_hand_worked_and_lambda_optimal():
    # Judgements on the cycle 1-2-3-4-1: a12 = 3, a23 = 2, a34 = 4, a41 = 1/5; a13 and a24 missing.
    # Around the cycle the product is 3 * 2 * 4 / 5 = 4.8 instead of 1, so the log least squares
    # solution shrinks each judgement by 4.8^(1/4): a13 = 3 * 2 / sqrt(4.8) = 2.7386,
    # a24 = 2 * 4 / sqrt(4.8) = 3.6515. On a cycle Harker's eigenvector gives the same weights.
    matrix = [[1, 3, NAN, 5], [1 / 3, 1, 2, NAN], [NAN, 1 / 2, 1, 4], [1 / 5, NAN, 1 / 4, 1]]
    shrink = 4.8 ** 0.25
    w = np.array([1.0, shrink / 3, shrink**2 / 6, shrink**3 / 24])
    for method in ("eigen", "geometric"):
        result = ahp_weights(matrix, method)
        assert_allclose(result.weights, w / w.sum(), rtol=1e-9)
        assert result.completed_matrix[0][2] == pytest.approx(6 / math.sqrt(4.8))
        assert result.completed_matrix[1][3] == pytest.approx(8 / math.sqrt(4.8))
    # Harker's completion minimises lambda_max over the missing entries (Bozoki, Fulop, Ronyai 2010):
    # a direct numerical search finds no completion with a smaller principal eigenvalue.
    harker = ahp_weights(matrix)

    def lambda_of(log_x):
        filled = np.array(matrix, dtype=float)
        filled[0, 2], filled[2, 0] = math.exp(log_x[0]), math.exp(-log_x[0])
        filled[1, 3], filled[3, 1] = math.exp(log_x[1]), math.exp(-log_x[1])
        return _principal(filled)[0]

    best = minimize(lambda_of, [0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-13})
    assert harker.lambda_max == pytest.approx(best.fun, abs=1e-9)
    assert harker.lambda_max == pytest.approx(lambda_of([math.log(6 / math.sqrt(4.8)), math.log(8 / math.sqrt(4.8))]))


def test_incomplete_eigen_differs_from_llsm_when_not_a_cycle():
    # 4 objectives, a13 missing only: Harker and LLSM both defined; each weight set sums to 1 and the
    # completion equals w1 / w3 of that method.
    matrix = [[1, 2, None, 5], [1 / 2, 1, 3, 2], [None, 1 / 3, 1, 1 / 2], [1 / 5, 1 / 2, 2, 1]]
    for method in ("eigen", "geometric"):
        result = ahp_weights(matrix, method)
        assert sum(result.weights) == pytest.approx(1.0)
        assert result.completed_matrix[0][2] == pytest.approx(result.weights[0] / result.weights[2])
    eigen = ahp_weights(matrix)
    assert eigen.lambda_max == pytest.approx(_principal(np.array(eigen.completed_matrix))[0])


def test_most_inconsistent_judgement_and_its_consistent_value():
    # Consistent matrix for w = (8, 4, 2, 1) with a_14 entered as 1/2 instead of 8. The other
    # judgements imply a_12 * a_24 = 2 * 4 = 8 and a_13 * a_34 = 4 * 2 = 8; setting it back gives CR 0.
    w = np.array([8.0, 4.0, 2.0, 1.0])
    matrix = np.outer(w, 1 / w)
    matrix[0, 3], matrix[3, 0] = 0.5, 2.0
    result = ahp_weights(matrix)
    assert result.consistency_ratio > 0.1
    worst = result.most_inconsistent
    assert (worst.i, worst.j, worst.value) == (0, 3, 0.5)
    assert worst.consistent_value == pytest.approx(8.0)
    assert worst.suggested_value == 8.0 and worst.consistency_ratio_after == pytest.approx(0.0, abs=1e-12)


def test_most_inconsistent_in_saaty_house():
    # Neighbourhood (3) over general condition (7) = 6 while the other judgements imply about 1/2:
    # revising that one judgement brings CR under 0.10.
    worst = ahp_weights(HOUSE).most_inconsistent
    assert (worst.i, worst.j, worst.value) == (2, 6, 6.0)
    assert worst.suggested_value == 0.5
    assert worst.consistency_ratio_after < 0.10


def test_group_of_three_geometric_mean():
    # Three people judge 3 objectives. Cell by cell: a12 = (2*4*8)^(1/3) = 4, a13 = (9*3*1)^(1/3) = 3,
    # a23 = (1/2 * 1 * 2)^(1/3) = 1; the lower triangle is the reciprocal.
    people = [
        [[1, 2, 9], [1 / 2, 1, 1 / 2], [1 / 9, 2, 1]],
        [[1, 4, 3], [1 / 4, 1, 1], [1 / 3, 1, 1]],
        [[1, 8, 1], [1 / 8, 1, 2], [1, 1 / 2, 1]],
    ]
    group = aggregate_judgements(people)
    assert_allclose(group, [[1, 4, 3], [1 / 4, 1, 1], [1 / 3, 1, 1]])
    # The group matrix happens to equal the second person's, so their weights agree.
    assert_allclose(ahp_weights(group).weights, ahp_weights(people[1]).weights)


def test_group_with_missing_and_expert_weights():
    # Person 2 skipped a13: it is the mean of the other two, (9 * 1)^(1/2) = 3. Weighted 2:1:1,
    # a12 = (2^2 * 4 * 8)^(1/4) = 128^(1/4).
    people = [
        [[1, 2, 9], [None, 1, 1 / 2], [None, None, 1]],
        [[1, 4, None], [None, 1, 1], [None, None, 1]],
        [[1, 8, 1], [None, 1, 2], [None, None, 1]],
    ]
    plain = aggregate_judgements(people)
    assert plain[0, 2] == pytest.approx(3.0) and plain[2, 0] == pytest.approx(1 / 3)
    weighted = aggregate_judgements(people, expert_weights=[2, 1, 1])
    assert weighted[0, 1] == pytest.approx(128 ** 0.25)


def test_nearest_scale_value():
    assert nearest_scale_value(0.4714) == 0.5
    assert nearest_scale_value(7.4) == 7.0 and nearest_scale_value(20) == 9.0 and nearest_scale_value(0.12) == 1 / 8


def test_fifteen_objectives_is_the_largest():
    rng = np.random.default_rng(3)
    w = rng.uniform(1, 9, 15)
    assert ahp_weights(np.outer(w, 1 / w)).consistency_ratio == 0.0
    with pytest.raises(MatrixSizeError):
        ahp_weights(np.ones((16, 16)))


@pytest.mark.parametrize(
    ("matrix", "error"),
    [
        ([[1, 2, 3], [1 / 2, 1, 1]], MatrixShapeError),
        ([[1]], MatrixSizeError),
        ([[1, -2], [-0.5, 1]], NonPositiveJudgement),
        ([[1, 0], [None, 1]], NonPositiveJudgement),
        ([[1, math.inf], [0, 1]], NonPositiveJudgement),
        ([[2, 3], [1 / 3, 1]], DiagonalNotOne),
        ([[1, 3], [0.5, 1]], NotReciprocal),
        ([[1, 2, None, None], [None, 1, None, None], [None, None, 1, 3], [None, None, None, 1]],
         DisconnectedJudgements),
        ([["a", 1], [1, 1]], MatrixShapeError),
    ],
)
def test_bad_matrices_raise_named_errors(matrix, error):
    with pytest.raises(error):
        ahp_weights(matrix)


def test_unknown_method_and_mismatched_group():
    with pytest.raises(UnknownAhpMethod):
        ahp_weights([[1, 2], [0.5, 1]], "median")
    with pytest.raises(MatrixShapeError):
        aggregate_judgements([[[1, 2], [0.5, 1]], np.ones((3, 3))])
    with pytest.raises(MatrixShapeError):
        aggregate_judgements([])
    with pytest.raises(AhpInputError):
        aggregate_judgements([[[1, 2], [0.5, 1]]], expert_weights=[0])
