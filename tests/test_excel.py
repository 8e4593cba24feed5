"""The Excel pack, opened again with openpyxl: sheets, figures, formats, charts and safe text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from i18n import translate
from reports import export_scenario
from reports.excel import display_width, frame_to_xlsx, pack_to_xlsx, sheet_names
from reports.pack import MarginalLine, build_pack
from reports.text import ReportText
from tests import report_helpers as h

DAY = dt.date(2026, 1, 15)


@pytest.fixture
def scenario_id(con):
    return h.make_scenario(con, h.make_snapshot(con))


def _open(con, scenario_id, lang):
    return load_workbook(io.BytesIO(export_scenario(con, scenario_id, "xlsx", lang, generated_on=DAY).data))


def _formulas(data: bytes) -> list[str]:
    """Every formula stored in any worksheet of the workbook (`<f>` elements)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [f for name in archive.namelist() if name.startswith("xl/worksheets/sheet")
                for f in re.findall(r"<f>(.*?)</f>", archive.read(name).decode("utf-8"))]


def _values(ws, min_row=1) -> dict:
    """Column A label -> column B cell."""
    return {row[0].value: row[1] for row in ws.iter_rows(min_row=min_row, max_col=2) if row[0].value}


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
        ("zh", ["摘要", "入选项目", "未入选提案", "预算", "角色负荷", "情景参数", "战略权重", "有效前沿",
                "经济评价", "不确定性"]),
        ("en", ["Summary", "Selected projects", "Left out", "Budget", "Role load", "Parameters", "Strategic weights",
                "Efficient frontier", "Business cases", "Uncertainty"]),
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
    assert names[:3] == ["智慧园区一期", h.INJECTION, "ERP 升级"] == expected and names[3] == "合计"
    costs = _column(ws, 10)
    assert costs[:3] == [400.0, 100.0, 300.0] and costs[3] == sum(p.cost for p in h.result().selected) == 800.0
    assert ws["J2"].number_format == "#,##0.0" and ws["K2"].number_format == "#,##0.0"
    assert ws["F2"].value == dt.datetime(2026, 2, 1) and ws["F2"].number_format == "yyyy-mm"
    assert ws["E2"].value == "新提案" and ws["E4"].value == "已承诺"
    assert ws["B3"].data_type == "s" and ws["B3"].quotePrefix       # text, never a formula
    assert not ws["B2"].quotePrefix
    assert ws.column_dimensions["B"].width >= display_width(h.INJECTION)


def test_left_out_sheet_has_reasons_and_price_of_forcing(con, scenario_id):
    ws = _open(con, scenario_id, "en")["Left out"]
    assert _column(ws, 2) == ["Data lake", "-负面示例"]             # shown as written, typed as text
    assert ws["B3"].data_type == "s" and ws["B3"].quotePrefix
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
    assert summary["Uplift over rank-and-cut-off (difference)"] == pytest.approx(20.0)   # 220 - 200
    # the split of the spend inside the horizon: P3 300 (committed), P1 + P2 400 + 100 (new), hires 10
    assert (summary["Committed work's spend in the horizon (万元)"], summary["New proposals' spend in the horizon (万元)"],
            summary["Cost of extra staff (万元)"]) == (300.0, 500.0, 10.0)
    assert summary["New proposals selected"] == 2
    assert summary["Share of strategic value on offer"] == pytest.approx(140 / 228)
    assert wb["Summary"]["A2"].value.startswith("Approve 2 of 4 proposals with budgets of 500.0 万元")
    budget = wb["Budget"]
    assert [c.value for c in budget[1]][:6] == ["Fiscal year", "Spend (万元)", "Annual cap (万元)", "Headroom (万元)", "数字化", "运营"]
    assert [c.value for c in budget[2]][:6] == [2026, 800.0, 900.0, 100.0, 700.0, 100.0]
    role = wb["Role load"]
    assert len(_column(role, 1)) == 24 and role["F2"].number_format == "0.0%"
    assert _column(role, 8) == ["开发", "测试"] and _column(role, 9) == [1.0, 0.25]
    weights = wb["Strategic weights"]
    assert _column(weights, 2)[:2] == ["营收增长", "客户体验"] and _column(weights, 3)[:2] == pytest.approx([0.6, 0.4])
    params = {r[0]: r[1] for r in wb["Parameters"].iter_rows(min_row=2, values_only=True)}
    assert params["Budget: spend inside the horizon (万元)"] == 1000.0 and params["Cap for fiscal year 2026 (万元)"] == 900.0
    assert params["Forced in"] == "P2" and params["Extra staff may be hired"] == "yes"


