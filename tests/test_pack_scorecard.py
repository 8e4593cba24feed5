"""The recommendation pack with the PMO scorecard (`cli.py report --scorecard-year`): the Excel sheet's figures."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

import cli
from reports import export_scenario
from reports.excel import sheet_names
from reports.pack import build_pack
from tests import report_helpers as h
from tests import scorecard_data

DAY = dt.date(2026, 1, 15)


@pytest.fixture
def scenario_id(con):
    frames = h.snapshot_frames()
    projects = frames["projects"]
    projects.loc[projects["project_id"] == "P3", "status"] = "completed"  # 2026-01 for 3 months: planned 2026-03
    frames["status_reports"] = pd.DataFrame([{
        "project_id": "P3", "report_date": dt.date(2026, 3, 20), "planned_value": 300.0, "earned_value": 300.0,
        "actual_cost": 320.0, "forecast_finish": dt.date(2026, 3, 31), "benefit_realized": 300.0}])
    frames["targets"] = scorecard_data.TARGETS
    return h.make_scenario(con, h.make_snapshot(con, frames=frames))


def test_the_pack_has_a_scorecard_sheet_only_when_asked(con, scenario_id):
    plain = build_pack(con, scenario_id, generated_on=DAY)
    assert plain.scorecard is None and "PMO scorecard" not in sheet_names("en", plain)
    with_card = build_pack(con, scenario_id, generated_on=DAY, scorecard_year=2026)
    assert sheet_names("en", with_card)[-1] == "PMO scorecard"
    wb = load_workbook(io.BytesIO(export_scenario(con, scenario_id, "xlsx", "zh", generated_on=DAY,
                                                  scorecard_year=2026).data))
    ws = wb["PMO计分卡"]
    assert ws["A1"].value == "PMO 计分卡 2026 年"
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 6)] for r in range(4, 8)}
    # P3: on time (finished in its planned month), on budget (320 <= 330), 300 / 350 = 85.7 % realised
    assert rows["项目成功率"] == [1.0, 0.5, "已达成", 1]
    assert rows["按期完成率"] == [1.0, 0.6, "已达成", 1]
    assert rows["预算内完成率"] == [1.0, None, "—", 1]
    assert rows["收益实现率"][0] == pytest.approx(300 / 350)
    assert ws.cell(10, 1).value == "P3" and ws.cell(10, 9).value == "是"


def test_cli_report_takes_the_year(db_file, scenario_id, tmp_path, con):
    con.close()
    out = tmp_path / "pack.xlsx"
    assert cli.main(["report", "--db", str(db_file), "--scenario", str(scenario_id), "--format", "xlsx",
                     "--lang", "en", "--out", str(out), "--scorecard-year", "2026"]) == 0
    assert "PMO scorecard" in load_workbook(out).sheetnames
