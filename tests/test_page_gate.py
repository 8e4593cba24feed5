"""AppTest of the gate decisions on the Scenarios page (立项评审): decide, the approved list, its Excel file."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from analytics.selection_types import SelectionParams
from store import db, decision_log, gate, scenarios
from tests.optimiser_pages_data import open_page, rerun
from tests.test_page_scenarios import _result

PAGE = "views/scenarios.py"


@pytest.fixture
def recommended(db_file, optimiser_snapshot):
    """The snapshot's recommended scenario "Growth": committed C1, proposals P2 (2026-04) and P5 (2026-04)."""
    con = db.connect(db_file)
    growth = _result([("C1", "核心系统升级", "2026-03", 80.0, 120.0, True), ("P2", "数据平台", "2026-04", 100.0, 200.0, False),
                      ("P5", "CRM 方案B", "2026-04", 70.0, 80.0, False)], 250.0, [2.0, 5.0])
    scenario_id = scenarios.save_scenario(con, snapshot_id=optimiser_snapshot, name="Growth",
                                          params=SelectionParams(horizon_start="2026-03", budget=300.0),
                                          payload={"result": growth.to_dict(), "greedy_objective": 200.0})
    scenarios.recommend_scenario(con, scenario_id, "Most value")
    con.close()
    return db_file, optimiser_snapshot, scenario_id


def test_decide_and_download_the_approved_list(monkeypatch, recommended, downloads):
    db_file, sid, scenario_id = recommended
    at = open_page(monkeypatch, db_file, PAGE, "en", sid)
    assert "Gate decisions" in [s.value for s in at.subheader]
    editor = f"gate.editor.{scenario_id}"
    at.session_state[editor] = {"edited_rows": {0: {"Decision": "approve", "Reason": "Best value"},
                                                1: {"Decision": "reject"}}, "added_rows": [], "deleted_rows": []}
    rerun(at)
    at.button(key="gate.record").click()
    rerun(at)
    assert [e.value for e in at.error] == ["Give a reason for each decision: P5."]
    at.session_state[editor] = {"edited_rows": {0: {"Decision": "approve", "Reason": "Best value"},
                                                1: {"Decision": "defer", "Reason": "Next year"}},
                                "added_rows": [], "deleted_rows": []}
    rerun(at)
    at.button(key="gate.record").click()
    rerun(at)
    assert [s.value for s in at.success][-1] == "2 gate decision(s) recorded."
    con = db.connect(db_file)
    try:
        assert gate.approved_list(con, scenario_id)["project_id"].tolist() == ["P2"]
        assert decision_log.entries(con, limit=1).iloc[0]["action"] == "gate_decide"
    finally:
        con.close()
    sheet = load_workbook(io.BytesIO(downloads["Approved list Growth.xlsx"])).active
    assert [sheet.cell(2, c).value for c in (1, 2, 7)] == ["P2", "数据平台", "Best value"]


def test_chinese_and_lead_only(monkeypatch, recommended):
    db_file, sid, _ = recommended
    monkeypatch.setattr("ui.auth.can", lambda action: action != "gate_decide")
    at = open_page(monkeypatch, db_file, PAGE, "zh", sid)
    assert "立项评审" in [s.value for s in at.subheader]
    assert at.button(key="gate.record").disabled
    assert "只有 PMO 负责人可以记录立项评审决定。" in [c.value for c in at.caption]