def test_native_charts_are_present(con, scenario_id):
    wb = _open(con, scenario_id, "zh")
    assert len(wb["预算"]._charts) == 1 and len(wb["角色负荷"]._charts) == 1 and len(wb["有效前沿"]._charts) == 1
    frontier = wb["有效前沿"]
    assert _column(frontier, 1) == [300.0, 800.0, 1300.0] and _column(frontier, 3) == [80.0, 220.0, 296.0]
    assert frontier["F3"].value == "智慧园区一期、" + h.INJECTION  # names are mapped from ids; not at the start: harmless
    assert frontier["I2"].value == "方案A" and frontier["J2"].value == 800.0


def test_the_same_pack_gives_the_same_bytes(con, scenario_id):
    first = export_scenario(con, scenario_id, "xlsx", "zh", generated_on=DAY)
    second = export_scenario(con, scenario_id, "xlsx", "zh", generated_on=DAY)
    assert first.data == second.data and first.file_name == "投资建议_方案A_2026-01-01.xlsx"


def test_frame_to_xlsx_keeps_numbers_and_writes_formula_like_text_as_text():
    frame = pd.DataFrame({"summary": ["=1+1", "ok"], "objective": [-3.5, 2.0], "when": pd.to_datetime(["2026-01-02", "2026-01-03"])})
    data = frame_to_xlsx(frame, "决策记录", "zh", formats={"objective": "0.00"})
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "决策记录" and ws.freeze_panes == "A2"
    assert [ws["A2"].value, ws["B2"].value, ws["C2"].value] == ["=1+1", -3.5, dt.datetime(2026, 1, 2)]
    assert ws["A2"].data_type == "s" and ws["A2"].quotePrefix and ws["B2"].data_type == "n"
    assert _formulas(data) == []
    assert ws["B2"].number_format == "0.00"


@pytest.mark.parametrize(
    ("lang", "summary", "parameters", "rationale", "headroom", "forced_out", "unlimited"),
    [
        ("zh", "摘要", "情景参数", "推荐理由", "预算余量（万元）", "强制排除", "不限"),
        ("en", "Summary", "Parameters", "Rationale", "Budget headroom (万元)", "Forced out", "no limit"),
    ],
)
def test_placeholders_and_text_starting_with_a_minus_show_as_written(con, lang, summary, parameters, rationale,
                                                                       headroom, forced_out, unlimited):
    snapshot_id = h.make_snapshot(con)
    pack = build_pack(con, h.make_scenario(con, snapshot_id, recommend=False), generated_on=DAY)
    pack = dataclasses.replace(pack, params=dataclasses.replace(pack.params, budget=None),
                               summary=dataclasses.replace(pack.summary, budget=None, budget_headroom=None))
    data = pack_to_xlsx(pack, lang)
    wb = load_workbook(io.BytesIO(data))
    cells = _values(wb[summary], min_row=5)
    assert cells[rationale].value == "-" and cells[headroom].value == "-"       # not "'-"
    assert cells[rationale].data_type == "s" and cells[rationale].quotePrefix
    params = _values(wb[parameters], min_row=2)
    assert params[forced_out].value == "-" and params[forced_out].data_type == "s"
    assert unlimited in [c.value for c in params.values()]
    assert not any(isinstance(c.value, str) and c.value.startswith("'") for ws in wb for row in ws.iter_rows() for c in row)
    assert _formulas(data) == []


