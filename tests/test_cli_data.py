"""`python cli.py import | snapshots | sample` through cli.main, on real DuckDB files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import cli
from store import db, snapshots

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = Path(__file__).resolve().parent / "resources"
VALID = RESOURCES / "valid"


def _count(db_file: Path) -> int:
    con = db.connect(db_file)
    try:
        return snapshots.snapshot_count(con)
    finally:
        con.close()


def test_import_prints_the_new_id(db_file, capsys):
    status = cli.main(["import", "--db", str(db_file), "--label", "March", str(VALID)])
    out, err = capsys.readouterr()
    assert status == 0
    assert out.strip() == "1"
    assert err.strip() == "Imported snapshot 1: 48 rows from 8 files."
    assert _count(db_file) == 1


def test_refused_import_prints_every_problem_and_exits_2(db_file, capsys):
    status = cli.main(["import", "--db", str(db_file), "--label", "bad", "--as-of", "2026-03-31", "--lang", "zh",
                       str(RESOURCES / "every_error")])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert status == 2 and out == ""
    assert len(lines) == 48 + 2 + 1  # every problem, the two problems of several rows with their totals, the summary
    assert lines[-3:] == [
        "  3 × projects.csv project_id：未结束的项目没有人力需求行：优化时将视为不需要人力。",
        "  3 × projects.csv project_id：未结束的项目没有战略评分：其战略价值将为 0。",
        "已拒绝：19 行中有 33 个错误，另有 15 条警告。未写入任何数据。",
    ]
    assert '错误 projects.csv:4: budget "abc" — 应为数字，例如 1200、1,200 或 12.5。' in lines
    assert _count(db_file) == 0


def test_duplicate_import_exits_2_and_names_the_snapshot(db_file, capsys):
    assert cli.main(["import", "--db", str(db_file), "--label", "a", str(VALID)]) == 0
    capsys.readouterr()
    assert cli.main(["import", "--db", str(db_file), "--label", "b", str(RESOURCES / "valid_bundle.zip")]) == 2
    _, err = capsys.readouterr()
    assert "These files were imported before, as snapshot 1. Nothing was added." in err
    assert _count(db_file) == 1


def test_check_writes_nothing(db_file, capsys):
    assert cli.main(["import", "--check", "--db", str(db_file), str(RESOURCES / "gbk_projects.csv")]) == 0
    _, err = capsys.readouterr()
    # Without demand and scores files, each of the 4 open projects has neither (issue 15: warned all the same).
    lines = err.strip().splitlines()
    assert lines[-1] == "Check passed: 6 rows in 1 files, 8 warnings. Nothing was written (--check)."
    assert sorted({line.rsplit("— ", 1)[1] for line in lines[:-1]}) == [
        "Open project without demand rows: the optimiser will assume it needs no people.",
        "Open project without strategic scores: its strategic value will be 0.",
    ]
    assert _count(db_file) == 0


def test_json_report(db_file, capsys):
    assert cli.main(["import", "--db", str(db_file), "--label", "j", "--json", str(RESOURCES / "valid_bundle.zip")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["snapshot_id"] == 1 and report["as_of"] == "2026-03-31"
    assert report["problems"] == [{
        "file": "valid_bundle.zip", "row": None, "column": None, "value": "march/README.md",
        "code": "skipped_member", "params": {}, "severity": "warning", "text": "Not a CSV file; skipped.",
    }]
    # every kind but the optional spend profile, cash flows and lessons, which the bundle does not have
    assert {f["kind"] for f in report["files"]} == set(snapshots.DATA_TABLES) - {"spend_profile", "cash_flows", "lessons"}


def test_bad_arguments_exit_2(db_file, capsys):
    assert cli.main(["import", "--db", str(db_file), "--label", "x", "--as-of", "31/03/2026", str(VALID)]) == 2
    assert cli.main(["import", "--db", str(db_file), str(VALID)]) == 2  # no label
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        "--as-of must be a date such as 2026-03-31, not 31/03/2026.",
        "The snapshot needs a label.",
    ]


def test_snapshots_listing_and_json(db_file, capsys):
    cli.main(["import", "--db", str(db_file), "--label", "March", str(VALID)])
    capsys.readouterr()
    assert cli.main(["snapshots", "--db", str(db_file)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        "snapshot_id  as_of  projects  objectives  project_scores  capacity  demand  status_reports  maturity  process_kpis"
        "  spend_profile  cash_flows  lessons  label",
        "1  2026-03-31  4  3  12  9  9  4  3  4  0  0  0  March",
    ]
    assert cli.main(["snapshots", "--db", str(db_file), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(s["snapshot_id"], s["label"], s["as_of"], s["projects"]) for s in listed] == [(1, "March", "2026-03-31", 4)]


def _bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "sample" / "01_2026-03"
    shutil.copytree(VALID, folder)
    (folder / "snapshot.json").write_text(
        json.dumps({"label": "示例 2026-03", "as_of": "2026-03-31", "currency_unit": "万元"}), encoding="utf-8"
    )
    return folder.parent


def test_sample_if_empty(db_file, tmp_path, capsys):
    bundle = _bundle(tmp_path)
    assert cli.main(["sample", "--db", str(db_file), "--if-empty", "--dir", str(bundle)]) == 0
    assert capsys.readouterr().out.strip() == "Loaded 1 sample snapshots: 1"
    assert cli.main(["sample", "--db", str(db_file), "--if-empty", "--dir", str(bundle), "--lang", "zh"]) == 0
    assert capsys.readouterr().err.strip() == "数据库中已有快照，未载入示例数据。"
    assert cli.main(["sample", "--db", str(db_file), "--dir", str(tmp_path / "none")]) == 0
    assert _count(db_file) == 1


def test_broken_sample_exits_2(db_file, tmp_path, capsys):
    bundle = _bundle(tmp_path)
    (bundle / "01_2026-03" / "demand.csv").write_text("project_id,role,month_offset,fte\nP404,Dev,0,1\n", encoding="utf-8")
    assert cli.main(["sample", "--db", str(db_file), "--dir", str(bundle)]) == 2
    err = capsys.readouterr().err
    assert 'Error 01_2026-03/demand.csv' not in err and 'demand.csv:2: project_id "P404"' in err
    assert err.strip().endswith("The sample folder 01_2026-03 has errors and was not imported.")
    assert _count(db_file) == 0


def test_runs_as_a_process(db_file):
    done = subprocess.run(
        [sys.executable, "cli.py", "import", "--db", str(db_file), "--label", "p", str(RESOURCES / "every_error")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert done.returncode == 2 and done.stdout == "" and "Refused: 33 errors in 19 rows, 14 warnings." in done.stderr  # no --as-of: no late report
