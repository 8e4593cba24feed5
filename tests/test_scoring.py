"""Strategic scoring on a hand-worked portfolio.

Weights growth 3, efficiency 1, compliance 1 -> normalised 0.6, 0.2, 0.2. Scores (0-5):

    project  growth  efficiency  compliance   weighted mean                    x 100/5
    P1       5       4           3            0.6*5 + 0.2*4 + 0.2*3 = 4.4      88
    P2       4       5           5            0.6*4 + 0.2*5 + 0.2*5 = 4.4      88   (tie with P1)
    P3       2       -           5            0.6*2 + 0      + 0.2*5 = 2.2      44   (efficiency missing)
    P4       1       1           1            1.0                              20
    P5       (no scores at all)               0                                 0
"""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analytics.errors import InvalidInput
from analytics.scoring import strategic_value

WEIGHTS = {"growth": 3.0, "efficiency": 1.0, "compliance": 1.0}
PROJECTS = ["P1", "P2", "P3", "P4", "P5"]


def _scores() -> pd.DataFrame:
    rows = [
        ("P1", "growth", 5), ("P1", "efficiency", 4), ("P1", "compliance", 3),
        ("P2", "growth", 4), ("P2", "efficiency", 5), ("P2", "compliance", 5),
        ("P3", "growth", 2), ("P3", "compliance", 5),
        ("P4", "growth", 1), ("P4", "efficiency", 1), ("P4", "compliance", 1),
        ("P9", "growth", 5),  # a project not asked for is ignored
    ]
    return pd.DataFrame(rows, columns=["project_id", "objective_id", "score"])


def test_strategic_value_hand_worked():
    values = strategic_value(_scores(), WEIGHTS, PROJECTS)
    assert list(values.index) == PROJECTS
    assert_allclose(values.to_numpy(), [88.0, 88.0, 44.0, 20.0, 0.0])


def test_strategic_value_scale_free_weights_and_unweighted_objectives_ignored():
    # Same weights on another scale; an objective without a weight contributes nothing.
    values = strategic_value(_scores(), {"growth": 0.6, "efficiency": 0.2, "compliance": 0.2}, ["P1", "P3"])
    assert_allclose(values.to_numpy(), [88.0, 44.0])
    only_growth = strategic_value(_scores(), {"growth": 1.0}, ["P1", "P3"])
    assert_allclose(only_growth.to_numpy(), [100.0, 40.0])


def test_strategic_value_bounds():
    full = pd.DataFrame({"project_id": ["A", "A"], "objective_id": ["x", "y"], "score": [5, 5]})
    assert strategic_value(full, {"x": 1, "y": 2}, ["A"]).iloc[0] == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("scores", "weights", "key"),
    [
        (pd.DataFrame({"project_id": ["A"], "objective_id": ["x"], "score": [6]}), {"x": 1}, "strategy.error.score_range"),
        (pd.DataFrame({"project_id": ["A"], "objective_id": ["x"], "score": [-1]}), {"x": 1}, "strategy.error.score_range"),
        (pd.DataFrame({"project_id": ["A", "A"], "objective_id": ["x", "x"], "score": [1, 2]}), {"x": 1},
         "strategy.error.score_duplicate"),
        (pd.DataFrame({"project_id": ["A"], "score": [1]}), {"x": 1}, "strategy.error.score_columns"),
        (pd.DataFrame({"project_id": ["A"], "objective_id": ["x"], "score": [1]}), {}, "strategy.error.no_weights"),
        (pd.DataFrame({"project_id": ["A"], "objective_id": ["x"], "score": [1]}), {"x": -1}, "strategy.error.bad_weight"),
        (pd.DataFrame({"project_id": ["A"], "objective_id": ["x"], "score": [1]}), {"x": 0}, "strategy.error.zero_weights"),
    ],
)
def test_bad_input_raises(scores, weights, key):
    with pytest.raises(InvalidInput) as caught:
        strategic_value(scores, weights, ["A"])
    assert caught.value.key == key
