"""Decision log page (决策记录): filters, both languages, append-only listing, safe exports."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from analytics.selection_types import SelectionParams
from store import db, decision_log, scenarios
from store.users import local_actor
from tests import report_helpers as h

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def prepared(db_file):
    """import (snapshot), scenario_save, recommend, optimize, and one hostile summary."""
    con = db.connect(db_file)
    snapshot_id = h.make_snapshot(con)
    scenario_id = h.make_scenario(con, snapshot_id)
    scenarios.log_solve(con, snapshot_id=snapshot_id, params=SelectionParams(horizon_start="2026-01"), result=h.result(),
                        actor="李分析")
    decision_log.append(con, "weights_save", actor="=cmd", snapshot_id=snapshot_id, summary=h.INJECTION,
                        details={"weight_set_id": 9})
    con.close()
    return db_file, snapshot_id, scenario_id


def _open(monkeypatch, db_file, language: str, snapshot_id: int | None) -> AppTest:
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = language
    at.switch_page("views/decision_log.py")
    return _run(at, snapshot_id)


def _run(at: AppTest, snapshot_id: int | None) -> AppTest:
    at.session_state["snapshot_id"] = snapshot_id
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("language", "title", "actions"),
    [
        ("en", "Decision log", ["Weight set saved", "Optimiser run", "Recommendation", "Scenario saved", "Data imported"]),
        ("zh", "决策记录", ["保存权重方案", "组合优化求解", "推荐情景", "保存情景", "导入数据"]),
    ],
)
def test_every_entry_newest_first_in_both_languages(monkeypatch, prepared, language, title, actions):
    db_file, snapshot_id, _ = prepared
    at = _open(monkeypatch, db_file, language, snapshot_id)
    assert at.title[0].value == title
    table = at.dataframe[0].value
    assert list(table.iloc[:, 3]) == actions
    assert list(table.iloc[:, 0]) == [5, 4, 3, 2, 1]
    assert list(table.iloc[:, 2])[1:4] == ["李分析", "王经理", "王经理"]
    assert set(table.iloc[:, 4]) == {f"2026 年 1 月快照 (#{snapshot_id})"}
    # Details in the reader's language (they were raw English JSON): a label per recorded field.
    assert table.iloc[0, 6] == ("Weight set: #9" if language == "en" else "权重方案：#9")
    assert len(at.get("download_button")) == 2


def test_filters_by_action_text_snapshot_and_dates(monkeypatch, prepared):
    db_file, snapshot_id, scenario_id = prepared
    at = _open(monkeypatch, db_file, "en", snapshot_id)
    # AppTest matches a multiselect value against the displayed labels (it cannot call format_func)
    at.multiselect(key="log.actions").set_value(["Recommendation", "Scenario saved"])
    _run(at, snapshot_id)
    assert list(at.dataframe[0].value.iloc[:, 3]) == ["Recommendation", "Scenario saved"]
    at.multiselect(key="log.actions").set_value([])
    at.text_input(key="log.text").set_value("价值最高")   # the rationale, inside the details
    _run(at, snapshot_id)
    assert list(at.dataframe[0].value.iloc[:, 3]) == ["Recommendation"]
    at.text_input(key="log.text").set_value("")
    at.date_input(key="log.since").set_value(dt.date.today() + dt.timedelta(days=1))
    _run(at, snapshot_id)
    assert not at.dataframe and at.info[0].value == "No entries match these filters."
    at.date_input(key="log.since").set_value(dt.date.today())
    at.date_input(key="log.until").set_value(dt.date.today())
    at.selectbox(key="log.snapshot").set_value(snapshot_id)
    _run(at, snapshot_id)
    assert len(at.dataframe[0].value) == 5
    at.date_input(key="log.until").set_value(dt.date.today() - dt.timedelta(days=2))
    _run(at, snapshot_id)
    assert at.warning[0].value == "The start date is after the end date."


def test_exports_are_the_filtered_table_and_safe(monkeypatch, prepared, downloads):
    db_file, snapshot_id, _ = prepared
    at = _open(monkeypatch, db_file, "zh", snapshot_id)
    at.multiselect(key="log.actions").set_value(["保存权重方案"])
    _run(at, snapshot_id)
    today = dt.date.today().isoformat()
    rows = list(csv.reader(io.StringIO(downloads[f"决策记录_{today}.csv"].decode("utf-8-sig"))))
    assert rows[0] == ["序号", "时间", "操作人", "操作", "数据快照", "摘要", "详情"]
    assert len(rows) == 2 and rows[1][2:4] == ["'=cmd", "保存权重方案"] and rows[1][5] == "'" + h.INJECTION
    ws = load_workbook(io.BytesIO(downloads[f"决策记录_{today}.xlsx"])).active
    assert ws.title == "决策记录" and ws.freeze_panes == "A2"
    assert [ws["C2"].value, ws["F2"].value, ws["A2"].value] == ["=cmd", h.INJECTION, 5]
    assert ws["C2"].data_type == ws["F2"].data_type == "s" and ws["C2"].quotePrefix and ws["F2"].quotePrefix
    assert isinstance(ws["B2"].value, dt.datetime) and ws["B2"].number_format == "yyyy-mm-dd hh:mm:ss"


def test_a_deleted_snapshot_is_named_as_deleted(monkeypatch, db_file):
    con = db.connect(db_file)
    from store import snapshots

    snapshot_id = h.make_snapshot(con)
    snapshots.delete_snapshot(con, snapshot_id, actor="管理员")
    con.close()
    at = _open(monkeypatch, db_file, "zh", None)
    table = at.dataframe[0].value
    assert list(table.iloc[:, 3]) == ["删除快照", "导入数据"]
    assert list(table.iloc[:, 4]) == [f"#{snapshot_id}（已删除）"] * 2


def test_an_empty_log(monkeypatch, db_file):
    db.connect(db_file).close()
    at = _open(monkeypatch, db_file, "zh", None)
    assert at.main.info[-1].value == "没有符合筛选条件的记录。" and not at.dataframe


@pytest.fixture
def unsigned(db_file):
    """An import and a weight set saved with no name set (actor None / ""), then a signed solve.

    Since issue 16 the store signs those as the local user; only a log written before it can hold an
    unsigned entry, which the weight set's entry here stands for (its name removed by SQL)."""
    from store import weights
    from store.importer import import_paths

    con = db.connect(db_file)
    snapshot_id = import_paths(con, [Path(__file__).resolve().parent / "resources" / "valid"], label="2026-03").snapshot_id
    weights.save_weight_set(con, snapshot_id=snapshot_id, name="董事会", method="direct",
                            weights={"O1": 0.5, "O2": 0.3, "O3": 0.2}, actor="")
    scenarios.log_solve(con, snapshot_id=snapshot_id, params=SelectionParams(horizon_start="2026-01"),
                        result=dataclasses.replace(h.result(), objective=1360.6), actor="李分析")
    con.execute("UPDATE decision_log SET actor = NULL WHERE action = 'weights_save'")  # as before issue 16
    con.close()
    return db_file, snapshot_id


