"""Partial import (issue 15): the rows that pass, every refused row listed, rows that follow a refused
row left out with it, the decision log, and the refusals that stay (a file problem, nothing left)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import cli
from reports import import_lists
from store import db, decision_log, snapshots
from store.importer import check_paths, import_paths

HEAD = "project_id,name,status,start_month,duration_months,budget,depends_on\n"
# P2's budget is unreadable: P2 is refused; P4 depends on P2 and goes with it; P5 repeats P1 (refused as a
# duplicate, the first P1 stays, so nothing follows it).
PROJECTS = HEAD + (
    "P1,One,active,2026-01,6,100,\n"
    "P2,Two,active,2026-01,6,abc,\n"
    "P3,Three,active,2026-02,6,200,\n"
    "P4,Four,proposed,2026-03,6,50,P2\n"
    "P1,One again,active,2026-01,6,100,\n"
)
OBJECTIVES = "objective_id,name,weight\nO1,Growth,0.5\nO2,Cost,0.5\n"
DEMAND = "project_id,role,month_offset,fte\n" + "".join(
    f"{pid},Dev,{m},1\n" for pid, months in (("P1", 2), ("P2", 3), ("P3", 1), ("P4", 1)) for m in range(months)
)
SCORES = "project_id,objective_id,score\n" + "".join(
    f"{pid},{o},3\n" for pid in ("P1", "P2", "P3", "P4") for o in ("O1", "O2")
)
STATUS = (
    "project_id,report_date,planned_value,earned_value,actual_cost\n"
    "P1,2026-03-31,20,18,19\nP2,2026-03-31,20,18,19\nP3,2026-03-31,20,18,19\n"
)


def bundle(folder: Path, **replaced: str) -> Path:
    files = {"projects.csv": PROJECTS, "objectives.csv": OBJECTIVES, "demand.csv": DEMAND,
             "project_scores.csv": SCORES, "status_reports.csv": STATUS}
    files.update({f"{name}.csv": text for name, text in replaced.items()})
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _rows(data: bytes | str) -> list[list[str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_the_check_counts_what_a_partial_import_would_keep_and_leave_out(tmp_path):
    report = check_paths([bundle(tmp_path / "b")])
    plan = report.partial
    assert report.error_total == 2 and report.rows_refused == 2  # P2's budget, the second P1
    assert plan.possible and plan.reason is None
    assert plan.rejected == {"projects": 3, "project_scores": 4, "demand": 4, "status_reports": 1}
    assert plan.followed == {"projects": 1, "project_scores": 4, "demand": 4, "status_reports": 1}
    assert plan.kept == {"projects": 2, "objectives": 2, "project_scores": 4, "demand": 3, "status_reports": 2}
    assert (plan.kept_total, plan.rejected_total) == (13, 12)
    reasons = {(p.file, p.row, p.code, p.value) for p in plan.reasons}
    assert reasons == {
        ("projects.csv", 5, "refused_dependency", "P2"),
        ("demand.csv", 4, "refused_project", "P2"), ("demand.csv", 5, "refused_project", "P2"),
        ("demand.csv", 6, "refused_project", "P2"), ("demand.csv", 8, "refused_project", "P4"),
        ("project_scores.csv", 4, "refused_project", "P2"), ("project_scores.csv", 5, "refused_project", "P2"),
        ("project_scores.csv", 8, "refused_project", "P4"), ("project_scores.csv", 9, "refused_project", "P4"),
        ("status_reports.csv", 3, "refused_project", "P2"),
    }


def test_partial_import_stores_the_rows_that_pass_and_logs_the_counts(con, tmp_path):
    report = import_paths(con, [bundle(tmp_path / "b")], label="partial", partial=True)
    assert report.snapshot_id is not None and report.partial.applied
    assert report.rows == {"projects": 2, "objectives": 2, "project_scores": 4, "demand": 3, "status_reports": 2}
    sid = report.snapshot_id
    assert snapshots.get_snapshot(con, sid).label == "partial"  # complete: readers see it
    state = con.execute("SELECT state FROM snapshots_all WHERE snapshot_id = ?", [sid]).fetchone()[0]
    assert state == snapshots.COMPLETE
    projects = con.execute("SELECT project_id, name FROM projects WHERE snapshot_id = ? ORDER BY 1", [sid]).fetchall()
    assert projects == [("P1", "One"), ("P3", "Three")]
    demand = con.execute("SELECT project_id, count(*) FROM demand WHERE snapshot_id = ? GROUP BY 1 ORDER BY 1",
                         [sid]).fetchall()
    assert demand == [("P1", 2), ("P3", 1)]
    for table in ("project_scores", "status_reports"):
        ids = {r[0] for r in con.execute(f"SELECT project_id FROM {table} WHERE snapshot_id = ?", [sid]).fetchall()}
        assert ids == {"P1", "P3"}
    entry = decision_log.entries(con).iloc[0]  # newest first
    details = json.loads(entry["details"])
    assert entry["action"] == "import" and details["rows"]["projects"] == 2
    assert details["rejected"] == {"projects": 3, "project_scores": 4, "demand": 4, "status_reports": 1}


def test_without_partial_nothing_is_written(con, tmp_path):
    report = import_paths(con, [bundle(tmp_path / "b")], label="all")
    assert report.snapshot_id is None and report.partial.possible and not report.partial.applied
    assert snapshots.snapshot_count(con) == 0


def test_rejects_file_lists_each_row_left_out_with_its_reason(tmp_path):
    report = check_paths([bundle(tmp_path / "b")])
    rows = _rows(import_lists.rejects_csv(report, "en"))
    assert rows[0] == ["Severity", "File", "Row", "Column", "Value", "Problem"]
    assert len(rows) == 1 + 2 + 10  # the two errors and the ten rows that followed
    assert ["Error", "demand.csv", "4", "project_id", "P2", "Left out: its project P2 was refused."] in rows
    assert ["Error", "projects.csv", "5", "depends_on", "P2", "Left out: it depends on project P2, which was refused."] in rows
    zh = _rows(import_lists.rejects_csv(report, "zh"))
    assert ["错误", "status_reports.csv", "3", "project_id", "P2", "未导入：所属项目 P2 被拒绝。"] in zh


def test_a_refused_objective_takes_its_scores(tmp_path):
    objectives = OBJECTIVES + "O3,Bad,x%\n"
    scores = SCORES + "P1,O3,4\nP3,O3,2\n"
    report = check_paths([bundle(tmp_path / "b", objectives=objectives, project_scores=scores)])
    followed = {(p.file, p.row, p.code) for p in report.partial.reasons if p.file == "project_scores.csv" and p.value == "O3"}
    assert followed == {("project_scores.csv", 10, "refused_objective"), ("project_scores.csv", 11, "refused_objective")}


def test_a_file_problem_cannot_be_imported_in_part(con, tmp_path):
    demand = "project_id,role,fte\nP1,Dev,1\n"  # month_offset missing: a whole-file problem
    report = import_paths(con, [bundle(tmp_path / "b", demand=demand)], label="x", partial=True)
    assert report.snapshot_id is None and not report.partial.possible and report.partial.reason == "file_problem"
    assert snapshots.snapshot_count(con) == 0


def test_nothing_left_is_refused(con, tmp_path):
    only = HEAD + "P1,One,active,2026-01,6,abc,\nP2,Two,active,2026-13,6,1,\n"
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "projects.csv").write_text(only, encoding="utf-8")
    report = import_paths(con, [folder], label="x", partial=True)
    assert report.snapshot_id is None and report.partial.reason == "nothing_left"
    assert report.partial.rejected == {"projects": 2} and report.partial.kept_total == 0
    assert snapshots.snapshot_count(con) == 0


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Imported snapshot 1 (partial): 13 rows imported, 12 rows left out.",
            "  Projects: 2 rows imported, 3 rows left out",
            "  Project scores: 4 rows imported, 4 rows left out",
            "  Demand: 3 rows imported, 4 rows left out",
            "  Status reports: 2 rows imported, 1 row left out",
            "The rows left out (12 lines) are listed in {path}."]),
    ("zh", ["已导入快照 1（部分导入）：已导入 13 行，未导入 12 行。",
            "  项目：已导入 2 行，未导入 3 行",
            "  项目评分：已导入 4 行，未导入 4 行",
            "  资源需求：已导入 3 行，未导入 4 行",
            "  状态报告：已导入 2 行，未导入 1 行",
            "未导入的行（12 行）已列在 {path}。"]),
])
def test_cli_partial_exits_0_and_prints_the_counts(db_file, tmp_path, capsys, lang, expected):
    rejects = tmp_path / "rejects.csv"
    status = cli.main(["import", "--db", str(db_file), "--label", "p", "--lang", lang, "--partial",
                       "--rejects", str(rejects), str(bundle(tmp_path / "b"))])
    out, err = capsys.readouterr()
    assert status == 0 and out.strip() == "1"
    assert err.strip().splitlines()[-6:] == [line.format(path=rejects) for line in expected]
    assert len(_rows(rejects.read_text(encoding="utf-8"))) == 1 + 12
    assert snapshots.snapshot_count(db.cursor(db_file)) == 1
    db.close_shared(db_file)


def test_cli_partial_refuses_when_nothing_remains(db_file, tmp_path, capsys):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "projects.csv").write_text(HEAD + "P1,One,active,2026-01,6,abc,\n", encoding="utf-8")
    status = cli.main(["import", "--db", str(db_file), "--label", "p", "--partial", str(folder)])
    _, err = capsys.readouterr()
    assert status == 2
    assert err.strip().splitlines()[-1] == "Refused (--partial): A partial import is not possible: no row would remain."


def test_cli_rejects_needs_partial(db_file, tmp_path, capsys):
    status = cli.main(["import", "--db", str(db_file), "--label", "p", "--rejects", str(tmp_path / "r.csv"),
                       str(bundle(tmp_path / "b"))])
    assert status == 2 and capsys.readouterr().err.strip() == "--rejects needs --partial."


def test_a_row_that_cannot_be_split_is_counted_as_left_out(tmp_path):
    projects = PROJECTS.replace("P3,Three,active,2026-02,6,200,\n", "P3,Three,active,2026-02,6,200,,x,y\n")
    report = check_paths([bundle(tmp_path / "b", projects=projects)])
    # P3's row is not read, so its demand, scores and report name an unknown project (4 more rows).
    assert report.rows_refused == 3 + 4 and report.partial.possible
    assert report.partial.rejected["projects"] == 4  # P2, the second P1, P4 (follows P2) and the unsplit P3 row
    assert ("projects.csv", 4, "field_count") in {(p.file, p.row, p.code) for p in report.errors}


def test_an_all_zero_spend_profile_left_out_whole(con, tmp_path):
    profile = "project_id,month_offset,planned_spend\nP1,0,0\nP1,1,0\nP1,2,0\nP3,0,100\nP3,1,100\n"
    report = import_paths(con, [bundle(tmp_path / "b", spend_profile=profile)], label="s", partial=True)
    assert report.partial.applied and report.partial.rejected["spend_profile"] == 3
    kept = con.execute("SELECT project_id, count(*) FROM spend_profile WHERE snapshot_id = ? GROUP BY 1",
                       [report.snapshot_id]).fetchall()
    assert kept == [("P3", 2)]
    reasons = sorted((p.row, p.code) for p in report.partial.reasons if p.file == "spend_profile.csv")
    assert reasons == [(3, "profile_all_zero"), (4, "profile_all_zero")]  # row 2 is the check's own error


@pytest.mark.parametrize(("lang", "summary", "left_out"), [
    ("en", "“partial”: 1 file, 5 rows (partial import: 7 rows left out)", ("Rows left out", "Projects 3, Demand 4")),
    ("zh", "“partial”：1 个文件，共 5 行（部分导入：未导入 7 行）", ("未导入的行", "项目 3，资源需求 4")),
])
def test_the_decision_log_reads_a_partial_import(lang, summary, left_out):
    from ui.log_summary import details_items, summary_text

    details = {"files": ["a.csv"], "rows": {"projects": 2, "demand": 3}, "rejected": {"projects": 3, "demand": 4}}
    assert summary_text(lang, "import", "partial", details) == summary
    assert details_items(lang, details)[-1] == left_out


# ---------------------------------------------------------------- the fixed point, on random bundles

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from store import importer  # noqa: E402
from store.import_checks import validate  # noqa: E402
from store.import_read import gather_uploads  # noqa: E402

IDS = [f"P{i}" for i in range(4)]


@st.composite
def random_bundle(draw) -> list[tuple[str, bytes]]:
    projects = []
    for _ in range(draw(st.integers(1, 7))):
        pid = draw(st.sampled_from(IDS))  # repeats are duplicates
        budget = draw(st.sampled_from(["100", "100", "0", "abc"]))
        deps = ";".join(draw(st.lists(st.sampled_from(IDS), max_size=2)))
        projects.append(f"{pid},N,active,2026-01,6,{budget},{deps}\n")
    demand = [f"{draw(st.sampled_from(IDS))},Dev,{draw(st.integers(0, 7))},{draw(st.sampled_from(['1', '1', 'x']))}\n"
              for _ in range(draw(st.integers(0, 8)))]
    profile = [f"{draw(st.sampled_from(IDS))},{draw(st.integers(0, 3))},{draw(st.sampled_from(['0', '0', '10']))}\n"
               for _ in range(draw(st.integers(0, 6)))]
    return [("projects.csv", (HEAD + "".join(projects)).encode()),
            ("demand.csv", ("project_id,role,month_offset,fte\n" + "".join(demand)).encode()),
            ("spend_profile.csv", ("project_id,month_offset,planned_spend\n" + "".join(profile)).encode())]


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(random_bundle())
def test_what_a_partial_import_keeps_passes_every_check(files):
    raws, problems = gather_uploads(files)
    checked = importer._check(raws, problems, as_of=None, limits=None)
    plan = checked.partial
    if plan is None:  # no errors at all
        assert not any(p.is_error for p in checked.problems)
        return
    assert plan.reason in (None, "nothing_left")
    for kind, parsed in checked.parsed.items():  # every row is kept or left out, none twice
        assert plan.kept[kind] + plan.rejected.get(kind, 0) == parsed.table.num_rows
        assert checked.kept[kind].table.num_rows == plan.kept[kind]
    assert [p for p in validate(checked.kept, None, 100) if p.is_error] == []
    # Each row left out is named: by its own error or by the reason it followed another row.
    named = {(p.file, p.row) for p in checked.problems if p.is_error and p.row is not None}
    named |= {(p.file, p.row) for p in plan.reasons}
    for kind, parsed in checked.parsed.items():
        kept_rows = set(checked.kept[kind].table["__row"].to_pylist())
        left_out = set(parsed.table["__row"].to_pylist()) - kept_rows
        assert {(parsed.name, row) for row in left_out} <= named


def test_a_header_problem_below_a_title_row_is_a_file_problem():
    from store.importer import check_files

    data = (b"Project list, March 2026,,,\n\nproject_id,name,status,start_month,duration_months\n"
            b"P1,A,active,2026-01,6\nP2,B,active,2026-13,6\n")  # no budget column; the header is row 3
    report = check_files([("projects.csv", data)])
    assert [(p.row, p.code) for p in report.errors] == [(3, "missing_column"), (5, "bad_month")]
    assert report.rows_refused == 1  # the header row is not a refused row
    assert not report.partial.possible and report.partial.reason == "file_problem"


def test_a_kept_project_whose_demand_was_all_left_out_is_warned_about(tmp_path):
    demand = DEMAND.replace("P3,Dev,0,1\n", "P3,Dev,0,lots\n")  # P3's only demand row is refused
    report = check_paths([bundle(tmp_path / "b", demand=demand)])
    warned = [(p.file, p.row, p.code, p.severity) for p in report.partial.reasons if p.code == "demand_left_out"]
    assert warned == [("projects.csv", 4, "demand_left_out", "warning")]
    rows = _rows(import_lists.rejects_csv(report, "en"))
    assert ["Warning", "projects.csv", "4", "project_id", "P3", "Imported without demand: all its demand rows were "
            "left out, so the optimiser will assume it needs no people."] in rows
