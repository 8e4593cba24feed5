"""Gate decisions: the store's rules, the decision log, the approved list in Excel, the next import's warning, the page."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from reports.gate import approved_list_xlsx
from store import decision_log, gate, scenarios
from store.errors import PermissionDenied, StoreError
from store.importer import import_files
from store.users import Actor
from tests import report_helpers as h
from tests.report_helpers import INJECTION


@pytest.fixture
def scenario_id(con):
    return h.make_scenario(con, h.make_snapshot(con))


def test_decide_the_proposals_of_the_recommended_scenario(con, scenario_id):
    rows = gate.proposals(con, scenario_id)
    assert list(rows["project_id"]) == ["P1", "P2"]  # P3 is committed work, not a proposal
    assert rows["decision"].tolist() == [None, None]
    assert gate.record_decisions(con, scenario_id, {"P1": ("approve", "Best value"), "P2": ("defer", "Next year")}) == 2
    gate.record_decisions(con, scenario_id, {"P2": ("approve", "Budget found")})  # the latest decision counts
    assert gate.approved_list(con, scenario_id)["project_id"].tolist() == ["P1", "P2"]
    entry = decision_log.entries(con, limit=1).iloc[0]
    assert entry["action"] == "gate_decide" and '"approved": ["P1", "P2"]' in entry["details"]


def test_refusals(con, scenario_id):
    with pytest.raises(StoreError) as refused:
        gate.record_decisions(con, scenario_id, {"P3": ("approve", "x")})
    assert refused.value.key == "gate.error.not_proposal"
    with pytest.raises(StoreError):
        gate.record_decisions(con, scenario_id, {"P1": ("maybe", "x")})
    with pytest.raises(StoreError):
        gate.record_decisions(con, scenario_id, {"P1": ("approve", "  ")})
    with pytest.raises(PermissionDenied):
        gate.record_decisions(con, scenario_id, {"P1": ("approve", "x")}, actor=Actor("a@x.org", "A", "analyst"))
    other = h.make_scenario(con, scenarios.get_scenario(con, scenario_id).snapshot_id, name="方案B", recommend=False)
    with pytest.raises(StoreError) as not_recommended:
        gate.record_decisions(con, other, {"P1": ("approve", "x")})
    assert not_recommended.value.key == "gate.error.not_recommended"


def test_the_approved_list_in_excel_in_chinese(con, scenario_id):
    gate.record_decisions(con, scenario_id, {"P1": ("approve", "价值最高"), "P2": ("approve", "=1+1")})
    sheet = load_workbook(io.BytesIO(approved_list_xlsx(gate.approved_list(con, scenario_id), "zh"))).active
    assert sheet.title == "立项批准清单"
    assert [c.value for c in sheet[1]][:7] == ["项目", "名称", "类别", "开始月份", "预算", "价值", "理由"]
    assert [sheet.cell(2, 1).value, sheet.cell(2, 5).value, sheet.cell(2, 7).value] == ["P1", 400.0, "价值最高"]
    assert sheet.cell(3, 2).value == INJECTION and sheet.cell(3, 7).value == "=1+1"
    assert sheet.cell(3, 7).data_type == "s"  # text, never a formula


def test_the_next_import_warns_when_an_approved_proposal_is_still_proposed(con, scenario_id):
    gate.record_decisions(con, scenario_id, {"P1": ("approve", "go"), "P2": ("reject", "no")})
    projects = (b"project_id,name,status,start_month,duration_months,budget\r\n"
                b"P1,Park,proposed,2026-02,4,400\r\nP2,Ops,proposed,2026-03,2,100\r\n")
    report = import_files(con, [("projects.csv", projects)], label="next")
    warned = [p for p in report.problems if p.code == "gate_still_proposed"]
    assert [(p.file, p.row, p.column, p.value) for p in warned] == [("projects.csv", 2, "status", "proposed")]
    assert report.snapshot_id is not None  # a warning, not an error
