"""Importing through a mapping: the two shapes of real exports (hand-made files), every check still
applying, saved profiles applied by header row, and the command line (as a process)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

import cli
from store import decision_log, importer, mapping_profiles
from store.errors import NotFound
from store.mapping import FileMapping, Mapping, MappingError, Source, from_toml

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = Path(__file__).parent / "resources" / "mapping"
AS_OF = dt.date(2026, 3, 31)

def _mapping(name: str) -> Mapping:
    return from_toml((RESOURCES / name).read_text(encoding="utf-8"))


def _file(name: str) -> tuple[str, bytes]:
    return name, (RESOURCES / name).read_bytes()


def _projects(con, snapshot_id: int) -> list[tuple]:
    return con.execute(
        "SELECT project_id, name, category, department, status, strftime(start_month, '%Y-%m'), duration_months,"
        " budget, expected_benefit FROM projects WHERE snapshot_id = ? ORDER BY project_id", [snapshot_id],
    ).fetchall()


def _wide_csv(rows: list[str]) -> bytes:
    header = "Investment ID,Investment Title,Owning Bureau,Approved Cost (k$),Expected Savings (k$),Start Date,Planned Finish,Actual Finish"
    return "\n".join([header, *rows, ""]).encode()


ISSUE = _mapping("investments.toml")


def test_wide_export_with_iso_timestamps_imports_through_the_issue_mapping(con):
    report = importer.import_files(con, [_file("Investments_2026-03.csv")], label="2026-03", as_of=AS_OF,
                                   actor="ana", mapping=ISSUE)
    assert report.errors == () and report.snapshot_id is not None
    assert report.mapped == {"Investments_2026-03.csv": ""}
    assert _projects(con, report.snapshot_id) == [
        ("INV-001", "Payroll modernisation", "Finance", None, "completed", "2011-01", 18, 1200.0, 300.0),
        ("INV-002", "Grants portal", "Programs", None, "active", "2025-11", 11, 800.5, 0.0),
        ("INV-003", "Data centre exit", "IT", None, "approved", "2026-05", 12, 2500.0, 900.0),
        ("INV-004", "Case management", "Programs", None, "completed", "2026-03", 1, 640.0, 120.0),
    ]
    (info,) = report.files
    assert info.kind == "projects" and ("Start Date → Planned Finish", "duration_months") in info.columns
    assert ("Lifecycle Phase", None) in info.columns  # unused headers are listed as ignored


def test_cr_only_export_with_bom_and_breaks_in_cells_imports_through_a_mapping(con):
    report = importer.import_files(con, [_file("bank_completed.csv")], label="bank", as_of=AS_OF, actor="ana",
                                   mapping=_mapping("bank.toml"))
    assert report.errors == () and report.snapshot_id is not None
    assert _projects(con, report.snapshot_id) == [
        ("P-1001", "Rural roads, phase 1", "Transport", "Kenya", "completed", "2005-01", 54, 120.5, None),
        ("P-1002", "Water supply", "Water", "Peru", "completed", "2007-11", 62, 45.0, None),
        ("P-1003", "Clinics", "Health", "Nepal", "completed", "2010-03", 1, 12.25, None),
    ]
    (warning,) = [p for p in report.warnings if p.code == "mapped_finish_before_start"]
    assert (warning.row, warning.column, warning.value) == (4, "Completion Date", "2010-02-15")


def test_every_check_still_applies_to_mapped_rows(con):
    data = _wide_csv([
        "A1,First,Ops,100,0,2026-01-05,2026-02-10,",
        "A1,Duplicate id,Ops,-5,0,2026-01-05,2026-01-20,",  # duplicate key, negative budget
        "A3,Bad dates,Ops,10,0,2026-13-01,someday,",  # unreadable dates, reported under their headers
        "A4,Backwards,Ops,10,0,2026-05-20,2026-04-30,",  # a warning, and a duration of 1
    ])
    report = importer.import_files(con, [("Investments_bad.csv", data)], label="x", as_of=AS_OF, actor="ana", mapping=ISSUE)
    assert report.snapshot_id is None  # all or nothing
    found = {(p.row, p.column, p.code, p.severity) for p in report.problems if p.code != "no_demand"}
    assert (3, "Investment ID", "duplicate_id", "error") in found
    assert (3, "Approved Cost (k$)", "below_minimum", "error") in found
    assert (4, "Start Date", "bad_date", "error") in found
    assert (4, "Planned Finish", "bad_date", "error") in found
    assert (5, "Planned Finish", "mapped_finish_before_start", "warning") in found
    assert con.execute("SELECT count(*) FROM snapshots").fetchone() == (0,)


def test_a_mapped_header_the_file_lacks_is_named_once(con):
    data = b"Investment ID,Investment Title,Owning Bureau\nA1,x,Ops\n"
    report = importer.check_files([("Investments_x.csv", data)], mapping=ISSUE)
    missing = sorted((p.column, p.params.get("column_name")) for p in report.errors if p.code == "mapping_header_missing")
    assert missing == [("Actual Finish", "status"), ("Approved Cost (k$)", "budget"), ("Expected Savings (k$)", "expected_benefit"),
                       ("Planned Finish", "duration_months"), ("Start Date", "duration_months"), ("Start Date", "start_month"),
                       ("Start Date", "status")]
    assert not [p for p in report.errors if p.code == "missing_column"]  # said once, by the mapping
    texts = report.texts("zh")
    assert any("映射要从列“Actual Finish”取得 status" in t for t in texts)


def test_value_maps_constants_and_plain_files_side_by_side(con):
    mapping = from_toml(
        '[[files]]\nkind = "projects"\nmatch = "export.csv"\n[files.columns]\nproject_id = "Code"\nname = "Title"\n'
        'status = "Phase"\nstart_month = "Begins"\nduration_months = "Months"\nbudget = "Cost"\nmandatory = { constant = "no" }\n'
        '[files.values.status]\n"In Flight" = "active"\n"Idea" = "proposed"\n'
    )
    export = b"Code,Title,Phase,Begins,Months,Cost\nP1,One,in flight,2026-02,3,10\nP2,Two,IDEA,2026/4/1,2,5\nP3,Three,Done,2026-01-15,1,1\n"
    objectives = b"objective_id,name,weight\nO1,Growth,1\n"
    report = importer.import_files(con, [("export.csv", export), ("objectives.csv", objectives)], label="m",
                                   as_of=AS_OF, actor="ana", mapping=mapping)
    assert report.errors == ()
    rows = con.execute("SELECT project_id, status, strftime(start_month, '%Y-%m'), mandatory FROM projects ORDER BY 1").fetchall()
    assert rows == [("P1", "active", "2026-02", False), ("P2", "proposed", "2026-04", False), ("P3", "completed", "2026-01", False)]
    assert report.rows == {"projects": 3, "objectives": 1} and set(report.mapped) == {"export.csv"}
    assert not [p for p in report.warnings if p.code == "month_from_date"]  # a date mapped to a month keeps its month


def test_status_as_a_bare_word_is_a_constant_when_no_header_has_that_name(con):
    mapping = from_toml('[[files]]\nkind = "projects"\n[files.columns]\nproject_id = "Code"\nname = "Title"\n'
                        'status = proposed\nstart_month = "Start"\nduration_months = "Months"\nbudget = "Cost"\n')
    report = importer.check_files([("anything.csv", b"Code,Title,Start,Months,Cost\nP1,One,2026-02,3,10\n")], mapping=mapping)
    assert report.errors == () and report.rows == {"projects": 1}


# --- profiles ------------------------------------------------------------------------------------------


def _profile(headers: tuple[str, ...]) -> Mapping:
    file = ISSUE.files[0]
    return Mapping((FileMapping(file.kind, file.columns, file.match, file.values, headers),))  # match: Investments_*.csv


def test_saved_profile_applies_to_a_file_with_the_same_headers_in_any_order(con):
    headers = tuple((RESOURCES / "Investments_2026-03.csv").read_text().splitlines()[0].split(","))
    profile_id = mapping_profiles.save_profile(con, "  Investments   export ", _profile(headers), actor="ana")
    (info,) = mapping_profiles.list_profiles(con)
    assert (info.profile_id, info.name, info.created_by, info.kinds, info.headers) == (
        profile_id, "Investments export", "ana", ("projects",), (headers,))
    entry = decision_log.entries(con, actions=["mapping_profile_save"]).iloc[0]
    assert entry["actor"] == "ana" and json.loads(entry["details"])["name"] == "Investments export"
    april = b"investment id,Agency Code,INVESTMENT TITLE,Owning Bureau,Approved Cost (k$),Expected Savings (k$),Start Date," \
            b"Planned Finish,Actual Finish,Lifecycle Phase\nINV-5,017,Records,Finance,75,10,2026-04-15,2026-10-31,,Ongoing\n"
    assert importer.check_files([("april.csv", april)], con=con).errors  # without profiles: not recognised
    report = importer.check_files([("april.csv", april)], con=con, profiles=True, as_of=AS_OF)
    assert report.errors == () and report.mapped == {"april.csv": "Investments export"}
    renamed = importer.check_files([("investments april (final).csv", april)], con=con, profiles=True, as_of=AS_OF)
    assert renamed.mapped == {"investments april (final).csv": "Investments export"}  # the name does not matter
    other = importer.check_files([("other.csv", b"Investment ID,Investment Title\nA,B\n")], con=con, profiles=True)
    assert other.mapped == {}  # different headers: the profile is not offered


def test_the_import_log_entry_names_the_profile_that_mapped_each_file(con):
    headers = tuple((RESOURCES / "Investments_2026-03.csv").read_text().splitlines()[0].split(","))
    mapping_profiles.save_profile(con, "Investments export", _profile(headers), actor="ana")
    report = importer.import_files(con, [_file("Investments_2026-03.csv")], label="2026-03", as_of=AS_OF,
                                   actor="ana", profiles=True)
    assert report.snapshot_id is not None
    entry = decision_log.entries(con, actions=["import"]).iloc[0]
    assert json.loads(entry["details"])["mapping_profiles"] == {"Investments_2026-03.csv": "Investments export"}


def test_saving_again_replaces_and_unknown_names_are_refused(con):
    first = mapping_profiles.save_profile(con, "p", _profile(("a",)), actor="ana")
    second = mapping_profiles.save_profile(con, "p", _profile(("b",)), actor="ana")
    assert second != first and [p.headers for p in mapping_profiles.list_profiles(con)] == [(("b",),)]
    assert mapping_profiles.get_profile(con, "p").files[0].profile == "p"
    with pytest.raises(NotFound):
        mapping_profiles.get_profile(con, "nope")
    with pytest.raises(MappingError):
        mapping_profiles.save_profile(con, "   ", _profile(("a",)), actor="ana")


def test_a_viewer_cannot_save_a_profile(con):
    from store.errors import PermissionDenied
    from store.users import Actor

    with pytest.raises(PermissionDenied):
        mapping_profiles.save_profile(con, "p", _profile(("a",)), actor=Actor("v@x", "V", "viewer"))


def test_a_file_the_mapping_does_not_match_is_read_as_usual(con):
    mapping = Mapping((FileMapping("projects", (("project_id", Source("Code")),), "Investments_*.csv"),))
    report = importer.check_files([("objectives.csv", b"objective_id,name,weight\nO1,Growth,1\n")], mapping=mapping)
    assert report.errors == () and report.mapped == {} and report.rows == {"objectives": 1}


# --- the command line ----------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, capture_output=True, text=True)


def _cli_here(capsys: pytest.CaptureFixture, *args: str) -> subprocess.CompletedProcess:
    """The same `cli.main` in this process (a process start costs more than most of these commands):
    its exit status and output, as `_cli` gives them (the next test runs the real process)."""
    try:
        status = cli.main(list(args))
    except SystemExit as e:  # argparse's own refusals
        status = e.code
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), status, out, err)


# The command-line tests below run on the DuckDB file only: the command line adds argument handling and
# messages (the same Python on both backends), and every store call it makes (import through a mapping,
# save, list and get a profile, apply a saved profile by header row) runs on PostgreSQL in the tests above.


@pytest.mark.duckdb_only
def test_cli_maps_saves_a_profile_and_applies_it_next_month(db_file, tmp_path):
    db = str(db_file)
    march = _cli("import", "--db", db, "--label", "2026-03", "--as-of", "2026-03-31", "--mapping",
                 str(RESOURCES / "investments.toml"), "--save-profile", "investments", str(RESOURCES / "Investments_2026-03.csv"))
    assert march.returncode == 0, march.stderr
    assert march.stdout.strip() == "1" and 'Saved mapping profile "investments"' in march.stderr
    listed = _cli("mappings", "list", "--db", db, "--json")
    (profile,) = json.loads(listed.stdout)
    assert profile["name"] == "investments" and profile["headers"][0][0] == "Investment ID"
    april = _cli("import", "--db", db, "--label", "2026-04", "--as-of", "2026-04-30", str(RESOURCES / "Investments_2026-04.csv"))
    assert april.returncode == 0, april.stderr
    assert 'Investments_2026-04.csv: mapped by profile "investments"' in april.stderr
    out = tmp_path / "exported.toml"
    assert _cli("mappings", "export", "investments", "--out", str(out), "--db", db).returncode == 0
    exported = from_toml(out.read_text(encoding="utf-8"))
    assert exported.files[0].columns == ISSUE.files[0].columns and exported.files[0].headers == tuple(profile["headers"][0])
    again = _cli("mappings", "import", str(out), "--name", "copy", "--db", db)
    assert again.returncode == 0 and 'Saved mapping profile "copy"' in again.stderr


@pytest.mark.duckdb_only
def test_cli_refuses_bad_mappings_and_unknown_profiles_with_status_2(db_file, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[files]]\nkind = "budgets"\n[files.columns]\nname = "N"\n', encoding="utf-8")
    csv = str(RESOURCES / "Investments_2026-03.csv")
    refused = _cli_here(capsys, "import", "--db", str(db_file), "--label", "x", "--mapping", str(bad), csv)
    assert refused.returncode == 2 and '"budgets" is not a file kind' in refused.stderr and "Traceback" not in refused.stderr
    missing = _cli_here(capsys, "import", "--db", str(db_file), "--label", "x", "--mapping", str(tmp_path / "none.toml"), csv)
    assert missing.returncode == 2 and "Cannot read the mapping file" in missing.stderr
    unknown = _cli_here(capsys, "import", "--db", str(db_file), "--label", "x", "--profile", "nope", "--lang", "zh", csv)
    assert unknown.returncode == 2 and "没有名为“nope”的映射方案" in unknown.stderr
    export = _cli_here(capsys, "mappings", "export", "nope", "--out", str(tmp_path / "x.toml"), "--db", str(db_file))
    assert export.returncode == 2 and 'no mapping profile named "nope"' in export.stderr
    plain = _cli_here(capsys, "import", "--db", str(db_file), "--check", csv)
    assert plain.returncode == 2 and "Closest is Projects" in plain.stderr


def test_an_entry_without_match_leaves_template_files_and_other_exports_alone(con):
    loose = from_toml('[[files]]\nkind = "projects"\n[files.columns]\nproject_id = "Code"\nname = "Title"\n'
                      'status = proposed\nstart_month = "Start"\nduration_months = "Months"\nbudget = "Cost"\n')
    export = ("export.csv", b"Code,Title,Start,Months,Cost\nP1,One,2026-02,3,10\n")
    objectives = ("objectives.csv", b"objective_id,name,weight\nO1,Growth,1\n")
    report = importer.check_files([export, objectives], mapping=loose)
    assert report.errors == () and report.mapped == {"export.csv": ""} and report.rows == {"projects": 1, "objectives": 1}
    (file,) = loose.files
    pinned = Mapping((FileMapping(file.kind, file.columns, "*", file.values, ("Code", "Title", "Start", "Months", "Cost")),))
    other = ("other.csv", b"Code,Title,Start,Months,Cost,Extra\nP1,One,2026-02,3,10,x\n")
    assert importer.check_files([export, other], mapping=pinned).mapped == {"export.csv": ""}


@pytest.mark.duckdb_only
def test_cli_imports_the_cr_only_bank_export_through_a_saved_profile(db_file, capsys):
    db = str(db_file)
    saved = _cli_here(capsys, "mappings", "import", str(RESOURCES / "bank.toml"), "--db", db)
    assert saved.returncode == 0 and 'Saved mapping profile "bank"' in saved.stderr
    done = _cli_here(capsys, "import", "--db", db, "--label", "bank", "--as-of", "2026-03-31", "--profile", "bank",
                str(RESOURCES / "bank_completed.csv"))
    assert done.returncode == 0, done.stderr
    assert 'bank_completed.csv: mapped by profile "bank"' in done.stderr and "Imported snapshot 1: 3 rows" in done.stderr


def test_a_workbook_sheet_is_mapped_by_its_name(con):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Investments"
    sheet.append(["Investment ID", "Investment Title", "Owning Bureau", "Approved Cost (k$)", "Expected Savings (k$)",
                  "Start Date", "Planned Finish", "Actual Finish"])
    sheet.append(["INV-9", "Sheet row", "IT", 10, 1, dt.datetime(2026, 1, 5), dt.datetime(2026, 2, 20), None])
    notes = book.create_sheet("说明")
    notes.append(["This workbook was exported on 2026-03-31"])
    buffer = io.BytesIO()
    book.save(buffer)
    by_sheet = Mapping((ISSUE.files[0].with_match("Investments"),))
    report = importer.import_files(con, [("export.xlsx", buffer.getvalue())], label="x", as_of=AS_OF, actor="ana",
                                   mapping=by_sheet)
    assert report.errors == () and report.mapped == {"export.xlsx/Investments": ""}
    assert _projects(con, report.snapshot_id) == [("INV-9", "Sheet row", "IT", None, "active", "2026-01", 2, 10.0, 1.0)]


def test_a_partial_import_through_a_mapping_leaves_out_the_refused_rows(con):
    data = _wide_csv(["A1,First,Ops,100,0,2026-01-05,2026-02-10,", "A2,Bad cost,Ops,lots,0,2026-01-05,2026-03-20,",
                      "A3,Third,Ops,7,0,2026-05-01,2026-08-31,"])
    report = importer.import_files(con, [("Investments_x.csv", data)], label="p", as_of=AS_OF, actor="ana",
                                   mapping=ISSUE, partial=True)
    assert report.snapshot_id is not None and [(p.row, p.column, p.code) for p in report.errors] == [
        (3, "Approved Cost (k$)", "bad_number")]
    assert _projects(con, report.snapshot_id) == [
        ("A1", "First", "Ops", None, "active", "2026-01", 2, 100.0, 0.0),
        ("A3", "Third", "Ops", None, "approved", "2026-05", 4, 7.0, 0.0)]