SHOWN = {
    "en": (["李分析", "(not signed)", local_actor().name],
           ["Optimal: strategic value 1,360.6, gap 0.00%, solver HiGHS",
            "Weight set #1 “董事会” saved: direct weights, 3 objectives",
            "“2026-03”: 8 files, 48 rows"]),
    "zh": (["李分析", "（未署名）", local_actor().name],
           ["最优：战略价值 1,360.6，间隙 0.00%，求解器 HiGHS",
            "权重方案 #1“董事会”已保存：直接赋权，3 个目标",
            "“2026-03”：8 个文件，共 48 行"]),
}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_summaries_and_unsigned_entries_read_in_the_users_language(monkeypatch, unsigned, downloads, language):
    db_file, snapshot_id = unsigned
    at = _open(monkeypatch, db_file, language, snapshot_id)
    table = at.dataframe[0].value
    actors, summaries = SHOWN[language]
    assert list(table.iloc[:, 2]) == actors
    assert list(table.iloc[:, 5]) == summaries
    today = dt.date.today().isoformat()
    prefix = {"en": "Decision log", "zh": "决策记录"}[language]
    rows = list(csv.reader(io.StringIO(downloads[f"{prefix}_{today}.csv"].decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == actors and [r[5] for r in rows[1:]] == summaries
    ws = load_workbook(io.BytesIO(downloads[f"{prefix}_{today}.xlsx"])).active
    assert [ws.cell(row=i, column=3).value for i in (2, 3, 4)] == actors
    assert [ws.cell(row=i, column=6).value for i in (2, 3, 4)] == summaries


@pytest.mark.parametrize(("language", "text"), [("zh", "最优"), ("zh", "直接赋权"), ("en", "direct weights"), ("en", "highs")])
def test_search_finds_the_words_the_reader_sees(monkeypatch, unsigned, language, text):
    db_file, snapshot_id = unsigned
    at = _open(monkeypatch, db_file, language, snapshot_id)
    at.text_input(key="log.text").set_value(text)
    _run(at, snapshot_id)
    expected = {"最优": 0, "直接赋权": 1, "direct weights": 1, "highs": 0}[text]
    assert list(at.dataframe[0].value.iloc[:, 5]) == [SHOWN[language][1][expected]]
