"""AppTest of the delivery page (交付健康) in both languages, on the two-snapshot portfolio."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import delivery_data
from tests.delivery_data import bare_snapshot, rerun

PAGE = "views/delivery.py"


@pytest.fixture
def snapshot(delivery_snapshot) -> int:
    return delivery_snapshot


def _open(lang: str, snapshot_id: int) -> AppTest:
    return delivery_data.open_clean(PAGE, lang, snapshot_id)


def _table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table showing all these columns (dataframes cannot be found by key in AppTest)."""
    for frame in at.dataframe:
        if set(columns) <= set(frame.value.columns):
            return frame.value
    raise AssertionError(f"no table with {columns}")


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_english(snapshot):
    at = _open("en", snapshot)
    assert at.title[0].value == "Delivery health"
    metrics = _metrics(at)
    assert metrics["CPI"] == ("0.97", "-0.02")          # 232/240 against 198/201
    assert metrics["Earned value (EV)"] == ("232.0", "+34.0")
    assert metrics["Budget at completion (BAC)"][0] == "530.0"
    # EAC counts completed P4 and P5 at their actual cost (130 + 25) and forecasts only the work in
    # flight (P1-P3: AC 85 + (380 - 82) / (82 / 85)); TCPI is the in-flight work's: 298 / 295. The
    # previous snapshot (P4, P5 as now; P1, P2 AC 46, EV 48, BAC 170) by the same rule: 155 + 46 + 122 / (48 / 46).
    assert metrics["EAC"] == ("548.9", "+231.0")
    assert metrics["TCPI"][0] == "1.01"
    assert metrics["Milestone hit rate"] == ("80%", "-20 pp")
    # In flight: P1 critical, P3 watch (no report), P2 healthy; completed P4/P5 are not counted.
    assert (metrics["Critical (in flight)"][0], metrics["Watch (in flight)"][0], metrics["Healthy (in flight)"][0]) == ("1", "1", "1")
    exceptions = _table(at, "Project", "Reasons", "Budget")
    assert list(exceptions["Project"]) == ["P1", "P3"]
    assert exceptions["Reasons"].iloc[0] == (
        "SPI 0.80 below 0.85; RAG amber; CPI 0.89 below 0.95; 1 milestone(s) missed in the last 3 reports"
    )
    assert (exceptions["CPI"].iloc[0], exceptions["SPI"].iloc[0]) == (0.89, 0.8)     # 40/45 and 40/50
    assert exceptions["Reasons"].iloc[1] == "no status report"
    moves = _table(at, "Was", "Now")
    assert list(moves["Was"]) == ["Watch"] and list(moves["Now"]) == ["Critical"]
    assert any("changed budget, 10.0 万元" in c.value for c in at.caption)
    benefits = _table(at, "Realisation")
    assert list(benefits["Realisation"]) == ["80%", "120%"]


def test_chinese(snapshot):
    at = _open("zh", snapshot)
    assert at.title[0].value == "交付健康"
    metrics = _metrics(at)
    assert metrics["成本绩效指数 CPI"][0] == "0.97"
    assert metrics["里程碑按期率"] == ("80%", "-20 个百分点")
    exceptions = _table(at, "健康状况", "原因", "预算")
    assert list(exceptions["健康状况"]) == ["严重", "关注"]
    assert exceptions["原因"].iloc[1] == "没有状态报告"
    assert "状态灯为黄；" in exceptions["原因"].iloc[0]


def test_drill_down_and_eac_method(snapshot):
    at = _open("en", snapshot)
    at.selectbox(key="dv.project").set_value("P2")
    at.selectbox(key="dv.eac").set_value("budget")
    rerun(at, snapshot)
    assert not at.error
    assert _metrics(at)["EAC"][0] == "538.0"            # 240 + 530 - 232
    history = _table(at, "Report date", "EV")
    assert list(history["EV"]) == [20.0, 42.0]
    assert "Health: **Healthy**" in " ".join(m.value for m in at.markdown)


def test_inconsistent_thresholds_show_a_translated_error(snapshot):
    at = _open("en", snapshot)
    at.number_input(key="dv.cpi_c").set_value(1.5)
    rerun(at, snapshot)
    assert "critical level must be stricter" in at.error[0].value


def test_snapshot_without_reports(db_file, monkeypatch):
    sid = bare_snapshot(db_file, "proposed")
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = _open("zh", sid)
    assert at.info[0].value == "本快照中没有处于交付阶段的项目，也没有状态报告。"


def _has_table(at: AppTest, *columns: str) -> bool:
    return any(set(columns) <= set(frame.value.columns) for frame in at.dataframe)


def test_above_the_lazy_threshold_only_the_open_tab_is_computed(snapshot, monkeypatch):
    from ui import perf

    at = _open("en", snapshot)  # 5 projects, below the threshold: every tab's content at once
    assert _has_table(at, "Project", "Reasons", "Budget") and _has_table(at, "Was", "Now")
    monkeypatch.setattr(perf, "LAZY_TABS_ABOVE", 4)
    at = rerun(at, snapshot)
    assert [tab.label for tab in at.tabs] == ["Health", "Trends", "Project drill-down", "Benefits"]
    assert _has_table(at, "Project", "Reasons", "Budget")       # the open tab: the exceptions
    assert not _has_table(at, "Was", "Now")                     # Trends: not computed while hidden
    at.session_state["dv.tab"] = "Trends"                       # what a click on the tab sets
    at = rerun(at, snapshot)
    assert _has_table(at, "Was", "Now")
    assert not _has_table(at, "Project", "Reasons", "Budget")
    at.session_state["lang"] = "zh"                             # the other language's labels: the first tab again
    at = rerun(at, snapshot)
    assert _has_table(at, "项目", "原因", "预算") and not _has_table(at, "上期", "本期")
