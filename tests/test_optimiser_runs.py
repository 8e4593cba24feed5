"""The one optimiser pipeline (store/optimiser_runs): solve -> log -> baseline -> explain -> marginal values ->
frontier, used by the Optimiser page and by `cli.py optimize --save-as`.

Issue 14: CLI-saved scenarios had no frontier or marginal values (their pack said "not computed").
Portfolio: tests/optimiser_pages_data.py, budget 520 -> value 340 at cost 510 (hand-worked there).
Its breakpoints, by hand: the required work C1 + P3 costs 180 (value 120); + P5 260 (190); P1 instead
of P5 280 (200); P5 (Mar-May) then P1 (from June) 360 (270); P2 + P5 460 (290); + P6 510 (340);
+ P7 660 (360).
"""

from __future__ import annotations

import json

import pytest

import cli
from analytics.selection_types import SelectionParams
from store import db, decision_log, optimiser_runs, scenarios
from store.portfolio import load_portfolio
from tests import optimiser_pages_data

BUDGETS = [180.0, 260.0, 280.0, 360.0, 460.0, 510.0, 660.0]
VALUES = [120.0, 190.0, 200.0, 270.0, 290.0, 340.0, 360.0]


def assert_breakpoints(points) -> None:
    assert [p.budget for p in points] == pytest.approx(BUDGETS, abs=1e-3)   # exact to the search's tolerance
    assert [p.objective for p in points] == pytest.approx(VALUES)


@pytest.fixture
def stored(db_file, optimiser_snapshot):
    return db_file, optimiser_snapshot


def test_the_pipeline_logs_every_step_and_completes_the_analyses(stored):
    db_file, sid = stored
    con = db.connect(db_file)
    try:
        data = load_portfolio(con, sid)
        params = SelectionParams(horizon_start="2026-03", budget=optimiser_pages_data.BUDGET)
        steps = []
        outcome = optimiser_runs.run_optimiser(con, data, params, snapshot_id=sid, actor="pmo", analyses=True,
                                               progress=lambda step, values: steps.append(step))
        payload = outcome.payload
        assert payload.result.objective == pytest.approx(340.0) and payload.result.total_cost == pytest.approx(510.0)
        assert sorted(i.project_id for i in payload.explanations) == ["P1", "P4", "P7"]
        assert_breakpoints(payload.frontier)
        exact = {m.resource: m.value_per_unit for m in payload.marginal_values if m.method == "resolve"}
        assert exact == {"dev": 0.0, "analyst": 0.0, "budget": 0.0}
        assert steps[:3] == ["solving", "greedy", "explaining"] and "marginal" in steps and "frontier" in steps
        log = decision_log.entries(con, snapshot_id=sid, actions=["optimize", "marginal_values", "frontier"])
        assert sorted(log["action"]) == ["frontier", "marginal_values", "optimize"]
        assert int(log.loc[log["action"] == "optimize", "log_id"].iloc[0]) == outcome.log_id
    finally:
        con.close()


def test_cli_and_page_pipeline_save_the_same_payload(stored, capsys):
    db_file, sid = stored
    code = cli.main(["optimize", "--db", str(db_file), "--budget", "520", "--save-as", "CLI 520", "--json"])
    assert code == 0
    answer = json.loads(capsys.readouterr().out)
    con = db.connect(db_file)
    try:
        by_cli = scenarios.get_scenario(con, answer["scenario_id"])
        data = load_portfolio(con, sid)
        page = optimiser_runs.run_optimiser(con, data, by_cli.params, snapshot_id=sid, analyses=True).payload
    finally:
        con.close()
    saved = by_cli.run
    # a CLI-saved scenario now carries what the pack shows: frontier and marginal values (issue 14)
    assert_breakpoints(saved.frontier)
    assert saved.marginal_values and saved.weights is not None and saved.version == 2
    assert saved.frontier == page.frontier and saved.explanations == page.explanations
    assert [(m.resource, m.method, m.value_per_unit, m.note_key, m.months) for m in saved.marginal_values] == [
        (m.resource, m.method, m.value_per_unit, m.note_key, m.months) for m in page.marginal_values]
    assert (saved.greedy_objective, saved.greedy_cost) == (page.greedy_objective, page.greedy_cost)
    assert set(by_cli.payload) == set(page.to_dict())


def test_a_run_without_solution_is_logged_and_has_nothing_else(stored):
    db_file, sid = stored
    con = db.connect(db_file)
    try:
        data = load_portfolio(con, sid)
        outcome = optimiser_runs.run_optimiser(con, data, SelectionParams(horizon_start="2026-03", budget=100.0),
                                               snapshot_id=sid, analyses=True)
        assert outcome.payload.result.status == "infeasible"
        assert outcome.payload.explanations == () and outcome.payload.frontier == ()
        assert outcome.payload.marginal_values == () and outcome.payload.greedy_objective is None
        actions = ["optimize", "marginal_values", "frontier", "price_of_forcing"]
        assert list(decision_log.entries(con, snapshot_id=sid, actions=actions)["action"]) == ["optimize"]
    finally:
        con.close()
