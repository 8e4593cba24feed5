"""Scenarios store: save/get round trip, name rules, rename, delete, one recommendation, solve log."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from analytics.selection_types import (
    LeftOut,
    Reason,
    SelectedProject,
    SelectionParams,
    SelectionResult,
    explanations_to_dict,
)
from store import decision_log, scenarios, snapshots
from store.errors import SnapshotNotFound
from store.scenarios import DuplicateScenarioName, InvalidScenario, ScenarioNotFound


def _snapshot(con, tag: str = "a") -> int:
    projects = pd.DataFrame(
        {
            "project_id": ["P1"],
            "name": ["项目1"],
            "status": ["proposed"],
            "start_month": [dt.date(2026, 3, 1)],
            "duration_months": [3],
            "budget": [10.0],
            "depends_on": [[]],
        }
    )
    files = [snapshots.SourceFile("projects.csv", "projects", tag * 64, 1, "utf-8")]
    return snapshots.create_snapshot(con, label=tag, as_of=dt.date(2026, 3, 31), frames={"projects": projects}, files=files)


def _result(status: str = "optimal", objective: float | None = 42.5) -> SelectionResult:
    selected = (
        SelectedProject("P1", "项目1", "IT", "2026-03", "2026-05", 30.0, 10.0, 2.0, False),
        SelectedProject("P2", "Second", "Ops", "2026-04", "2026-04", 12.5, 5.0, None, True),
    )
    return SelectionResult(
        status=status,
        objective=objective,
        bound=objective,
        gap=0.0 if objective is not None else None,
        selected=selected if objective is not None else (),
        total_cost=15.0 if objective is not None else 0.0,
        spend_by_month={"2026-03": 3.0, "2026-04": 8.0, "2026-05": 4.0},
        spend_by_category={"IT": 10.0, "Ops": 5.0},
        load={"dev": {"2026-03": 1.5}},
        capacity={"dev": {"2026-03": 2.0}},
        hires={},
        hire_cost=0.0,
        build_seconds=0.01,
        solve_seconds=0.02,
        solver="highs",
    )


def _payload(result: SelectionResult | None = None) -> dict:
    left = (LeftOut("P3", "Third", 8.0, 20.0, (Reason("budget", {"short": 5.0}),)),)
    return {
        "result": (result or _result()).to_dict(),
        "greedy_objective": 30.0,
        "explanations": explanations_to_dict(left),
        "frontier": [],
        "marginal_values": [],
    }


PARAMS = SelectionParams(horizon_start="2026-03", budget=20.0, force_in=("P1",), annual_budget_caps={2026: 18.0})


def test_save_and_get_round_trip(con):
    sid = _snapshot(con)
    scenario_id = scenarios.save_scenario(con, snapshot_id=sid, name="  Base   case ", params=PARAMS, payload=_payload(), actor="ana")
    got = scenarios.get_scenario(con, scenario_id)
    assert got.name == "Base case"  # spaces collapsed
    assert got.snapshot_id == sid
    assert got.params == PARAMS
    assert got.result == _result()
    assert got.payload["greedy_objective"] == 30.0
    assert got.payload["explanations"][0]["reasons"][0]["code"] == "budget"
    assert got.created_by == "ana" and not got.is_recommended and got.rationale is None
    log = decision_log.entries(con, actions=["scenario_save"])
    assert list(log["snapshot_id"]) == [sid]
    details = json.loads(log.loc[0, "details"])
    assert details["scenario_id"] == scenario_id and details["objective"] == 42.5 and details["selected"] == 2


def test_list_scenarios_reads_headline_figures(con):
    sid, other = _snapshot(con, "a"), _snapshot(con, "b")
    first = scenarios.save_scenario(con, snapshot_id=sid, name="A", params=PARAMS, payload=_payload())
    scenarios.save_scenario(con, snapshot_id=other, name="A", params=PARAMS, payload=_payload())
    listing = scenarios.list_scenarios(con, sid)
    assert list(listing["scenario_id"]) == [first]
    row = listing.iloc[0]
    assert row["status"] == "optimal" and row["objective"] == pytest.approx(42.5)
    assert row["total_cost"] == pytest.approx(15.0) and row["n_selected"] == 2
    assert row["budget"] == pytest.approx(20.0) and row["solver"] == "highs"
    assert row["objective_kind"] == "strategic_value" and row["greedy_objective"] == pytest.approx(30.0)
    assert len(scenarios.list_scenarios(con)) == 2


def test_taken_name_is_disambiguated_on_save_per_snapshot(con):
    sid, other = _snapshot(con, "a"), _snapshot(con, "b")
    names = [
        scenarios.get_scenario(con, scenarios.save_scenario(con, snapshot_id=sid, name=n, params=PARAMS, payload=_payload())).name
        for n in ("Plan", "plan", "Plan")
    ]
    assert names == ["Plan", "plan (2)", "Plan (3)"]
    elsewhere = scenarios.save_scenario(con, snapshot_id=other, name="Plan", params=PARAMS, payload=_payload())
    assert scenarios.get_scenario(con, elsewhere).name == "Plan"


def test_rename_refuses_taken_name_and_logs(con):
    sid = _snapshot(con)
    a = scenarios.save_scenario(con, snapshot_id=sid, name="A", params=PARAMS, payload=_payload())
    scenarios.save_scenario(con, snapshot_id=sid, name="B", params=PARAMS, payload=_payload())
    with pytest.raises(DuplicateScenarioName):
        scenarios.rename_scenario(con, a, " b ")
    scenarios.rename_scenario(con, a, "a")  # own name in another case is fine
    scenarios.rename_scenario(con, a, "Lean", actor="bo")
    assert scenarios.get_scenario(con, a).name == "Lean"
    log = decision_log.entries(con, actions=["scenario_rename"])
    assert json.loads(log.loc[0, "details"]) == {"scenario_id": a, "from": "a", "to": "Lean"}
    assert log.loc[0, "actor"] == "bo"


def test_bad_inputs_raise(con):
    sid = _snapshot(con)
    with pytest.raises(InvalidScenario):
        scenarios.save_scenario(con, snapshot_id=sid, name="   ", params=PARAMS, payload=_payload())
    with pytest.raises(InvalidScenario):
        scenarios.save_scenario(con, snapshot_id=sid, name="x" * 121, params=PARAMS, payload=_payload())
    with pytest.raises(InvalidScenario):
        scenarios.save_scenario(con, snapshot_id=sid, name="no result", params=PARAMS, payload={"frontier": []})
    with pytest.raises(InvalidScenario):
        scenarios.save_scenario(con, snapshot_id=sid, name="bad result", params=PARAMS, payload={"result": {"x": 1}})
    with pytest.raises(SnapshotNotFound):
        scenarios.save_scenario(con, snapshot_id=999, name="A", params=PARAMS, payload=_payload())
    with pytest.raises(ScenarioNotFound):
        scenarios.get_scenario(con, 999)
    with pytest.raises(ScenarioNotFound):
        scenarios.rename_scenario(con, 999, "x")
    with pytest.raises(ScenarioNotFound):
        scenarios.delete_scenario(con, 999)
    assert scenarios.list_scenarios(con).empty
    assert decision_log.entries(con, actions=["scenario_save"]).empty  # nothing half-written


def test_one_recommended_per_snapshot(con):
    sid, other = _snapshot(con, "a"), _snapshot(con, "b")
    a = scenarios.save_scenario(con, snapshot_id=sid, name="A", params=PARAMS, payload=_payload())
    b = scenarios.save_scenario(con, snapshot_id=sid, name="B", params=PARAMS, payload=_payload())
    c = scenarios.save_scenario(con, snapshot_id=other, name="C", params=PARAMS, payload=_payload())
    assert scenarios.recommended_scenario(con, sid) is None
    scenarios.recommend_scenario(con, a, "best value", actor="ana")
    scenarios.recommend_scenario(con, c, "other snapshot")
    scenarios.recommend_scenario(con, b, "  fits the hiring plan ")
    assert scenarios.recommended_scenario(con, sid).scenario_id == b
    assert scenarios.recommended_scenario(con, sid).rationale == "fits the hiring plan"
    assert not scenarios.get_scenario(con, a).is_recommended
    assert scenarios.recommended_scenario(con, other).scenario_id == c
    listing = scenarios.list_scenarios(con, sid)
    assert listing["is_recommended"].sum() == 1
    log = decision_log.entries(con, actions=["recommend"], snapshot_id=sid)
    assert json.loads(log.loc[0, "details"])["previous_scenario_id"] == a
    assert scenarios.clear_recommendation(con, sid) is True
    assert scenarios.recommended_scenario(con, sid) is None
    assert scenarios.clear_recommendation(con, sid) is False


def test_recommend_refuses_empty_rationale_and_infeasible(con):
    sid = _snapshot(con)
    a = scenarios.save_scenario(con, snapshot_id=sid, name="A", params=PARAMS, payload=_payload())
    bad = scenarios.save_scenario(
        con, snapshot_id=sid, name="Bad", params=PARAMS, payload=_payload(_result("infeasible", None))
    )
    with pytest.raises(InvalidScenario):
        scenarios.recommend_scenario(con, a, "  ")
    with pytest.raises(InvalidScenario):
        scenarios.recommend_scenario(con, bad, "because")
    with pytest.raises(ScenarioNotFound):
        scenarios.recommend_scenario(con, 999, "because")
    assert scenarios.recommended_scenario(con, sid) is None


def test_delete_removes_and_logs(con):
    sid = _snapshot(con)
    a = scenarios.save_scenario(con, snapshot_id=sid, name="A", params=PARAMS, payload=_payload())
    scenarios.recommend_scenario(con, a, "ok")
    scenarios.delete_scenario(con, a, actor="ana")
    assert scenarios.list_scenarios(con, sid).empty
    assert scenarios.recommended_scenario(con, sid) is None
    details = json.loads(decision_log.entries(con, actions=["scenario_delete"]).loc[0, "details"])
    assert details == {"scenario_id": a, "name": "A", "was_recommended": True, "objective": 42.5}


def test_log_solve_records_contract_details(con):
    sid = _snapshot(con)
    log_id = scenarios.log_solve(con, snapshot_id=sid, params=PARAMS, result=_result(), actor="ana")
    entry = decision_log.entries(con, actions=["optimize"])
    assert list(entry["log_id"]) == [log_id]
    details = json.loads(entry.loc[0, "details"])
    assert details["params_hash"] == PARAMS.params_hash()
    assert details["solver"] == "highs" and details["status"] == "optimal"
    assert details["gap"] == 0.0 and details["objective"] == 42.5
    assert details["build_seconds"] == 0.01 and details["solve_seconds"] == 0.02
    assert entry.loc[0, "summary"] == "optimal strategic_value=42.5 gap=0 solver=highs"
    scenarios.log_solve(con, snapshot_id=sid, params=PARAMS, result=_result("infeasible", None))
    failed = json.loads(decision_log.entries(con, actions=["optimize"]).loc[0, "details"])
    assert failed["status"] == "infeasible" and failed["objective"] is None and failed["gap"] is None


def test_log_analysis_ties_re_solves_to_the_run(con):
    params = SelectionParams(horizon_start="2026-03", budget=300.0)
    log_id = scenarios.log_analysis(
        con, "frontier", snapshot_id=1, params=params, summary="2 points",
        details={"points": [{"budget": 100.0}, {"budget": 200.0}]}, seconds=1.23456, actor="王敏",
    )
    entry = decision_log.entries(con, actions=["frontier"])
    assert list(entry["log_id"]) == [log_id] and list(entry["actor"]) == ["王敏"]
    details = json.loads(entry["details"].iloc[0])
    assert details == {"params_hash": params.params_hash(), "solver": "auto", "seconds": 1.2346,
                       "points": [{"budget": 100.0}, {"budget": 200.0}]}
    with pytest.raises(ValueError):
        scenarios.log_analysis(con, "guess", snapshot_id=1, params=params, summary="", details={}, seconds=0)


def _snapshot_with_weight_sets(con) -> tuple[int, int, int]:
    """A snapshot with two objectives and two saved weight sets: "Growth" (active) and "Efficiency"."""
    from store import weights

    projects = pd.DataFrame({"project_id": ["P1"], "name": ["项目1"], "status": ["proposed"],
                             "start_month": [dt.date(2026, 3, 1)], "duration_months": [3], "budget": [10.0],
                             "depends_on": [[]]})
    objectives = pd.DataFrame({"objective_id": ["O1", "O2"], "name": ["增长", "效率"], "weight": [0.5, 0.5]})
    files = [snapshots.SourceFile("projects.csv", "projects", "w" * 64, 1, "utf-8")]
    sid = snapshots.create_snapshot(con, label="w", as_of=dt.date(2026, 3, 31),
                                    frames={"projects": projects, "objectives": objectives}, files=files)
    growth = weights.save_weight_set(con, snapshot_id=sid, name="Growth", method="direct",
                                     weights={"O1": 3.0, "O2": 1.0}, activate=True)
    efficiency = weights.save_weight_set(con, snapshot_id=sid, name="Efficiency", method="direct",
                                         weights={"O1": 1.0, "O2": 9.0})
    return sid, growth, efficiency


def test_weight_set_is_recorded_by_save_log_and_listing_and_outlives_deletion(con):
    from store import weights

    sid, growth, efficiency = _snapshot_with_weight_sets(con)
    assert scenarios.weight_set_name(con, efficiency) == "Efficiency"
    assert scenarios.weight_set_name(con, None) is None and scenarios.weight_set_name(con, 999) is None
    on_file = scenarios.save_scenario(con, snapshot_id=sid, name="File", params=PARAMS, payload=_payload())
    chosen = SelectionParams(horizon_start="2026-03", weight_set_id=efficiency)
    on_set = scenarios.save_scenario(con, snapshot_id=sid, name="Eff", params=chosen, payload=_payload())
    assert scenarios.get_scenario(con, on_set).payload["weight_set"] == {
        "weight_set_id": efficiency, "name": "Efficiency", "method": "direct", "consistency_ratio": None,
        "weights": {"O1": 0.1, "O2": 0.9}}
    assert scenarios.get_scenario(con, on_file).payload["weight_set"] == {"weight_set_id": None, "name": None}
    saves = [json.loads(d) for d in decision_log.entries(con, actions=["scenario_save"])["details"]]  # newest first
    assert [(d["weight_set_id"], d["weight_set_name"]) for d in saves] == [(efficiency, "Efficiency"), (None, None)]
    scenarios.log_solve(con, snapshot_id=sid, params=chosen, result=_result())
    solve = decision_log.entries(con, actions=["optimize"])
    assert solve.loc[0, "summary"] == f"optimal strategic_value=42.5 gap=0 solver=highs weights=Efficiency (#{efficiency})"
    details = json.loads(solve.loc[0, "details"])
    assert (details["weight_set_id"], details["weight_set_name"]) == (efficiency, "Efficiency")

    def weight_columns() -> list[tuple]:
        listing = scenarios.list_scenarios(con, sid).set_index("name")

        def cell(name: str, column: str):
            value = listing.loc[name, column]
            return None if pd.isna(value) else value

        return [(cell(n, "weight_set_id"), cell(n, "weight_set_name"), bool(listing.loc[n, "weight_set_exists"]))
                for n in ("Eff", "File")]

    assert weight_columns() == [(efficiency, "Efficiency", True), (None, None, True)]
    weights.delete_weight_set(con, efficiency)
    assert weight_columns() == [(efficiency, "Efficiency", False), (None, None, True)]  # the saved name remains
