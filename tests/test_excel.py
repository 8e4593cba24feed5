"""The Excel pack, opened again with openpyxl: sheets, figures, formats, charts and safe text."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from reports import export_scenario
from reports.excel import display_width, frame_to_xlsx, sheet_names
from reports.text import ReportText
from tests import report_helpers as h

DAY = dt.date(2026, 1, 15)


@pytest.fixture
def scenario_id(con):
    return h.make_scenario(con, h.make_snapshot(con))


def _open(con, scenario_id, lang):
    return load_workbook(io.BytesIO(export_scenario(con, scenario_id, "xlsx", lang, generated_on=DAY).data))


def _column(ws, col, first=2):
    values = []
    for row in range(first, ws.max_row + 1):
        value = ws.cell(row=row, column=col).value
        if value is None:
            break
        values.append(value)
    return values


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("zh", ["摘要", "入选项目", "未入选提案", "预算", "角色负荷", "情景参数", "战略权重", "效率前沿"]),
        ("en", ["Summary", "Selected projects", "Left out", "Budget", "Role load", "Parameters", "Strategic weights",
                "Efficient frontier"]),
    ],
)
def test_sheet_names_in_each_language(con, scenario_id, lang, names):
    wb = _open(con, scenario_id, lang)
    assert wb.sheetnames == names == list(sheet_names(lang))


def test_selected_sheet_equals_the_scenario(con, scenario_id):
    wb = _open(con, scenario_id, "zh")
    ws = wb["入选项目"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:P4"
    assert ws["B1"].value == "项目名称" and ws["J1"].value == "投入（万元）"
    names = _column(ws, 2)
    expected = [p.name for p in h.result().selected]
    assert names[:3] == ["智慧园区一期", "'" + h.INJECTION, "ERP 升级"] and names[3] == "合计"
    assert [n.removeprefix("'") for n in names[:3]] == expected
    costs = _column(ws, 10)
    assert costs[:3] == [400.0, 100.0, 300.0] and costs[3] == sum(p.cost for p in h.result().selected) == 800.0
    assert ws["J2"].number_format == "#,##0.0" and ws["K2"].number_format == "#,##0.0"
    assert ws["F2"].value == dt.datetime(2026, 2, 1) and ws["F2"].number_format == "yyyy-mm"
    assert ws["E2"].value == "新提案" and ws["E4"].value == "在建/已批准"
    assert ws["B3"].data_type == "s"                                # text, never a formula
    assert ws.column_dimensions["B"].width >= display_width("'" + h.INJECTION)


def test_left_out_sheet_has_reasons_and_price_of_forcing(con, scenario_id):
    ws = _open(con, scenario_id, "en")["Left out"]
    assert _column(ws, 2) == ["Data lake", "'-负面示例"]            # a leading minus is neutralised too
    assert ws["H2"].value == 12.5 and ws["H3"].value is None
    assert ws["I3"].value == "Forcing it in makes the plan infeasible."
    reasons = ReportText("en").reasons(h.left_out()[0].reasons)
    assert ws["G2"].value == reasons and "开发" in reasons and reasons != "capacity; budget"
    assert ws["D2"].value == 500.0 and ws["D2"].number_format == "#,##0.0"


def test_summary_budget_role_load_weights_and_parameters(con, scenario_id):
    wb = _open(con, scenario_id, "en")
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=5, max_col=2, values_only=True) if r[0]}
    assert summary["Spend in the horizon (万元)"] == 800.0
    assert summary["Objective value"] == 220.0
    assert summary["Uplift over rank-and-cut-off"] == pytest.approx(0.10)
    assert summary["New proposals selected"] == 2
    assert summary["Share of strategic value on offer"] == pytest.approx(140 / 228)
    assert wb["Summary"]["A2"].value.startswith("Approve 2 of 4 proposals for 500.0 万元")
    budget = wb["Budget"]
    assert [c.value for c in budget[1]][:6] == ["Fiscal year", "Spend (万元)", "Annual cap (万元)", "Headroom (万元)", "数字化", "运营"]
    assert [c.value for c in budget[2]][:6] == [2026, 800.0, 900.0, 100.0, 700.0, 100.0]
    role = wb["Role load"]
    assert len(_column(role, 1)) == 24 and role["F2"].number_format == "0.0%"
    assert _column(role, 8) == ["开发", "测试"] and _column(role, 9) == [1.0, 0.25]
    weights = wb["Strategic weights"]
    assert _column(weights, 2)[:2] == ["营收增长", "客户体验"] and _column(weights, 3)[:2] == pytest.approx([0.6, 0.4])
    params = {r[0]: r[1] for r in wb["Parameters"].iter_rows(min_row=2, values_only=True)}
    assert params["Budget over the horizon (万元)"] == 1000.0 and params["Cap for fiscal year 2026 (万元)"] == 900.0
    assert params["Forced in"] == "P2" and params["Extra staff may be hired"] == "yes"


def test_native_charts_are_present(con, scenario_id):
    wb = _open(con, scenario_id, "zh")
    assert len(wb["预算"]._charts) == 1 and len(wb["角色负荷"]._charts) == 1 and len(wb["效率前沿"]._charts) == 1
    frontier = wb["效率前沿"]
    assert _column(frontier, 1) == [300.0, 800.0, 1300.0] and _column(frontier, 3) == [80.0, 220.0, 296.0]
    assert frontier["F3"].value == "智慧园区一期、" + h.INJECTION  # names are mapped from ids; not at the start: harmless
    assert frontier["I2"].value == "方案A" and frontier["J2"].value == 800.0


def test_the_same_pack_gives_the_same_bytes(con, scenario_id):
    first = export_scenario(con, scenario_id, "xlsx", "zh", generated_on=DAY)
    second = export_scenario(con, scenario_id, "xlsx", "zh", generated_on=DAY)
    assert first.data == second.data and first.file_name == "投资建议_方案A_2026-01-01.xlsx"


def test_frame_to_xlsx_keeps_numbers_and_neutralises_text():
    frame = pd.DataFrame({"summary": ["=1+1", "ok"], "objective": [-3.5, 2.0], "when": pd.to_datetime(["2026-01-02", "2026-01-03"])})
    ws = load_workbook(io.BytesIO(frame_to_xlsx(frame, "决策记录", "zh", formats={"objective": "0.00"}))).active
    assert ws.title == "决策记录" and ws.freeze_panes == "A2"
    assert [ws["A2"].value, ws["B2"].value, ws["C2"].value] == ["'=1+1", -3.5, dt.datetime(2026, 1, 2)]
    assert ws["B2"].number_format == "0.00"
