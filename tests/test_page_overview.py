"""Overview page (总览): tiles, bubble chart, what needs a decision, pack downloads; both languages."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from reports import export_scenario
from store import db
from tests import report_helpers as h

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def portfolio(db_file, templates):
    """Two snapshots (P3's CPI falls from 1.0 to 0.7); returns (db_file, current snapshot)."""
    _, current = templates.copy("overview", h.make_delivery_snapshots, db_file)
    return db_file, current


def _recommend(db_file, snapshot_id) -> int:
    con = db.connect(db_file)
    try:
        return h.make_scenario(con, snapshot_id)
    finally:
        con.close()


def _open(monkeypatch, db_file, language: str, snapshot_id: int | None) -> AppTest:
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = language
    at.session_state["snapshot_id"] = snapshot_id
    at.run()  # the overview is the landing page
    assert not at.exception, at.exception
    return at


def _metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def _bubble(at) -> list[dict]:
    """The chart's traces, with Plotly's binary-encoded number arrays decoded."""
    traces = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    for trace in traces:
        for axis in ("x", "y"):
            if isinstance(trace.get(axis), dict):
                trace[axis] = np.frombuffer(base64.b64decode(trace[axis]["bdata"]), dtype=trace[axis]["dtype"]).tolist()
    return traces


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", {"Projects in the snapshot": ("6", ""), "Strategic value covered": ("61%", ""),
                "Portfolio CPI": ("0.70", "-0.30"), "Portfolio SPI": ("0.70", "-0.30"),
                "Projects in critical health": ("1", ""), "Capacity hot spots": ("1", ""),
                "PMO maturity": ("Level 1", "")}),
        ("zh", {"快照中的项目": ("6", ""), "战略价值覆盖率": ("61%", ""), "组合 CPI": ("0.70", "-0.30"),
                "组合 SPI": ("0.70", "-0.30"), "健康状况严重的项目": ("1", ""), "人力紧张点": ("1", ""),
                "PMO 成熟度": ("1 级", "")}),
    ],
)
def test_tiles_with_a_recommended_scenario(monkeypatch, portfolio, language, expected):
    db_file, snapshot_id = portfolio
    _recommend(db_file, snapshot_id)
    at = _open(monkeypatch, db_file, language, snapshot_id)
    assert _metrics(at) == expected
    # 6 projects: P3 and P6 active (300 + 50), four proposals 400 + 100 + 500 + 80
    status = next(m.value for m in at.markdown if "350" in m.value)
    assert status == ("Active: 2 · 350 万元  \nProposed: 4 · 1,080 万元" if language == "en"
                      else "进行中：2 个 · 350 万元  \n提议：4 个 · 1,080 万元")
    linked = {link.proto.page for link in at.get("page_link")}
    assert {"strategy", "scenarios", "delivery"} <= linked   # each tile links to its page


def test_what_needs_a_decision_and_bubble_colours(monkeypatch, portfolio):
    db_file, snapshot_id = portfolio
    _recommend(db_file, snapshot_id)
    at = _open(monkeypatch, db_file, "en", snapshot_id)
    lines = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert lines == [
        "- Approve the recommended scenario **方案A**: 2 new proposal(s) with budgets of 500 万元.",
        "- 1 project(s) in critical health: ERP 升级",
        # the recommended plan's load (as Resources shows it): 测试 P6 3 FTE in Feb-Mar + P2 0.5 FTE in
        # Mar-Apr against 2 FTE -> 150 % and 175 %
        "- **测试** over capacity in 2 month(s) from 2026-02 (peak 175%).",
        "- 2 proposal(s) left out of the recommendation wait for a decision (defer or reject).",
    ]
    captions = [c.value for c in at.caption]
    # 开发 in March: 2 FTE demanded (P1 + P3) against 2 + 0.5 hired -> 80 %, not over
    assert "Load of the recommended plan “方案A” (its 0.5 FTE-months of hires count as capacity): peak 175%, " \
           "2 over-allocated role-months." in captions
    # P3 300 over Jan-Mar (committed), P1 400 + P2 100 (new), hires 10
    assert "Plan: 3 projects = 1 committed + 2 new." in captions
    assert "Spend inside the horizon 810.0 万元 = committed work 300.0 万元 + new proposals 500.0 万元 + hires 10.0 万元." in captions
    traces = _bubble(at)
    assert [t["name"] for t in traces] == ["In the recommended scenario", "Left out"]
    assert [row[2] for row in traces[0]["customdata"]] == ["P1", "P2"] and traces[0]["x"] == pytest.approx([92.0, 48.0])
    assert [row[2] for row in traces[1]["customdata"]] == ["P4", "P5"] and traces[1]["y"] == [500.0, 80.0]
    assert all(isinstance(row[1], float) for row in traces[0]["customdata"])  # the benefit stays a number for :,.0f


