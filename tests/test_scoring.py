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
from analytics.scoring import rank_descending, score_portfolio, strategic_value

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


def _projects() -> pd.DataFrame:
    return pd.DataFrame({"project_id": PROJECTS, "risk_score": [5.0, 1.0, 3.0, None, 2.0]})


def test_score_portfolio_ranks_ties_and_flags():
    result = score_portfolio(_projects(), _scores(), WEIGHTS)
    table = result.table.set_index("project_id")
    # P1 and P2 tie at 88 and share rank 1; P3 is third, not second.
    assert table["rank"].to_dict() == {"P1": 1, "P2": 1, "P3": 3, "P4": 4, "P5": 5}
    assert list(result.table["project_id"]) == ["P1", "P2", "P3", "P4", "P5"]
    assert_allclose(table["risk_adjusted_score"], table["strategic_score"])
    assert table.at["P3", "missing_objectives"] == ("efficiency",)
    assert table.at["P5", "missing_objectives"] == ("growth", "efficiency", "compliance")
    assert table.at["P1", "missing_objectives"] == ()
    assert result.incomplete_projects == ("P3", "P5")
    assert table["risk_missing"].to_dict() == {"P1": False, "P2": False, "P3": False, "P4": True, "P5": False}


def test_zero_weight_objective_is_not_flagged():
    result = score_portfolio(_projects(), _scores(), {"growth": 3, "efficiency": 0, "compliance": 1})
    assert result.table.set_index("project_id").at["P3", "missing_objectives"] == ()


def test_risk_penalty_hand_worked():
    # Penalty 0.4: multiplier 1 - 0.4 * (risk - 1) / 4.
    #   P1 risk 5 -> 0.6   -> 88 * 0.6 = 52.8
    #   P2 risk 1 -> 1.0   -> 88
    #   P3 risk 3 -> 0.8   -> 44 * 0.8 = 35.2
    #   P4 no risk -> 1.0  -> 20 (not penalised, flagged)
    #   P5 risk 2 -> 0.9   -> 0
    result = score_portfolio(_projects(), _scores(), WEIGHTS, risk_penalty=0.4)
    table = result.table.set_index("project_id")
    assert_allclose(table.loc[PROJECTS, "risk_adjusted_score"], [52.8, 88.0, 35.2, 20.0, 0.0])
    assert_allclose(table.loc[PROJECTS, "strategic_score"], [88.0, 88.0, 44.0, 20.0, 0.0])
    assert table["rank"].to_dict() == {"P2": 1, "P1": 2, "P3": 3, "P4": 4, "P5": 5}
    assert list(result.table["project_id"]) == ["P2", "P1", "P3", "P4", "P5"]


def test_rank_descending_ignores_float_noise():
    values = pd.Series([0.1 + 0.2, 0.3, 0.2])
    assert list(rank_descending(values)) == [1, 1, 3]


@pytest.mark.parametrize(("penalty", "risk", "key"), [
    (1.5, 3.0, "strategy.error.risk_penalty"),
    (-0.1, 3.0, "strategy.error.risk_penalty"),
    (0.5, 7.0, "strategy.error.risk_range"),
    (0.5, 0.0, "strategy.error.risk_range"),
])
def test_bad_risk_input(penalty, risk, key):
    projects = pd.DataFrame({"project_id": ["P1"], "risk_score": [risk]})
    with pytest.raises(InvalidInput) as caught:
        score_portfolio(projects, _scores(), WEIGHTS, risk_penalty=penalty)
    assert caught.value.key == key


def test_projects_without_id_column():
    with pytest.raises(InvalidInput):
        score_portfolio(pd.DataFrame({"name": ["x"]}), _scores(), WEIGHTS)
