"""AppTest of the Scorecard page (计分卡) in both languages, on tests/scorecard_data.py's hand-made edges."""

from __future__ import annotations

import json

import pytest

from store import db
from tests import delivery_data, scorecard_data
from tests.delivery_data import bare_snapshot, rerun

PAGE = "views/scorecard.py"


@pytest.fixture
def snapshot(db_file, monkeypatch) -> int:
    con = db.connect(db_file)
    try:
        snapshot_id = scorecard_data.write(con)
    finally:
        con.close()
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    return snapshot_id


def test_figures_trend_and_projects_english(snapshot):
    at = delivery_data.open_clean(PAGE, "en", snapshot)
    assert at.title[0].value == "PMO scorecard"
    assert at.selectbox(key="sc.year").value == 2026
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Project success rate": "40.0%", "On-time rate": "60.0%", "On-budget rate": "60.0%",
                       "Benefits realisation rate": "57.8%"}
    captions = [c.value for c in at.caption]
    assert "target 60.0% · met · over 5 projects" in captions
    assert "target 50.0% · not met · over 5 projects" in captions
    assert any("at most budget x 1.10" in c for c in captions)  # the tolerances shown with the definitions
    table = at.dataframe[0].value
    assert list(table["Project"]) == ["A", "B", "C", "D", "G"]
    assert list(table["On time"]) == ["yes", "no", "no", "yes", "yes"]
    assert list(table["No report"]) == ["no", "no", "yes", "no", "no"]
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    on_time = next(trace for trace in chart["data"] if trace["name"] == "On-time rate")
    assert on_time["x"] == [2024, 2025, 2026] and on_time["y"][1:] == [1.0, 0.6]


def test_tolerance_changes_the_figures(snapshot):
    at = delivery_data.open_clean(PAGE, "en", snapshot)
    at.number_input(key="sc.late").set_value(0)
    rerun(at, snapshot)
    assert {m.label: m.value for m in at.metric}["On-time rate"] == "40.0%"


def test_a_year_without_completed_projects_chinese(snapshot):
    at = delivery_data.open_clean(PAGE, "zh", snapshot)
    at.selectbox(key="sc.year").set_value(2024)
    rerun(at, snapshot)
    assert at.title[0].value == "PMO 计分卡"
    assert [m.value for m in at.metric] == ["无"] * 4
    assert "本快照中没有在 2024 年完成的项目：各项指标均为“无”。" in [i.value for i in at.info]
    assert not at.dataframe


def test_a_snapshot_without_completed_work(db_file, monkeypatch):
    snapshot_id = bare_snapshot(db_file, "active")
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = delivery_data.open_clean(PAGE, "en", snapshot_id)
    assert [i.value for i in at.info] == ["This snapshot has no completed projects and no targets yet."]
