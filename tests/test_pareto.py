"""Value against risk exposure (analytics/pareto.py, `cli.py pareto`): a hand-made front by the
epsilon-constraint method, whose end points are the single-objective optima."""

from __future__ import annotations

import json

import pytest

import cli
from analytics.errors import InvalidInput
from analytics.pareto import ParetoPoint, non_dominated, pareto_front
from analytics.selection import optimise
from tests.optimiser_pages_data import BUDGET
from tests.selection_cases import params, portfolio, project

# budget 100 each, two fit the budget of 200. Exposure = budget x risk: A 500, B 100, C 200.
VALUES = {"A": 90.0, "B": 50.0, "C": 40.0}


def data(mandatory_c: bool = False):
    return portfolio([project("A", budget=100.0, risk=5.0), project("B", budget=100.0, risk=1.0),
                      project("C", budget=100.0, risk=2.0, mandatory=mandatory_c)], VALUES)


def summary(front):
    return [(p.value, p.risk_exposure, p.selected_ids) for p in front]


def test_the_front_of_three_projects_by_hand():
    front = pareto_front(data(), params(budget=200.0), points=8)
    # nothing (0, 0); B (50, 100); B+C (90, 300); A+B (140, 600). A alone (90, 500) is beaten by B+C.
    assert summary(front) == [(0.0, 0.0, ()), (50.0, 100.0, ("B",)), (90.0, 300.0, ("B", "C")),
                              (140.0, 600.0, ("A", "B"))]


def test_the_end_points_are_the_single_objective_optima():
    front = pareto_front(data(mandatory_c=True), params(budget=200.0), points=8)
    best = optimise(data(mandatory_c=True), params(budget=200.0))
    assert front[-1].value == pytest.approx(best.objective) == 130.0   # A + C
    assert front[0].risk_exposure == 200.0                            # C alone: the least any plan can have
    assert summary(front) == [(40.0, 200.0, ("C",)), (90.0, 300.0, ("B", "C")), (130.0, 700.0, ("A", "C"))]


def test_unknown_risk_counts_as_three_and_dominated_points_go():
    front = pareto_front(portfolio([project("U", budget=10.0, risk=None)], {"U": 1.0}), params(), points=3)
    assert summary(front) == [(0.0, 0.0, ()), (1.0, 30.0, ("U",))]
    points = [ParetoPoint(1, 5, None, "optimal", ()), ParetoPoint(1, 6, 1, "optimal", ()),
              ParetoPoint(2, 5, 2, "optimal", ())]
    assert [(p.value, p.risk_exposure) for p in non_dominated(points)] == [(2, 5)]


def test_bad_points_are_refused():
    with pytest.raises(InvalidInput):
        pareto_front(data(), params(), points=1)


def test_cli_pareto_json(db_file, optimiser_snapshot, capsys):
    assert cli.main(["pareto", "--db", str(db_file), "--budget", str(BUDGET), "--points", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    values = [p["value"] for p in out["points"]]
    exposures = [p["risk_exposure"] for p in out["points"]]
    assert values == sorted(values) and exposures == sorted(exposures) and len(values) >= 2
    assert values[-1] == pytest.approx(340.0)   # the hand optimum of tests/optimiser_pages_data.py
    assert cli.main(["pareto", "--db", str(db_file), "--points", "1"]) == 2
