"""The committee deck, opened again with python-pptx: slides, native charts, tables, Chinese fonts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn

from reports import export_scenario
from reports.deck import EAST_ASIAN_FONT, ROWS_PER_TABLE_SLIDE, pack_to_pptx
from reports.pack import assemble_pack, build_pack, read_pack_inputs
from tests import report_helpers as h

DAY = dt.date(2026, 1, 15)


@pytest.fixture
def scenario_id(con):
    return h.make_scenario(con, h.make_snapshot(con))


def _deck(data: bytes) -> Presentation:
    return Presentation(io.BytesIO(data))


def _texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text]


def _charts(slide):
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def test_slides_in_order_with_titles(con, scenario_id):
    prs = _deck(export_scenario(con, scenario_id, "pptx", "zh", generated_on=DAY).data)
    assert len(prs.slides) == 9   # with the economics slide (issue 19)
    assert _texts(prs.slides[0])[0] == "投资建议：方案A"
    titles = [_texts(slide)[0] for slide in list(prs.slides)[1:]]
    assert titles == ["投资建议", "有效前沿：价值与投入", "入选组合：新提案", "人力负荷展望", "预算展望", "风险与需决策事项",
                      "经济评价与不确定性", "附录：假设条件"]
    sentence = _texts(prs.slides[1])[1]
    assert sentence.startswith("建议在 4 个提案中批准 2 个，预算合计 500.0万元") and "高 10.0%" in sentence


def test_native_editable_charts(con, scenario_id):
    prs = _deck(export_scenario(con, scenario_id, "pptx", "en", generated_on=DAY).data)
    (frontier,) = _charts(prs.slides[2])
    assert frontier._chartSpace.find(".//" + qn("c:scatterChart")) is not None  # a native XY chart
    assert frontier.chart_type in {XL_CHART_TYPE.XY_SCATTER, XL_CHART_TYPE.XY_SCATTER_LINES}
    line, marker = frontier.plots[0].series
    assert list(line.values) == [80.0, 220.0, 296.0] and list(marker.values) == [220.0]
    (capacity,) = _charts(prs.slides[4])
    assert capacity.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(capacity.plots[0].categories) == ["测试", "开发"] and list(capacity.plots[0].series[0].values) == [0.25, 1.0]
    (budget,) = _charts(prs.slides[5])
    assert budget.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    assert list(budget.plots[0].categories) == ["2026"]
    assert [(s.name, list(s.values)) for s in budget.plots[0].series] == [("数字化", [700.0]), ("运营", [100.0])]
    # the chart data travels in an embedded workbook, so the chart stays editable in PowerPoint
    assert budget.part.chart_workbook.xlsx_part is not None


def test_portfolio_table_lists_the_new_proposals(con, scenario_id):
    prs = _deck(export_scenario(con, scenario_id, "pptx", "en", generated_on=DAY).data)
    (table,) = [shape.table for shape in prs.slides[3].shapes if shape.has_table]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0][:2] == ["Project", "Category"]
    assert [r[0] for r in rows[1:]] == ["智慧园区一期", h.INJECTION]
    assert rows[1][2:5] == ["2026-02", "2026-05", "400.0"]


def test_risks_and_decisions_are_written_out(con, scenario_id):
    prs = _deck(export_scenario(con, scenario_id, "pptx", "en", generated_on=DAY).data)
    text = "\n".join(_texts(prs.slides[6]))
    assert "开发 runs at 100% in 2026-02" in text
    assert "Approve 2 new proposal(s) for 500.0 万元, the first starting in 2026-02." in text
    assert "Close call: Data lake (500.0 万元) would cost only 12.5 万元 of objective value to add." in text


def test_every_run_names_an_east_asian_font_and_the_language(con, scenario_id):
    prs = _deck(export_scenario(con, scenario_id, "pptx", "zh", generated_on=DAY).data)
    runs = [r for slide in prs.slides for r in slide._element.iter(qn("a:rPr"))]
    assert len(runs) > 50
    for rpr in runs:
        assert rpr.find(qn("a:ea")).get("typeface") == EAST_ASIAN_FONT
        assert rpr.get("lang") == "zh-CN"
    chart = _charts(prs.slides[5])[0]
    default = chart._chartSpace.find(qn("c:txPr")).find(".//" + qn("a:defRPr"))
    assert default.find(qn("a:ea")).get("typeface") == EAST_ASIAN_FONT


def test_long_portfolios_spread_over_table_slides(con, scenario_id):
    pack = build_pack(con, scenario_id, generated_on=DAY)
    many = tuple(dataclasses.replace(pack.selected[0], project_id=f"N{i:02d}", name=f"新提案 {i:02d}") for i in range(45))
    prs = _deck(pack_to_pptx(dataclasses.replace(pack, selected=many), "zh"))
    tables = [s for s in prs.slides if any(shape.has_table for shape in s.shapes)][:-1]  # last one is the appendix
    assert len(tables) == 3 and _texts(tables[0])[0] == "入选组合：新提案 (1/3)"
    shown = sum(len(shape.table.rows) - 1 for s in tables for shape in s.shapes if shape.has_table)
    assert shown == 3 * ROWS_PER_TABLE_SLIDE
    assert "另有 9 个见 Excel 工作簿。" in _texts(tables[-1])


def test_the_same_pack_gives_the_same_bytes(con, scenario_id):
    first = export_scenario(con, scenario_id, "pptx", "en", generated_on=DAY)
    assert first.data == export_scenario(con, scenario_id, "pptx", "en", generated_on=DAY).data
    assert first.file_name == "Investment recommendation_方案A_2026-01-01.pptx"


def test_timestamps_are_fixed_also_inside_the_chart_workbooks(con, scenario_id):
    data = export_scenario(con, scenario_id, "pptx", "en", generated_on=DAY).data
    package = zipfile.ZipFile(io.BytesIO(data))
    assert {i.date_time for i in package.infolist()} == {(2026, 1, 15, 0, 0, 0)}
    embedded = [n for n in package.namelist() if n.startswith("ppt/embeddings/") and n.endswith(".xlsx")]
    assert len(embedded) == 4  # frontier, capacity, budget, value against risk (issue 19)
    for name in embedded:
        inner = zipfile.ZipFile(io.BytesIO(package.read(name)))
        core = inner.read("docProps/core.xml").decode("utf-8")
        assert core.count("2026-01-15T00:00:00Z") == 2 and {i.date_time for i in inner.infolist()} == {(2026, 1, 15, 0, 0, 0)}


def _profile(*project_ids: str) -> pd.DataFrame:
    """Front-loaded monthly profiles of the given projects, one row per month of each (P9 is unknown)."""
    months = {"P1": 4, "P2": 2, "P3": 3, "P9": 2}
    rows = [(pid, k, float(4 - k)) for pid in project_ids for k in range(months[pid])]
    return pd.DataFrame(rows, columns=["project_id", "month_offset", "planned_spend"])


@pytest.mark.parametrize(
    ("lang", "profiled", "note", "conventions"),
    [
        ("en", (), "Spend by fiscal year (projects spread evenly over their months):",
         "Spend is spread evenly over each project's months; utilisation = demand / (capacity + hires)."),
        ("zh", (), "按财年的支出（项目投入按月平均分摊）：", "项目投入按月平均分摊；利用率 = 需求 ÷（可用人力 + 外包人力）。"),
        ("en", ("P1", "P9"),
         "Spend by fiscal year (monthly spend profile for 1 of the 3 projects; the others spread evenly over their months):",
         "Spend follows each project's monthly spend profile where the snapshot gives one (1 of 3 projects) and is spread "
         "evenly over its months otherwise; utilisation = demand / (capacity + hires)."),
        ("zh", ("P1", "P9"), "按财年的支出（3 个项目中有 1 个按月度支出计划投入，其余按月平均分摊）：",
         "快照中有月度支出计划的项目（3 个中的 1 个）按计划投入，其余项目按月平均分摊；利用率 = 需求 ÷（可用人力 + 外包人力）。"),
        ("en", ("P1", "P2", "P3"), "Spend by fiscal year (every project follows its monthly spend profile):",
         "Spend follows each project's monthly spend profile; utilisation = demand / (capacity + hires)."),
        ("zh", ("P1", "P2", "P3"), "按财年的支出（各项目均按月度支出计划投入）：",
         "各项目均按月度支出计划投入；利用率 = 需求 ÷（可用人力 + 外包人力）。"),
    ],
)
def test_budget_outlook_says_how_spend_falls_over_the_months(con, scenario_id, lang, profiled, note, conventions):
    inputs = dataclasses.replace(read_pack_inputs(con, scenario_id), spend_profile=_profile(*profiled))
    pack = assemble_pack(inputs, generated_on=DAY)
    assert pack.profiled_projects == frozenset(profiled) - {"P9"}   # P9 is not in the portfolio
    prs = _deck(pack_to_pptx(pack, lang))
    budget_text = _texts(prs.slides[5])[1].split("\n")
    assert budget_text[0] == note and len(budget_text) == 2      # the note, then FY 2026
    assert conventions in _texts(prs.slides[7])[1].split("\n")
