"""AppTest of the resources page (资源负荷) in both languages: committed load and a saved scenario."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analytics.selection_types import SelectedProject, SelectionParams, SelectionResult
from store import db, scenarios
from tests import delivery_data
from tests.delivery_data import bare_snapshot, rerun
from tests.markdown_text import shown

PAGE = "views/resources.py"


def _result() -> SelectionResult:
    chosen = tuple(SelectedProject(pid, pid, None, start, start, 1.0, 1.0, None, committed)
                   for pid, start, committed in [("P1", "2026-01", True), ("P2", "2026-02", True),
                                                 ("P3", "2026-03", True), ("P6", "2026-05", True),
                                                 ("P7", "2026-04", False)])
    return SelectionResult(
        status="optimal", objective=5.0, bound=5.0, gap=0.0, selected=chosen, total_cost=5.0, spend_by_month={},
        spend_by_category={}, load={}, capacity={}, hires={}, hire_cost=0.0, build_seconds=0.0, solve_seconds=0.0,
        solver="highs",
    )


@pytest.fixture
def prepared(db_file, delivery_ids, monkeypatch):
    sid = delivery_ids["2026-03"]
    con = db.connect(db_file)
    scenario_id = scenarios.save_scenario(con, snapshot_id=sid, name="Mobile first",
                                          params=SelectionParams(horizon_start="2026-03"),
                                          payload={"result": _result().to_dict()})
    con.close()
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    return sid, scenario_id


def _open(lang: str, sid: int) -> AppTest:
    return delivery_data.open_clean(PAGE, lang, sid)


def _heatmap(at: AppTest) -> dict:
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(c for c in charts if c["data"][0]["type"] == "heatmap")["data"][0]


def test_committed_view_english(prepared):
    sid, _ = prepared
    at = _open("en", sid)
    assert at.title[0].value == "Resource load"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Peak utilisation (Committed work only)"] == "112%"
    assert metrics["Over-allocated role-months"] == "1"
    over = at.dataframe[0].value
    assert list(zip(over["Role"], over["Month"], over["Over by (FTE)"], strict=True)) == [("dev", "2026-05", 0.5)]
    heat = _heatmap(at)
    assert heat["y"] == ["analyst", "dev"] and heat["x"][0] == "2026-03"
    assert heat["text"][1][:3] == ["88%", "88%", "112%"]
    # Demand after the plan's last month (dev Sep-Oct 2, analyst Sep-Feb 6) apart from the months
    # already past (Jan-Feb: dev 5.5, analyst 2).
    captions = [c.value for c in at.caption]
    assert "A further 8.0 FTE-months of demand fall after 2026-08, beyond the months shown." in captions
    assert "7.5 FTE-months of demand fall in months before 2026-03, which are not shown." in captions
    assert any(c.startswith("Colours: white to green up to 85 %") and "red above 100 % (over-allocated)" in c
               for c in captions)
    z = heat["z"]   # Plotly's binary encoding of a 2-D array
    z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape([int(n) for n in z["shape"].split(",")])
    assert z[0][3] == 1.0 and z[1][2] == pytest.approx(1.125)   # analyst Jun 2 of 2: full (yellow); dev May: red
    at.slider(key="rs.horizon").set_value(3)
    rerun(at, sid)
    assert _heatmap(at)["x"] == ["2026-03", "2026-04", "2026-05"]
    # Now Jun on falls after the months shown: dev P1 Jun 2 + P6 Jun-Oct 5; analyst P1 Jun 1 + P3 Jun-Feb 9.
    captions = [c.value for c in at.caption]
    assert "A further 17.0 FTE-months of demand fall after 2026-05, beyond the months shown." in captions


def test_scenario_view_chinese(prepared):
    sid, scenario_id = prepared
    at = _open("zh", sid)
    at.selectbox(key="rs.scenario").set_value(scenario_id)
    rerun(at, sid)
    assert not at.error
    metrics = {shown(m.label): m.value for m in at.metric}
    assert metrics[f"峰值利用率（Mobile first (#{scenario_id})）"] == "162%"     # May: 6.5 of 4
    assert metrics["超负荷的角色·月份数"] == "3"
    over = at.dataframe[0].value
    assert list(over["月份"]) == ["2026-05", "2026-04", "2026-06"]
    assert list(over["其中已承诺（FTE）"]) == [4.5, 3.5, 3.0]
    assert any("新增 1 个项目" in c.value for c in at.caption)
    captions = [c.value for c in at.caption]
    # After August: committed 8 (as in English) + P7's dev Sep 2 = 10; before March as committed, 7.5.
    assert "另有 10.0 人月的需求排在 2026-08 之后，超出所显示的月份。" in captions
    assert "2026-03 之前的月份还有 7.5 人月的需求，未在此显示。" in captions
    assert any(c.startswith("颜色：产能的 85% 以内由白到绿") for c in captions)


def test_snapshot_without_capacity(db_file, monkeypatch):
    sid = bare_snapshot(db_file, "active")
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = _open("en", sid)
    assert at.info[0].value.startswith("This snapshot has no capacity plan")


def test_scenario_hires_count_as_capacity(db_file, delivery_ids, monkeypatch):
    # The same plan, hiring 2.5 FTE of dev in May: 6.5 FTE demanded of 4 + 2.5 is 100 %, not 162 %, and
    # May is no longer over-allocated (analytics.metrics: demand / (capacity + hired)).
    sid = delivery_ids["2026-03"]
    con = db.connect(db_file)
    hired = _result().to_dict() | {"hires": {"dev": {"2026-05": 2.5}}, "hire_cost": 25.0}
    scenario_id = scenarios.save_scenario(con, snapshot_id=sid, name="Hire", params=SelectionParams(horizon_start="2026-03"),
                                          payload={"result": hired})
    con.close()
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = _open("en", sid)
    at.selectbox(key="rs.scenario").set_value(scenario_id)
    rerun(at, sid)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Over-allocated role-months"] == "2"
    over = at.dataframe[0].value
    assert list(over["Month"]) == ["2026-04", "2026-06"]
    assert list(over["Hired (FTE)"]) == [0.0, 0.0]
    heat = _heatmap(at)
    assert heat["text"][1][2] == "100%"
    lines = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if json.loads(c.proto.spec)["data"][0]["type"] == "scatter")
    assert "Capacity + hires" in {trace["name"] for trace in lines["data"]}