def test_pack_downloads_are_the_cli_files(monkeypatch, portfolio, downloads):
    db_file, snapshot_id = portfolio
    scenario_id = _recommend(db_file, snapshot_id)
    at = _open(monkeypatch, db_file, "zh", snapshot_id)
    assert [b.proto.label for b in at.get("download_button")] == ["Excel 工作簿", "决策会演示文稿（PowerPoint）", "入选清单（CSV）"]
    con = db.connect(db_file)
    try:
        for fmt in ("xlsx", "pptx", "csv"):
            expected = export_scenario(con, scenario_id, fmt, "zh", generated_on=dt.date.today())
            assert downloads[expected.file_name] == expected.data
    finally:
        con.close()
    ws = load_workbook(io.BytesIO(downloads["投资建议_方案A_2026-01-01.xlsx"]))["入选项目"]
    assert ws["B3"].value == h.INJECTION and ws["B3"].data_type == "s"


@pytest.mark.parametrize(
    ("language", "warning", "legend", "line"),
    [
        ("en", "No scenario is recommended for this snapshot yet. Run the optimiser, save a scenario and recommend it.",
         "Proposal (no recommendation yet)",
         "- 4 open proposal(s) and no recommended scenario: run the optimiser and recommend one."),
        ("zh", "本快照尚无推荐情景。请运行组合优化，保存情景并设为推荐。", "提案（尚无推荐情景）",
         "- 有 4 个待决策提案，但尚无推荐情景：请运行组合优化并推荐一个情景。"),
    ],
)
def test_without_a_recommended_scenario(monkeypatch, portfolio, language, warning, legend, line):
    db_file, snapshot_id = portfolio
    at = _open(monkeypatch, db_file, language, snapshot_id)
    assert at.warning[0].value == warning
    assert list(_metrics(at).values())[1] == ("–", "")
    (trace,) = _bubble(at)
    assert trace["name"] == legend and len(trace["x"]) == 4
    # strategic values under the file weights (no weight set saved): P1 92, P2 48, P4 76, P5 12
    assert trace["x"] == pytest.approx([92.0, 48.0, 76.0, 12.0])
    assert [m.value for m in at.markdown if m.value.startswith("- ")][0] == line
    assert not at.get("download_button")


def test_a_recommendation_appears_at_once(monkeypatch, portfolio):
    db_file, snapshot_id = portfolio
    at = _open(monkeypatch, db_file, "en", snapshot_id)
    assert at.warning
    _recommend(db_file, snapshot_id)
    at.run()
    assert not at.exception and not at.warning and _metrics(at)["Strategic value covered"] == ("61%", "")


def test_no_snapshot_yet(monkeypatch, db_file):
    db.connect(db_file).close()
    at = _open(monkeypatch, db_file, "zh", None)
    assert at.title[0].value == "组合总览"
    assert "还没有数据：请在“数据”页导入快照（或加载示例数据）。" in [i.value for i in at.info]
    assert not at.metric


def test_open_proposals_are_proposed_or_on_hold_like_the_optimiser_candidates():
    from ui import overview as ov

    projects = h.snapshot_frames()["projects"]
    projects.loc[projects["project_id"] == "P4", "status"] = "on_hold"
    projects.loc[projects["project_id"] == "P5", "status"] = "completed"
    frame = ov._proposals(projects, {"P1": 92.0, "P4": 76.0}, None)
    assert list(frame["project_id"]) == ["P1", "P2", "P4"]
    assert list(frame["strategic_value"]) == [92.0, 0.0, 76.0] and not frame["in_plan"].any()
