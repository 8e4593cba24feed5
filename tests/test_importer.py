"""The import pipeline end to end: real files in, a snapshot (or nothing) in a real DuckDB file."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from i18n import has_key
from store import decision_log, snapshots
from store.importer import (
    MAX_ROWS_PER_PROBLEM,
    ImportRefused,
    check_files,
    check_paths,
    import_files,
    import_paths,
    load_sample,
    problem_line,
    problem_text,
)

RESOURCES = Path(__file__).resolve().parent / "resources"
VALID = RESOURCES / "valid"
D = dt.date


def _counts(con) -> dict[str, int]:
    tables = (*snapshots.DATA_TABLES, "snapshots", "snapshot_files", "decision_log")
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_valid_folder_becomes_one_snapshot(con):
    report = import_paths(con, [VALID], label="2026-03", actor="analyst")
    assert report.ok and report.errors == () and report.warnings == ()
    sid = report.snapshot_id
    assert report.as_of == D(2026, 3, 31)  # latest status report date
    assert report.rows == {
        "capacity": 9, "demand": 9, "maturity": 3, "objectives": 3, "process_kpis": 4,
        "project_scores": 12, "projects": 4, "status_reports": 4,
    }
    snap = snapshots.get_snapshot(con, sid)
    assert (snap.label, snap.as_of, snap.imported_by, snap.currency_unit) == ("2026-03", D(2026, 3, 31), "analyst", "万元")
    projects = con.execute(
        "SELECT project_id, status, start_month, latest_start_month, duration_months, budget, mandatory, depends_on,"
        " exclusive_group FROM projects WHERE snapshot_id = ? ORDER BY project_id", [sid]
    ).fetchall()
    assert projects == [
        ("P001", "active", D(2026, 1, 1), None, 12, 1200.0, True, [], None),
        ("P002", "proposed", D(2026, 4, 1), D(2026, 6, 1), 6, 450.5, False, ["P001"], None),
        ("P003", "approved", D(2026, 3, 1), D(2026, 5, 1), 9, 800.0, False, ["P001", "P002"], "G1"),
        ("P004", "proposed", D(2026, 5, 1), D(2026, 8, 1), 4, 300.0, False, [], "G1"),
    ]
    status = con.execute(
        "SELECT report_date, earned_value, percent_complete, rag, forecast_finish, open_risks FROM status_reports"
        " WHERE snapshot_id = ? AND project_id = 'P001' ORDER BY report_date DESC LIMIT 1", [sid]
    ).fetchone()
    assert status == (D(2026, 3, 31), 240.0, 20.0, "amber", D(2027, 2, 28), 4)
    files = con.execute("SELECT file_name, kind, row_count, encoding FROM snapshot_files WHERE snapshot_id = ? ORDER BY 1", [sid]).fetchall()
    assert files[0] == ("capacity.csv", "capacity", 9, "utf-8") and len(files) == 8
    log = decision_log.entries(con, actions=["import"])
    assert list(log["snapshot_id"]) == [sid] and list(log["actor"]) == ["analyst"]


def test_gbk_file_with_chinese_headers_and_words(con):
    report = import_paths(con, [RESOURCES / "gbk_projects.csv"], label="gbk", as_of=D(2026, 3, 31))
    assert report.snapshot_id is not None, report.texts()
    info = report.files[0]
    assert (info.kind, info.encoding, info.separator, info.rows) == ("projects", "gb18030", "comma", 6)
    assert info.columns[7] == ("工期（月）", "duration_months")
    rows = con.execute(
        "SELECT project_id, name, status, start_month, latest_start_month, duration_months, budget, mandatory,"
        " depends_on, exclusive_group FROM projects ORDER BY project_id"
    ).fetchall()
    assert rows == [
        ("P101", "智慧园区一期", "active", D(2026, 1, 1), None, 12, 1200.0, True, [], None),
        ("P102", "供应链协同平台", "proposed", D(2026, 4, 1), D(2026, 6, 1), 6, 850.5, False, ["P101"], None),
        ("P103", "数据治理", "approved", D(2026, 3, 1), D(2026, 5, 1), 9, 2400.0, False, ["P101", "P102"], "甲组"),
        ("P104", "移动办公", "on_hold", D(2026, 5, 1), D(2026, 8, 1), 4, 300.0, False, [], "甲组"),
        ("P105", "财务共享中心", "completed", D(2025, 6, 1), None, 8, 960.0, False, [], None),
        ("P106", "老旧系统下线", "cancelled", D(2025, 9, 1), None, 3, 120.0, False, [], None),
    ]


def test_bom_semicolon_and_tab_files(con):
    report = check_files([(p.name, p.read_bytes()) for p in (
        RESOURCES / "bom_objectives.csv", RESOURCES / "semicolon_capacity.csv",
        RESOURCES / "tab_demand.csv", RESOURCES / "gbk_projects.csv",
    )])
    assert report.errors == () and report.duplicate_of is None
    shape = {f.name: (f.kind, f.encoding, f.separator, f.rows) for f in report.files}
    assert shape == {
        "bom_objectives.csv": ("objectives", "utf-8-sig", "comma", 3),
        "semicolon_capacity.csv": ("capacity", "utf-8", "semicolon", 4),
        "tab_demand.csv": ("demand", "utf-8", "tab", 3),
        "gbk_projects.csv": ("projects", "gb18030", "comma", 6),
    }
    # No status reports and no KPIs: the as-of date is left to the import (today).
    assert report.as_of is None
    sid = import_files(con, [(p.name, p.read_bytes()) for p in (
        RESOURCES / "bom_objectives.csv", RESOURCES / "semicolon_capacity.csv",
        RESOURCES / "tab_demand.csv", RESOURCES / "gbk_projects.csv",
    )], label="mix").snapshot_id
    assert snapshots.get_snapshot(con, sid).as_of == dt.date.today()
    assert con.execute("SELECT objective_id, weight FROM objectives ORDER BY 1").fetchall() == [
        ("O1", 0.4), ("O2", 0.35), ("O3", 0.25),
    ]
    assert con.execute("SELECT role, month, capacity_fte, hire_cost_per_fte_month FROM capacity ORDER BY 1, 2").fetchall() == [
        ("Analyst", D(2026, 3, 1), 2.0, 900.0), ("Analyst", D(2026, 4, 1), 2.5, 900.0),
        ("Developer", D(2026, 3, 1), 6.0, 1250.0), ("Developer", D(2026, 4, 1), 6.0, 1250.5),
    ]
    assert con.execute("SELECT project_id, role, month_offset, fte FROM demand ORDER BY 1, 3").fetchall() == [
        ("P101", "Developer", 0, 2.5), ("P101", "Analyst", 1, 1.0), ("P102", "Developer", 0, 3.0),
    ]


EVERY_ERROR = {
    ("capacity.csv", 3, "role", "duplicate_key", "error"),
    ("capacity.csv", 4, "capacity_fte", "below_minimum", "error"),
    ("capacity.csv", 5, "month", "month_from_date", "warning"),
    ("demand.csv", 3, "role", "role_without_capacity", "warning"),
    ("demand.csv", 4, "month_offset", "demand_after_end", "warning"),
    ("demand.csv", 5, "month_offset", "not_integer", "error"),
    ("demand.csv", 6, "project_id", "duplicate_key", "error"),
    ("demand.csv", 7, "project_id", "unknown_project", "error"),
    ("notes.csv", 1, None, "unknown_kind", "error"),
    ("objectives.csv", 1, "权重", "duplicate_column", "error"),
    ("objectives.csv", None, None, "weights_partial", "warning"),
    ("objectives.csv", 4, "objective_id", "objective_unscored", "warning"),
    ("project_scores.csv", 3, "objective_id", "unknown_objective", "error"),
    ("project_scores.csv", 4, "project_id", "unknown_project", "error"),
    ("project_scores.csv", 5, "project_id", "duplicate_key", "error"),
    ("project_scores.csv", 6, "score", "out_of_range", "error"),
    ("project_scores.csv", 7, "score", "bad_score", "error"),
    ("projects.csv", 1, "expected_benifit", "unknown_column", "warning"),
    ("projects.csv", 3, "name", "missing_value", "error"),
    ("projects.csv", 3, "latest_start_month", "latest_before_start", "error"),
    ("projects.csv", 4, "status", "bad_enum", "error"),
    ("projects.csv", 4, "start_month", "bad_month", "error"),
    ("projects.csv", 4, "duration_months", "not_integer", "error"),
    ("projects.csv", 4, "budget", "bad_number", "error"),
    ("projects.csv", 4, "risk_score", "out_of_range", "error"),
    ("projects.csv", 4, "mandatory", "bad_bool", "error"),
    ("projects.csv", 4, "depends_on", "unknown_dependency", "error"),
    ("projects.csv", 5, "project_id", "duplicate_id", "error"),
    ("projects.csv", 5, "budget", "below_minimum", "error"),
    ("projects.csv", 6, "budget", "percent_not_allowed", "error"),
    ("projects.csv", 6, "depends_on", "self_dependency", "error"),
    ("projects.csv", 6, "project_id", "no_demand", "warning"),
    ("projects.csv", 6, "project_id", "no_scores", "warning"),
    ("projects.csv", 7, "depends_on", "dependency_cycle", "error"),
    ("projects.csv", 7, "project_id", "no_demand", "warning"),
    ("projects.csv", 7, "project_id", "no_scores", "warning"),
    ("projects.csv", 8, "project_id", "no_demand", "warning"),
    ("projects.csv", 8, "project_id", "no_scores", "warning"),
    ("projects.csv", 9, None, "field_count", "error"),
    ("status_reports.csv", 1, None, "missing_column", "error"),
    ("status_reports.csv", 1, "remarks", "unknown_column_plain", "warning"),
    ("status_reports.csv", 2, "milestones_met", "milestones_met_exceed_due", "warning"),
    ("status_reports.csv", 3, "project_id", "duplicate_key", "error"),
    ("status_reports.csv", 4, "report_date", "bad_date", "error"),
    ("status_reports.csv", 4, "percent_complete", "out_of_range", "error"),
    ("status_reports.csv", 4, "rag", "bad_enum", "error"),
    ("status_reports.csv", 5, "project_id", "unknown_project", "error"),
    ("status_reports.csv", 6, "report_date", "report_after_as_of", "warning"),
}


def test_every_kind_of_error_at_once_and_nothing_written(con):
    import_paths(con, [VALID], label="before")
    before = _counts(con)
    report = import_paths(con, [RESOURCES / "every_error"], label="bad", as_of=D(2026, 3, 31))
    found = {(p.file, p.row, p.column, p.code, p.severity) for p in report.problems}
    assert found == EVERY_ERROR
    assert len(report.problems) == len(EVERY_ERROR)  # each reported once
    assert report.snapshot_id is None and not report.ok
    assert _counts(con) == before  # all-or-nothing: not a row, not a log entry
    # errors first, then by file and row
    severities = [p.severity for p in report.problems]
    assert severities == sorted(severities, key=lambda s: s != "error")
    row_four = [p.column for p in report.problems if p.file == "projects.csv" and p.row == 4]
    assert row_four == ["status", "start_month", "duration_months", "budget", "risk_score", "mandatory", "depends_on"]
    cycle = next(p for p in report.problems if p.code == "dependency_cycle")
    assert cycle.value == "P6 → P7 → P6"
    duplicate = next(p for p in report.problems if p.code == "duplicate_id")
    assert (duplicate.value, duplicate.params) == ("P1", {"first_row": 2, "key": "project_id"})
    hint = next(p for p in report.problems if p.code == "unknown_column")
    assert hint.params == {"column_name": "expected_benefit", "alias": "预期收益"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_problem_has_a_text_in_both_languages(lang):
    report = check_paths([RESOURCES / "every_error", RESOURCES / "tab_demand.csv", RESOURCES / "nothing.csv"],
                         as_of=D(2026, 3, 31), lang=lang)
    alone = check_paths([RESOURCES / "tab_demand.csv"], lang=lang)
    problems = [*report.problems, *alone.problems]
    assert {"needs_kind", "duplicate_kind", "no_such_file"} <= {p.code for p in problems}
    for problem in problems:
        assert has_key(lang, f"data.problem.{problem.code}")
        text = problem_text(problem, lang)
        assert "{" not in text and text.strip()
    needs = next(p for p in alone.problems if p.code == "needs_kind")
    assert problem_text(needs, "zh") == "该文件引用了“项目”，请同时导入“项目”文件。"
    assert problem_text(needs, "en") == "This file refers to Projects; import the Projects file together with it."


def test_problem_line_for_the_command_line():
    report = check_paths([RESOURCES / "every_error"], as_of=D(2026, 3, 31))
    bad_budget = next(p for p in report.problems if p.code == "bad_number")
    assert problem_line(bad_budget, "en") == 'Error projects.csv:4: budget "abc" — Expected a number, such as 1200, 1,200 or 12.5.'
    assert problem_line(bad_budget, "zh") == '错误 projects.csv:4: budget "abc" — 应为数字，例如 1200、1,200 或 12.5。'


def test_identical_files_are_a_duplicate_whatever_the_packaging(con):
    first = import_paths(con, [VALID], label="march")
    before = _counts(con)
    again = import_paths(con, [RESOURCES / "valid_bundle.zip"], label="march again")
    assert again.duplicate_of == first.snapshot_id and again.snapshot_id is None and not again.ok
    assert _counts(con) == before
    preview = check_files([(p.name, p.read_bytes()) for p in sorted(VALID.iterdir())], con=con)
    assert preview.duplicate_of == first.snapshot_id


def test_zip_import_reads_every_member(con):
    report = import_paths(con, [RESOURCES / "valid_bundle.zip"], label="zip")
    assert report.snapshot_id is not None
    assert sorted(f.name for f in report.files) == sorted(f"valid_bundle.zip/march/{p.name}" for p in VALID.iterdir())
    assert [(p.code, p.value) for p in report.problems] == [("skipped_member", "march/README.md")]


def test_as_of_defaults(con, tmp_path):
    kpis_only = tmp_path / "kpis"
    kpis_only.mkdir()
    shutil.copy(VALID / "process_kpis.csv", kpis_only)
    assert check_paths([kpis_only]).as_of == D(2026, 3, 31)  # last day of the latest KPI month
    assert check_paths([VALID], as_of=D(2026, 4, 30)).as_of == D(2026, 4, 30)


def test_refusals_without_files_or_label(con):
    assert [p.code for p in import_files(con, [], label="x").problems] == ["no_files"]
    report = import_paths(con, [VALID], label="  ")
    assert [p.code for p in report.errors] == ["missing_label"] and report.snapshot_id is None
    report = import_paths(con, [VALID], label="x", currency_unit=" ")
    assert [p.code for p in report.errors] == ["missing_currency_unit"]
    assert snapshots.snapshot_count(con) == 0


def test_two_files_of_one_kind_are_refused():
    data = (VALID / "objectives.csv").read_bytes()
    report = check_files([("objectives.csv", data), ("目标.csv", data.replace(b"0.4", b"0.5"))])
    assert [(p.file, p.code, p.params) for p in report.errors] == [
        ("目标.csv", "duplicate_kind", {"kind": "objectives", "other": "objectives.csv"}),
    ]


def test_unreadable_and_empty_files():
    report = check_files([("a.csv", b""), ("b.csv", b"\xff\xfe\xff\xff"), ("c.csv", b"  \r\n")])
    assert [(p.file, p.code) for p in report.errors] == [("a.csv", "empty_file"), ("b.csv", "encoding"), ("c.csv", "empty_file")]


def test_many_bad_rows_are_listed_up_to_a_limit_then_counted():
    rows = "".join(f"P{i},Name,active,2026-01,6,oops\n" for i in range(MAX_ROWS_PER_PROBLEM + 50))
    data = ("project_id,name,status,start_month,duration_months,budget\n" + rows).encode()
    report = check_files([("projects.csv", data)])
    bad = [p for p in report.problems if p.code == "bad_number"]
    assert len(bad) == MAX_ROWS_PER_PROBLEM and bad[0].row == 2
    more = [p for p in report.errors if p.code == "more_rows"]
    assert [(m.column, m.params["count"], m.params["inner"]) for m in more] == [("budget", 50, "bad_number")]
    assert report.problems.index(more[0]) == report.problems.index(bad[-1]) + 1  # right after the rows
    assert problem_text(more[0], "en") == (
        "…and 50 more rows with the same problem: Expected a number, such as 1200, 1,200 or 12.5."
    )


def _bundle(tmp_path: Path, months: list[str]) -> Path:
    root = tmp_path / "sample"
    for position, month in enumerate(months, start=1):
        folder = root / f"{position:02d}_{month}"
        shutil.copytree(VALID, folder)
        # each month's snapshot differs (its own as-of in the status file), as the real bundle does
        status = folder / "status_reports.csv"
        status.write_text(status.read_text(encoding="utf-8").replace("2026-03-31", f"{month}-28"), encoding="utf-8")
        meta = {"label": f"Sample {month}", "as_of": f"{month}-28", "currency_unit": "万元"}
        (folder / "snapshot.json").write_text(json.dumps(meta), encoding="utf-8")
    return root


def test_load_sample_in_order_then_if_empty_does_nothing(con, tmp_path):
    root = _bundle(tmp_path, ["2026-04", "2026-05"])
    ids = load_sample(con, root)
    assert len(ids) == 2
    listing = snapshots.list_snapshots(con)
    assert list(listing["label"]) == ["Sample 2026-05", "Sample 2026-04"]
    assert list(listing["imported_by"]) == ["sample", "sample"]
    assert load_sample(con, root, if_empty=True) == []
    assert load_sample(con, root) == []  # already there: skipped as duplicates
    assert snapshots.snapshot_count(con) == 2


def test_broken_sample_bundle_writes_nothing(con, tmp_path):
    root = _bundle(tmp_path, ["2026-04", "2026-05"])
    (root / "02_2026-05" / "projects.csv").write_text("project_id,name\nP1,\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as info:
        load_sample(con, root)
    assert info.value.params["folder"] == "02_2026-05" and info.value.report.errors
    assert snapshots.snapshot_count(con) == 0


def test_missing_sample_folder_loads_nothing(con, tmp_path):
    assert load_sample(con, tmp_path / "absent") == []
