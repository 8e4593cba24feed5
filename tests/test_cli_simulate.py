"""`cli.py simulate` on a saved scenario of the hand-worked optimiser portfolio (tests/optimiser_pages_data.py):
with no spread the figures are the plan's own, exactly; re-optimised futures select the plan's projects
with frequency 1.0 and the others 0.0; three-point estimates in the database are sampled; bad input is
refused with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cli
from store import db
from tests.optimiser_pages_data import BUDGET, HAND_OPTIMUM_IDS
from tests.simulation_data import saved_plan


@pytest.fixture
def scenario(db_file: Path, templates) -> int:
    return templates.copy("simulate_base", saved_plan, db_file)


def simulate(db_file: Path, capsys, *args: str) -> dict:
    assert cli.main(["simulate", "--db", str(db_file), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_without_spread_the_simulation_is_the_plan_and_every_future_selects_it(db_file, scenario, capsys):
    out = simulate(db_file, capsys, "--scenario", str(scenario), "--runs", "200", "--seed", "4", "--reoptimise", "3")
    # the plan: C1 120 + P2 200 + P3 60 + P5 80 + P6 50 = 510 inside the horizon; benefit 300+420+0+190+120
    assert out["p_within_budget"] == 1.0 and out["budget"] == BUDGET
    assert out["cost"] == pytest.approx({"p10": 510.0, "p50": 510.0, "p90": 510.0}, abs=1e-9)
    assert out["value"]["p50"] == 1030.0 and out["p_finish_in_horizon"] == 1.0
    frequency = out["selection_frequency"]
    assert {p for p, f in frequency.items() if f == 1.0} == set(HAND_OPTIMUM_IDS)
    assert {p for p, f in frequency.items() if f == 0.0} == set(frequency) - set(HAND_OPTIMUM_IDS)
    assert simulate(db_file, capsys, "--scenario", str(scenario), "--runs", "10", "--budget", "509")["p_within_budget"] == 0.0


def test_three_point_estimates_are_sampled_and_the_seed_reproduces(db_file, scenario, capsys):
    con = db.connect(db_file)
    con.execute("UPDATE projects SET budget_low = 150, budget_high = 330 WHERE project_id = 'P2'")
    con.close()
    db.close_shared(db_file)
    args = ["--scenario", str(scenario), "--runs", "20000", "--seed", "8"]
    first, again = simulate(db_file, capsys, *args), simulate(db_file, capsys, *args)
    assert first == again
    # P2 ~ triangular(150, 200, 330) and the other 310 fixed: P(cost <= 520) = P(P2 <= 210) = 1 - 120^2 / (180 * 130)
    exact = 1 - 120**2 / (180 * 130)
    assert abs(first["p_within_budget"] - exact) < 4 * (exact * (1 - exact) / 20000) ** 0.5
    assert cli.main(["simulate", "--db", str(db_file), "--scenario", str(scenario), "--runs", "100", "--lang", "zh"]) == 0
    assert "不超出预算" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["--runs", "0"], ["--correlation", "2"], ["--budget", "-5"]])
def test_bad_settings_are_refused(db_file, scenario, capsys, args):
    assert cli.main(["simulate", "--db", str(db_file), "--scenario", str(scenario), *args]) == 2
    assert capsys.readouterr().err.strip()


def test_an_unknown_scenario_is_refused(db_file, scenario, capsys):
    assert cli.main(["simulate", "--db", str(db_file), "--scenario", "999"]) == 2


def test_a_budget_confidence_is_met_by_the_plans_own_simulation(db_file, scenario, capsys):
    con = db.connect(db_file)   # P2 (in the plain optimum) may cost up to 330; P5 up to 120
    con.execute("UPDATE projects SET budget_low = 150, budget_high = 330 WHERE project_id = 'P2'")
    con.execute("UPDATE projects SET budget_low = 70, budget_high = 120 WHERE project_id = 'P5'")
    con.close()
    db.close_shared(db_file)
    assert cli.main(["optimize", "--db", str(db_file), "--budget", str(BUDGET), "--budget-confidence", "0.9",
                     "--save-as", "safe", "--frontier-points", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    chance = out["budget_confidence"]
    assert chance["budget"] == BUDGET and chance["working_budget"] < BUDGET and chance["p_within_budget"] >= 0.9
    plain = simulate(db_file, capsys, "--scenario", str(scenario), "--runs", "20000", "--seed", "3")
    safe = simulate(db_file, capsys, "--scenario", str(out["scenario_id"]), "--runs", "20000", "--seed", "3",
                    "--budget", str(BUDGET))
    assert plain["p_within_budget"] < 0.9            # the plain optimum breaks the budget too often
    assert safe["p_within_budget"] >= 0.9 - 4 * (0.09 / 20000) ** 0.5


def test_a_budget_confidence_without_a_budget_is_refused(db_file, scenario, capsys):
    assert cli.main(["optimize", "--db", str(db_file), "--budget-confidence", "0.9"]) == 2
    assert "budget" in capsys.readouterr().err
