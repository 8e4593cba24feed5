"""The one scenario payload: typed round trip, old (version 1) payloads still load, one writer that keeps the weights.

Issue 14: the page and the CLI wrote different untyped dicts; a page-saved scenario kept only the
weight set's id and name, so its pack was scored with other weights once the set was deleted.
"""

from __future__ import annotations

import json

import pytest

from analytics.scenario_payload import PAYLOAD_VERSION, PayloadError, ScenarioPayload, WeightsUsed
from analytics.selection_types import (
    FrontierPoint,
    Hire,
    LeftOut,
    MarginalValue,
    Reason,
    SelectedProject,
    SelectionParams,
    SelectionResult,
)
from store import scenarios, weights
from tests import optimiser_pages_data

RESULT = SelectionResult(
    status="optimal", objective=42.5, bound=42.5, gap=0.0,
    selected=(SelectedProject("P1", "项目1", "IT", "2026-03", "2026-05", 30.0, 10.0, 2.0, False),),
    total_cost=17.5, spend_by_month={"2026-03": 17.5}, spend_by_category={"IT": 10.0},
    load={"dev": {"2026-03": 3.0}}, capacity={"dev": {"2026-03": 2.0}}, hires={"dev": {"2026-03": 1.0}},
    hire_cost=7.5, build_seconds=0.1, solve_seconds=0.2, solver="highs",
    hire_plan=(Hire("dev", "2026-03", 1.0, 7.5),),
)

# what the page stored before 2026-12: no version, marginal values without step or months, a
# weight_set record with only id and name, a result without hire lines
OLD_PAGE_PAYLOAD = {
    "result": {k: v for k, v in RESULT.to_dict().items() if k != "hire_plan"},
    "greedy_objective": 30.0,
    "greedy_cost": 12.0,
    "explanations": [{"project_id": "P2", "name": "Second", "value": 8.0, "cost": 20.0,
                      "reasons": [{"code": "budget", "params": {"short": 5.0}}],
                      "price_of_forcing": None, "forcing_infeasible": False}],
    "frontier": [{"budget": 20.0, "status": "optimal", "objective": 42.5, "cost": 17.5,
                  "selected_ids": ["P1"], "entered": ["P1"], "left": []}],
    "marginal_values": [{"resource": "dev", "kind": "role", "value_per_unit": 4.2, "method": "resolve", "note": ""}],
    "weight_set": {"weight_set_id": 7, "name": "Board AHP"},
}


def test_a_payload_in_the_old_shape_still_loads():
    payload = ScenarioPayload.from_dict(OLD_PAGE_PAYLOAD)
    assert payload.version == 1
    assert payload.result.objective == 42.5 and payload.greedy_cost == 12.0
    assert payload.result.hire_plan == (Hire("dev", "2026-03", 1.0, None),)   # rebuilt from the FTE map, no price
    assert payload.explanations == (LeftOut("P2", "Second", 8.0, 20.0, (Reason("budget", {"short": 5.0}),)),)
    assert payload.frontier == (FrontierPoint(20.0, "optimal", 42.5, 17.5, ("P1",), ("P1",), ()),)
    assert payload.marginal_values == (MarginalValue("dev", "role", 4.2, "resolve", ""),)
    assert payload.weights == WeightsUsed(7, "Board AHP")
    # written back, it is a version-2 payload with the same content
    again = ScenarioPayload.from_dict(json.loads(json.dumps(payload.to_dict())))
    assert again.version == PAYLOAD_VERSION == 2 and again == ScenarioPayload(**{**payload.__dict__, "version": 2})


def test_round_trip_keeps_every_field():
    payload = ScenarioPayload(
        RESULT, greedy_objective=30.0, greedy_cost=12.0,
        explanations=(LeftOut("P2", "Second", 8.0, 20.0, (Reason("capacity", {"role": "dev"}),), 3.5, False),),
        marginal_values=(MarginalValue("dev", "role", 6.0, "resolve", "exact for a step of 1", 1.0,
                                       "explain.marginal.exact", {"step": "1"}, ("2026-03", "2026-04")),),
        weights=WeightsUsed(7, "Board AHP", "ahp_eigen", 0.03, {"O1": 0.25, "O2": 0.75}),
    )
    stored = json.loads(json.dumps(payload.to_dict()))
    assert stored["version"] == 2 and stored["result"]["hire_plan"] == [
        {"role": "dev", "month": "2026-03", "fte": 1.0, "cost": 7.5}]
    assert stored["weight_set"]["weights"] == {"O1": 0.25, "O2": 0.75}
    assert ScenarioPayload.from_dict(stored) == payload


@pytest.mark.parametrize("bad", [{"frontier": []}, {"result": {"x": 1}}, ["result"]])
def test_a_payload_without_a_readable_result_is_refused(bad):
    with pytest.raises(PayloadError):
        ScenarioPayload.from_dict(bad)


def test_the_store_refuses_it_as_an_invalid_scenario(con):
    sid = optimiser_pages_data.create(con)
    with pytest.raises(scenarios.InvalidScenario):
        scenarios.save_scenario(con, snapshot_id=sid, name="x", params=SelectionParams(horizon_start="2026-03"),
                                payload={"result": {"x": 1}})


def test_a_page_shaped_payload_is_saved_with_the_weights_themselves(con):
    """The page used to hand over {"weight_set_id", "name"} only; the one writer records the weights."""
    sid = optimiser_pages_data.create(con)
    set_id = weights.save_weight_set(con, snapshot_id=sid, name="Board AHP", method="direct",
                                     weights={"O1": 0.25, "O2": 0.75})
    params = SelectionParams(horizon_start="2026-03", weight_set_id=set_id)
    offered = ScenarioPayload(RESULT, weights=WeightsUsed(set_id, "Board AHP"))
    scenario_id = scenarios.save_scenario(con, snapshot_id=sid, name="AHP", params=params, payload=offered)
    weights.delete_weight_set(con, set_id)
    stored = scenarios.get_scenario(con, scenario_id)
    assert stored.run.weights == WeightsUsed(set_id, "Board AHP", "direct", None, {"O1": 0.25, "O2": 0.75})
    assert stored.payload["weight_set"]["weights"] == {"O1": 0.25, "O2": 0.75}
    assert stored.run.result.hire_plan == (Hire("dev", "2026-03", 1.0, 7.5),)


def test_an_old_row_in_the_database_reads_as_a_typed_payload(con):
    sid = optimiser_pages_data.create(con)
    params = SelectionParams(horizon_start="2026-03")
    scenario_id = scenarios.save_scenario(con, snapshot_id=sid, name="old", params=params, payload=OLD_PAGE_PAYLOAD)
    con.execute("UPDATE scenarios SET result = ? WHERE scenario_id = ?", [json.dumps(OLD_PAGE_PAYLOAD), scenario_id])
    stored = scenarios.get_scenario(con, scenario_id)
    assert stored.run.version == 1 and stored.run.marginal_values[0].value_per_unit == 4.2
    assert stored.payload["version"] == 2 and stored.payload["greedy_objective"] == 30.0
