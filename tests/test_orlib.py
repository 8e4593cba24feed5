"""OR-Library mknap parsing (both layouts, mknap2's quirks) and the published optima reached exactly."""

from __future__ import annotations

import numpy as np
import pytest

from analytics import orlib, selection
from analytics.errors import InvalidInput
from tests.selection_cases import ORLIB_DIR, params

MKNAP1 = orlib.read_problems(ORLIB_DIR / "mknap1.txt")
OPTIMA = [3800, 8706.1, 4015, 6120, 12400, 10618, 16537]


def test_mknap1_parses_in_the_standard_layout():
    assert [p.optimum for p in MKNAP1] == OPTIMA
    assert [(p.n_items, p.n_constraints) for p in MKNAP1] == [(6, 10), (10, 10), (15, 10), (20, 10), (28, 10),
                                                              (39, 5), (50, 5)]
    first = MKNAP1[0]
    np.testing.assert_allclose(first.profits, [100, 600, 1200, 2400, 500, 2000])
    np.testing.assert_allclose(first.weights[0], [8, 12, 13, 64, 22, 41])
    np.testing.assert_allclose(first.capacities, [80, 96, 20, 36, 44, 48, 10, 18, 22, 24])
    assert MKNAP1[1].profits[0] == pytest.approx(600.1)


def test_mknap2_has_constraints_before_items_and_free_text():
    problems = orlib.read_problems(ORLIB_DIR / "mknap2.txt")
    assert len(problems) == 48
    names = [p.name for p in problems]
    assert names[:3] == ["SENTO1", "SENTO2", "WEING1"] and names[-1] == "HP2"
    weing1 = problems[2]
    assert (weing1.n_constraints, weing1.n_items, weing1.optimum) == (2, 28, 141278)
    assert weing1.profits[0] == 1898 and list(weing1.capacities) == [600, 600]
    np.testing.assert_allclose(weing1.weights[:, 0], [45, 30])
    sento1 = problems[0]
    assert (sento1.n_constraints, sento1.n_items, sento1.optimum) == (30, 60, 7772)
    assert all(p.optimum is not None for p in problems)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("index", range(7))
def test_every_mknap1_problem_reaches_its_optimum(solver, index):
    problem = MKNAP1[index]
    result = selection.optimise(orlib.to_portfolio(problem), params(horizon_months=1, objective="benefit", solver=solver))
    assert result.status == "optimal"
    assert result.objective == pytest.approx(problem.optimum, abs=1e-6)
    chosen = np.array([1.0 if f"K{j + 1:03d}" in {p.project_id for p in result.selected} else 0.0
                       for j in range(problem.n_items)])
    assert problem.value_of(chosen) == pytest.approx(problem.optimum, abs=1e-6)


@pytest.mark.parametrize("name", ["WEING1", "WEISH01", "PB5", "HP1"])
def test_small_mknap2_problems_reach_their_optimum(name):
    problem = next(p for p in orlib.read_problems(ORLIB_DIR / "mknap2.txt") if p.name == name)
    result = selection.optimise(orlib.to_portfolio(problem), params(horizon_months=1, objective="benefit", mip_gap=0))
    assert result.objective == pytest.approx(problem.optimum)


def test_import_recipe_frames():
    frames = orlib.to_frames(MKNAP1[0], month="2026-05")
    projects, demand, capacity = frames["projects"], frames["demand"], frames["capacity"]
    assert len(projects) == 6 and set(projects["duration_months"]) == {1} and set(projects["budget"]) == {0.0}
    assert (projects["start_month"] == projects["latest_start_month"]).all()
    assert list(projects["expected_benefit"]) == [100, 600, 1200, 2400, 500, 2000]
    assert len(demand) == int((MKNAP1[0].weights != 0).sum()) and set(demand["month_offset"]) == {0}
    assert list(capacity["capacity_fte"])[:3] == [80, 96, 20] and set(capacity["month"]) == {"2026-05"}


def test_best_known_values():
    best = orlib.read_best_known(ORLIB_DIR / "best_known.csv")
    assert best["mknap1#01"] == pytest.approx(8706.1)
    assert best["mknapcb1#00"] == 24381


def test_malformed_files_are_refused():
    with pytest.raises(InvalidInput):
        orlib.parse_standard("")
    with pytest.raises(InvalidInput):
        orlib.parse_standard("1\n3 1 10\n1 2 3\n1 1")            # weights row and capacity cut short
    with pytest.raises(InvalidInput):
        orlib.parse_mknap2("no problems here")
    with pytest.raises(InvalidInput):
        orlib.parse_mknap2("problem X.DAT\n1 2\n5 6\n10\n1 1\n11\n12\n")   # two numbers after the data
    with pytest.raises(InvalidInput):
        MKNAP1[0].value_of(np.ones(6))