@pytest.mark.parametrize("text", ["-12 % vs plan", "+86 10 8888 0000", "@all", "=HYPERLINK(\"http://x\",\"y\")",
                                  "=1+1", "#N/A", "－全角减号"])
def test_text_keeps_its_characters_and_never_becomes_a_formula(con, scenario_id, text):
    pack = dataclasses.replace(build_pack(con, scenario_id, generated_on=DAY), rationale=text, scenario_name=text)
    data = pack_to_xlsx(pack, "en")
    wb = load_workbook(io.BytesIO(data))
    cell = _values(wb["Summary"], min_row=5)["Rationale"]
    assert cell.value == text and cell.data_type == "s"
    assert cell.quotePrefix == (text[0] in "=+-@－")     # typed in again, Excel would keep it text
    assert wb["Efficient frontier"]["I2"].value == text and wb["Efficient frontier"]["I2"].data_type == "s"
    assert _formulas(data) == []


@pytest.mark.parametrize(("lang", "budget"), [("zh", "预算（每万元）"), ("en", "Budget (per 万元)")])
def test_marginal_values_name_the_budget_in_words(con, scenario_id, lang, budget):
    ws = _open(con, scenario_id, lang)["摘要" if lang == "zh" else "Summary"]
    rows = [[c.value for c in row[:3]] for row in ws.iter_rows() if row[1].value in (4.2, 0.15)]
    assert rows[0][0] == "开发" and rows[1][0] == budget and rows[1][1] == 0.15
    assert "budget" not in [row[0] for row in rows]
    pack = dataclasses.replace(build_pack(con, scenario_id, generated_on=DAY),
                               marginal_values=(MarginalLine("budget", "role", 1.2345, "resolve"),))
    ws = load_workbook(io.BytesIO(pack_to_xlsx(pack, lang)))["摘要" if lang == "zh" else "Summary"]
    assert [row[0].value for row in ws.iter_rows() if row[1].value == 1.2345] == ["budget"]  # a role called "budget" stays


@pytest.mark.parametrize(("lang", "joiner", "end"), [("zh", "；", "。"), ("en", " ", "")])
def test_left_out_reasons_are_rounded_and_joined_once(con, scenario_id, lang, joiner, end):
    density = {"resource": "开发", "density": 14.5714, "chosen_median": 29.5789, "chosen_min": 12.4889}
    late = {"predecessor": "P4", "finish": "2026-06", "starts": 1, "total_starts": 2}
    reasons = (h.Reason("low_value_density", density), h.Reason("dependency_late", late))
    pack = build_pack(con, scenario_id, generated_on=DAY)
    pack = dataclasses.replace(pack, left_out=(dataclasses.replace(pack.left_out[0], reasons=reasons),))
    ws = load_workbook(io.BytesIO(pack_to_xlsx(pack, lang)))["未入选提案" if lang == "zh" else "Left out"]
    first = translate(lang, "explain.low_value_density", **{**density, "density": 14.57, "chosen_median": 29.58,
                                                            "chosen_min": 12.49})
    second = translate(lang, "explain.dependency_late", **late)
    if lang == "zh":
        first, second = first.removesuffix("。"), second.removesuffix("。")
    assert ws["G2"].value == first + joiner + second + end
    assert "14.57" in first and "12.49" in first and "14.5714" not in ws["G2"].value
    assert "。；" not in ws["G2"].value and ".;" not in ws["G2"].value


def test_work_with_no_capacity_reads_infinite_in_the_role_load():
    # a role month with demand and nothing available: utilisation inf, written as "∞" (not a blank)
    from openpyxl import Workbook

    from reports.excel import _Sheet
    ws = Workbook().active
    _Sheet(ws, "en").put(1, 1, float("inf"), "0%")
    _Sheet(ws, "en").put(2, 1, float("nan"), "0%")
    assert (ws["A1"].value, ws["A2"].value) == ("∞", None)
