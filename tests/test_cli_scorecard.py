"""`python cli.py scorecard`: the JSON figures of tests/scorecard_data.py, the text in both languages, refusals."""

from __future__ import annotations

import json

import pytest

import cli
from store import db
from tests import scorecard_data


@pytest.fixture
def path(db_file):
    con = db.connect(db_file)
    try:
        scorecard_data.write(con)
    finally:
        con.close()
    return db_file


def test_json_figures_targets_and_projects(path, capsys):
    assert cli.main(["scorecard", "--db", str(path), "--year", "2026", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["project_success_rate", "on_time_rate", "on_budget_rate", "benefits_realisation_rate"]
    assert report["on_time_rate"] == {"actual": pytest.approx(0.6), "target": pytest.approx(0.6), "met": True,
                                      "projects": ["A", "B", "C", "D", "G"], "hits": ["A", "D", "G"]}
    assert report["project_success_rate"]["actual"] == pytest.approx(0.4) and report["project_success_rate"]["met"] is False
    assert report["benefits_realisation_rate"]["actual"] == pytest.approx(259.99 / 450)
    assert report["on_budget_rate"]["target"] is None and report["on_budget_rate"]["met"] is None


def test_a_year_without_completed_projects_is_null(path, capsys):
    assert cli.main(["scorecard", "--db", str(path), "--year", "2024", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [f["actual"] for f in report.values()] == [None] * 4
    assert report["on_time_rate"]["target"] == pytest.approx(0.9)


def test_tolerances_as_options(path, capsys):
    assert cli.main(["scorecard", "--db", str(path), "--year", "2026", "--late-months", "0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["on_time_rate"]["hits"] == ["D", "G"]


def test_text_in_both_languages(path, capsys):
    assert cli.main(["scorecard", "--db", str(path), "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "On-time rate: 60.0% · target 60.0% · met (5 projects)" in out
    assert "On-budget rate: 60.0% · no target · — (5 projects)" in out
    assert cli.main(["scorecard", "--db", str(path), "--year", "2024", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "按期完成率：无 · 目标 90.0% · —（0 个项目）" in out


def test_refusals(path, tmp_path, capsys):
    assert cli.main(["scorecard", "--db", str(tmp_path / "none.duckdb"), "--year", "2026"]) == 2
    assert cli.main(["scorecard", "--db", str(path), "--year", "2026", "--snapshot", "99"]) == 2
    assert "99" in capsys.readouterr().err
    assert cli.main(["scorecard", "--db", str(path), "--year", "2026", "--benefit-threshold", "2"]) == 2
    assert "benefit share" in capsys.readouterr().err
