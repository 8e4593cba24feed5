"""Lessons learned: the contract file imported for real (GB18030, Chinese headers), full-text search
with DuckDB's fts extension in English and Chinese, filters, capture for completed projects only (with
its log entry and role check), deletion with the snapshot, and the Lessons page in both languages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.lessons import index_text, tag_list
from store import db, decision_log, snapshots
from store.contract import KINDS, kind_from_file_name
from store.errors import PermissionDenied
from store.importer import import_paths
from store.lessons import InvalidLesson, all_lessons, capture_lesson, search
from store.users import Actor
from tests.optimiser_pages_data import open_page, rerun

PROJECTS = ("project_id,name,category,department,status,start_month,duration_months,budget\n"
            "A,Alpha,IT,Ops,completed,2025-01,3,10\nB,Beta,HR,People,active,2025-01,3,10\n")
LESSONS_ZH = ("项目编号,记录日期,类别,经验教训,标签\r\n"
              "A,2025-04-01,vendor,Vendor delays hit the data migrations,vendor; migration\r\n"
              "A,2025-04-02,测试,测试开始太晚，供应商延期交付,测试；供应商\r\n"
              "B,2025-05-01,people,Hire testers early,staffing\r\n")


@pytest.fixture
def imported(tmp_path: Path, db_file: Path) -> int:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "projects.csv").write_text(PROJECTS, encoding="utf-8")
    (folder / "经验教训.csv").write_bytes(LESSONS_ZH.encode("gb18030"))
    con = db.connect(db_file)
    report = import_paths(con, [folder], label="lessons", as_of=dt.date(2025, 6, 30))
    con.close()
    db.close_shared(db_file)
    assert report.snapshot_id is not None, report.problems
    return report.snapshot_id


@given(st.text())
def test_tags_never_keep_separators_and_read_back_the_same(text):
    tags = tag_list(text)
    assert all(t and t == t.strip() and not set(t) & set(";；,，、|") for t in tags)
    assert tag_list("; ".join(tags)) == tags


def test_tags_and_index_text_by_hand():
    assert tag_list(" vendor; 数据迁移，testing、vendor ") == ("vendor", "数据迁移", "testing")
    assert tag_list(None) == () and tag_list(float("nan")) == ()
    assert index_text("供应商延期 Vendor") == " 供应 应商 商延 延期  vendor"


def test_the_kind_is_optional_and_recognised():
    assert [c.name for c in KINDS["lessons"].columns] == ["project_id", "recorded_on", "category", "lesson", "tags"]
    assert kind_from_file_name("经验教训.csv") == kind_from_file_name("lessons.csv") == "lessons"


def test_search_ranks_english_stems_and_chinese_pairs(db_file, imported):
    con = db.connect(db_file)
    assert search(con, "migration")["lesson"].tolist() == ["Vendor delays hit the data migrations"]
    assert search(con, "供应商")["lesson"].tolist() == ["测试开始太晚，供应商延期交付"]
    assert search(con, "nothing like it").empty
    assert len(search(con, "")) == 3 and search(con, "")["score"].isna().all()
    assert search(con, "", tags=["staffing"])["project_id"].tolist() == ["B"]
    assert search(con, "", project_categories=["IT"], categories=["测试"])["lesson"].tolist() == ["测试开始太晚，供应商延期交付"]
    assert search(con, "", departments=["People"], statuses=["active"])["project_id"].tolist() == ["B"]
    con.close()


def test_capture_only_for_completed_projects_with_a_log_entry(db_file, imported):
    con = db.connect(db_file)
    capture_lesson(con, snapshot_id=imported, project_id="A", lesson=" Rehearse the cut-over ", tags="cutover，migration",
                   recorded_on=dt.date(2025, 7, 1))
    row = all_lessons(con).query("source == 'app'").iloc[0]
    assert (row["lesson"], row["tags"], row["project_category"]) == ("Rehearse the cut-over", "cutover; migration", "IT")
    assert decision_log.entries(con, actions=["lesson_capture"])["summary"].tolist() == ["A"]
    with pytest.raises(InvalidLesson) as caught:
        capture_lesson(con, snapshot_id=imported, project_id="B", lesson="too early")
    assert caught.value.key == "lessons.error.not_completed"
    with pytest.raises(InvalidLesson):
        capture_lesson(con, snapshot_id=imported, project_id="A", lesson="   ")
    with pytest.raises(PermissionDenied):
        capture_lesson(con, snapshot_id=imported, project_id="A", lesson="x", actor=Actor("v@x", "V", "viewer"))
    snapshots.delete_snapshot(con, imported)
    assert con.execute("SELECT (SELECT count(*) FROM lessons) + (SELECT count(*) FROM captured_lessons)").fetchone() == (0,)
    con.close()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_lessons_page_searches_filters_and_captures(monkeypatch, db_file, imported, language):
    at = open_page(monkeypatch, db_file, "views/lessons.py", language, imported)
    assert len(at.dataframe[0].value) == 3
    at.text_input(key="lessons.query").set_value("供应商")
    rerun(at)
    table = at.dataframe[0].value
    assert table.iloc[:, 5].tolist() == ["测试开始太晚，供应商延期交付"]
    at.text_input(key="lessons.query").set_value("")
    at.multiselect(key="lessons.tags").set_value(["staffing"])
    rerun(at)
    assert at.dataframe[0].value.iloc[:, 0].tolist() == ["B"]
    at.multiselect(key="lessons.tags").set_value([])
    at.text_area(key="lessons.capture.lesson").set_value("Freeze scope before testing")
    at.text_input(key="lessons.capture.tags").set_value("scope")
    next(b for b in at.button if "FormSubmitter" in str(b.proto.id)).click()   # the form's save button
    rerun(at)
    assert len(at.dataframe[0].value) == 4
    assert "Freeze scope before testing" in at.dataframe[0].value.iloc[:, 5].tolist()
