"""The four pages the PMO's registers feed show data on a fresh `make run` (the bundled sample), in both languages:
Business cases (cash flows), Lessons, Scorecard (targets) and Change control (change requests)."""

from __future__ import annotations

import pytest

from tests.optimiser_pages_data import open_page

LANGUAGES = ["en", "zh"]


def _table(at, column: str):
    """The first table with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize("language", LANGUAGES)
def test_business_cases_use_the_samples_cash_flows(monkeypatch, sample_path, language):
    at = open_page(monkeypatch, *sample_path[:1], "views/cases.py", language, sample_path[1])
    source, from_file = ("Flows from", "cash flows file") if language == "en" else ("现金流来源", "现金流文件")
    cases = _table(at, source)
    assert len(cases) == 60 and (cases[source] == from_file).sum() == 8
    assert not [i.value for i in at.info if "Hybrid" in i.value or "混合云" in i.value]


@pytest.mark.parametrize("language", LANGUAGES)
def test_lessons_list_every_closed_projects_lesson(monkeypatch, sample_path, language):
    at = open_page(monkeypatch, *sample_path[:1], "views/lessons.py", language, sample_path[1])
    lessons = _table(at, "Lesson" if language == "en" else "经验教训")
    assert len(lessons) == 13
    assert lessons[lessons.columns[5]].str.contains("。").all()  # written in Chinese, with its English after
    assert "PRJ-2025-004" in set(lessons.iloc[:, 0])  # completed in the as-of month: two lessons
    assert (lessons.iloc[:, 0] == "PRJ-2025-004").sum() == 2


def test_scorecard_has_targets_to_meet(monkeypatch, sample_path):
    at = open_page(monkeypatch, *sample_path[:1], "views/scorecard.py", "en", sample_path[1])
    assert at.selectbox(key="sc.year").value == 2026
    assert {m.label: m.value for m in at.metric} == {
        "Project success rate": "0.0%", "On-time rate": "33.3%", "On-budget rate": "66.7%",
        "Benefits realisation rate": "73.9%"}
    assert "target 75.0% · not met · over 3 projects" in [c.value for c in at.caption]
    at.selectbox(key="sc.year").set_value(2025)
    at.run()
    assert not at.exception
    assert "target 80.0% · met · over 4 projects" in [c.value for c in at.caption]  # benefits 81.3 %


def test_scorecard_in_chinese(monkeypatch, sample_path):
    at = open_page(monkeypatch, *sample_path[:1], "views/scorecard.py", "zh", sample_path[1])
    assert [m.value for m in at.metric] == ["0.0%", "33.3%", "66.7%", "73.9%"]
    assert not at.info


@pytest.mark.parametrize("language", LANGUAGES)
def test_change_control_shows_the_register(monkeypatch, sample_path, language):
    at = open_page(monkeypatch, *sample_path[:1], "views/changes.py", language, sample_path[1])
    register = _table(at, "Request" if language == "en" else "变更编号")
    assert len(register) == 7
    assert register.iloc[:, 0].str.startswith("CR-2026-").all()
