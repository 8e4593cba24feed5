"""Errors that count right (issue 15): exact totals per problem and overall, the first 100 listed,
every one in the full list (spilled to a temporary file), in the CLI and its --problems file."""

from __future__ import annotations

import csv
import io
import tracemalloc
from pathlib import Path

import numpy as np

import cli
from store.import_checks import Collector
from store.import_problems import ProblemSpill, spilled, unlink
from store.import_types import Problem
from store.importer import MAX_ROWS_PER_PROBLEM, check_files, problem_text

BAD, GOOD = 2_503, 37
HEAD = "project_id,name,status,start_month,duration_months,budget\n"
BAD_MONTH = problem_text(Problem(None, None, None, None, "bad_month"), "en")


def projects_csv() -> bytes:
    """2,540 completed projects (no open-project warnings); 2,503 with the same bad month, 3 with a bad budget."""
    rows = [f"P{i},N,completed,2026-13,6,1\n" for i in range(BAD)]
    rows += [f"Q{i},N,completed,2026-01,6,{'x' if i < 3 else 1}\n" for i in range(GOOD)]
    return (HEAD + "".join(rows)).encode()


def test_totals_are_exact_and_the_list_is_capped_per_problem():
    report = check_files([("projects.csv", projects_csv())])
    assert report.error_total == BAD + 3 and report.rows_refused == BAD + 3 and report.warning_total == 0
    groups = {(g.column, g.code): (g.total, g.shown) for g in report.groups}
    assert groups == {("start_month", "bad_month"): (BAD, MAX_ROWS_PER_PROBLEM), ("budget", "bad_number"): (3, 3)}
    listed = [p for p in report.problems if p.code == "bad_month"]
    assert len(listed) == 100 and [p.row for p in listed[:2]] == [2, 3]
    more = [p for p in report.problems if p.code == "more_rows"]
    assert [(m.column, m.params["count"]) for m in more] == [("start_month", BAD - 100)]
    every = [p for p in report.all_problems() if p.code == "bad_month"]
    assert sorted(p.row for p in every) == list(range(2, BAD + 2)) and {p.value for p in every} == {"2026-13"}
    unlink(report.spill)


def test_cli_prints_exact_totals_and_writes_the_full_list(db_file, tmp_path, capsys):
    source = tmp_path / "projects.csv"
    source.write_bytes(projects_csv())
    problems = tmp_path / "problems.csv"
    status = cli.main(["import", "--db", str(db_file), "--label", "x", "--problems", str(problems), str(source)])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert err[-4:] == [
        f"The full problem list ({BAD + 3:,} lines) is in {problems}.",
        f"  2,503 × projects.csv start_month: {BAD_MONTH}",
        "  3 × projects.csv budget: Expected a number, such as 1200, 1,200 or 12.5.",
        "Refused: 2,506 errors in 2,506 rows, 0 warnings. Nothing was written.",
    ]
    assert f"Error projects.csv: start_month — …and 2403 more rows with the same problem: {BAD_MONTH}" in err
    rows = list(csv.reader(io.StringIO(problems.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 + BAD + 3 and sum(r[3] == "start_month" for r in rows) == BAD


def test_cli_totals_in_chinese(db_file, tmp_path, capsys):
    source = tmp_path / "projects.csv"
    source.write_bytes(projects_csv())
    assert cli.main(["import", "--db", str(db_file), "--label", "x", "--lang", "zh", str(source)]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == "已拒绝：2,506 行中有 2,506 个错误，另有 0 条警告。未写入任何数据。"


def test_many_bad_rows_keep_100_in_memory_and_spill_the_rest():
    rows = np.arange(2, 250_002, dtype=np.int64)
    collector = Collector(100, ProblemSpill())
    tracemalloc.start()
    collector.emit("big.csv", rows, "budget", "bad_number", "error", {},
                   lambda part: ["abc"] * len(range(*part.indices(len(rows)))))
    listed, groups, spill = collector.finish()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [(g.total, g.shown) for g in groups] == [(250_000, 100)]
    assert len(listed) == 101 and listed[-1].params["count"] == 249_900
    assert peak < 8 * 2**20  # one chunk of values at a time, not 250,000 problems (over 100 MB)
    assert sum(1 for _ in spilled(spill)) == 249_900
    assert Path(spill.path).is_file()
    unlink(spill)
    assert not Path(spill.path).exists()


def test_cli_json_carries_the_exact_totals(db_file, tmp_path, capsys):
    import json

    source = tmp_path / "projects.csv"
    source.write_bytes(projects_csv())
    assert cli.main(["import", "--check", "--json", "--db", str(db_file), str(source)]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["totals"] == {"errors": BAD + 3, "warnings": 0, "rows_refused": BAD + 3}
    assert {(g["column"], g["code"], g["total"], g["shown"]) for g in report["groups"]} == {
        ("start_month", "bad_month", BAD, 100), ("budget", "bad_number", 3, 3)}
    assert report["partial"]["possible"] and report["partial"]["kept"] == {"projects": GOOD - 3}
