"""Reading what people actually have: line endings, breaks in cells, title and blank rows above the
header, why a header is odd, UTF-16, units in headers and the day/month order of dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from store.import_read import RawFile, csv_source, find_header_row, line_endings
from store.importer import check_files, import_files, problem_text

VALID = Path(__file__).resolve().parent / "resources" / "valid"
D = dt.date
OBJECTIVES = "objective_id,name,weight\nO1,Growth,0.6\nO2,\"Efficiency\nand cost\",0.4\n"


def _codes(report) -> list[tuple]:
    return [(p.file, p.row, p.column, p.code) for p in report.problems]


def _rows(con, table: str, sid: int, columns: str) -> list[tuple]:
    return con.execute(f"SELECT {columns} FROM {table} WHERE snapshot_id = ? ORDER BY 1", [sid]).fetchall()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_every_line_ending_reads_the_same_rows_with_breaks_inside_cells(newline):
    data = OBJECTIVES.replace("\n", newline).encode("utf-8-sig")
    report = check_files([("objectives.csv", data)])
    assert report.ok and report.problems == ()
    assert report.rows == {"objectives": 2}
    assert report.files[0].line_endings == {"\n": "lf", "\r\n": "crlf", "\r": "cr"}[newline]


def test_cr_only_file_with_a_bom_and_line_breaks_in_cells_imports(con):
    """The shape that was refused with "The headers () do not match...": old Mac line endings, a BOM,
    a quoted cell holding a line break, and a CR inside a quoted header cell."""
    projects = (VALID / "projects.csv").read_text(encoding="utf-8").replace("\n", "\r")
    projects = projects.replace("project_id,name,", '"project\ridentifier (project_id)","name",', 1)
    projects = projects.replace("财务系统升级 ERP upgrade", '"财务系统升级\rERP upgrade"', 1)
    files = [("projects.csv", projects.encode("utf-8-sig"))] + [
        (p.name, p.read_bytes()) for p in VALID.glob("*.csv") if p.name != "projects.csv"
    ]
    report = import_files(con, files, label="cr", actor="analyst")
    assert report.errors == () and report.snapshot_id is not None
    names = _rows(con, "projects", report.snapshot_id, "project_id, name")
    assert names[0] == ("P001", "财务系统升级\rERP upgrade")
    assert len(names) == len((VALID / "projects.csv").read_text().splitlines()) - 1


def test_title_and_blank_rows_above_the_header_are_skipped_and_rows_keep_their_numbers():
    data = ("Portfolio objectives, March 2026,,\n,,\n" + OBJECTIVES.replace("0.4", "abc")).encode()
    report = check_files([("objectives.csv", data)])
    assert report.files[0].header_row == 3
    assert _codes(report) == [
        ("objectives.csv", 5, "weight", "bad_number"),  # row 5 as a spreadsheet shows it (title, blank, header, O1)
        ("objectives.csv", None, None, "weights_partial"),
        ("objectives.csv", 3, None, "title_rows_skipped"),
    ]
    note = report.problems[2]
    assert note.value == "Portfolio objectives March 2026" and note.severity == "warning"
    assert problem_text(note, "en") == "The header was found in row 3; the 2 row(s) above it were skipped as a title."


def test_blank_leading_rows_alone_are_skipped_without_a_note():
    report = check_files([("objectives.csv", ("\n\n" + OBJECTIVES).encode())])
    assert report.ok and report.problems == () and report.files[0].header_row == 3


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("\n\n\n", None),  # only blank lines: an empty file
        ("Growth|0.6|O1\nEfficiency|0.4|O2\n", "header_one_cell"),
        ("O1,Growth,0.6\nO2,Efficiency,0.4\n", None),
        ("1,2026-03-01,0.6\n2,2026-04-01,0.4\n", "header_is_data"),
        ("goal,title,share\rO1,Growth,0.6\r", "header_cr_only"),
    ],
)
def test_an_odd_header_says_why(text, reason):
    report = check_files([("mystery.csv", text.encode())])
    codes = [p.code for p in report.problems]
    if text.strip() == "":
        assert codes == ["empty_file"]
        return
    # "title" is a change request's column, so the CR-only file gets the closest-kind form of the refusal
    assert codes[0] == ("unknown_kind_guess" if "title" in text else "unknown_kind")
    assert codes[1:] == ([reason] if reason else [])
    for problem in report.problems:
        assert problem_text(problem, "zh") and problem_text(problem, "en")


def test_find_header_row_rules():
    assert find_header_row([[""], ["", ""]], "x.csv").reason == "header_empty"
    found = find_header_row([["Report"], [], ["objective_id", "name", "weight"], ["O1", "A", "1"]], "x.csv")
    assert (found.index, found.reason) == (2, None)
    # nothing recognised: the first row at least half as wide as the widest, not mostly numbers
    found = find_header_row([["Title"], ["a", "b", "c"], ["1", "2", "3"]], "x.csv")
    assert (found.index, found.cells) == (1, ["a", "b", "c"])
    assert line_endings(b"a\r\nb") == "crlf" and line_endings(b"a\rb") == "cr" and line_endings(b"ab") is None


def test_utf16_with_bom_as_excel_saves_unicode_text():
    data = OBJECTIVES.replace(",", "\t").encode("utf-16")
    report = check_files([("objectives.txt", data)])
    assert report.ok and report.rows == {"objectives": 2}
    assert (report.files[0].encoding, report.files[0].separator) == ("utf-16", "tab")


def test_source_gives_headers_then_rows_for_a_mapping_layer():
    source = csv_source(RawFile("x.csv", ("Title\n" + OBJECTIVES).encode()))
    assert (source.headers, source.header_row, source.separator) == (["objective_id", "name", "weight"], 2, ",")
    table = source.read_rows([None, None, None])
    assert table.table.column("c1").to_pylist() == ["Growth", "Efficiency\nand cost"]
    assert table.row_numbers.tolist() == [3, 4]


# --- units in headers ------------------------------------------------------------------------------------


def _projects_with_budget_header(header: str) -> bytes:
    text = (VALID / "projects.csv").read_text(encoding="utf-8")
    return text.replace(",budget,", f",{header},", 1).encode()


@pytest.mark.parametrize(
    ("header", "unit", "warned"),
    [("预算（万元）", "万元", False), ("Budget (万)", "万", False), ("Budget [USD]", "USD", True), ("budget", None, False)],
)
def test_a_unit_in_a_money_header_is_shown_and_compared_with_the_snapshot(header, unit, warned):
    report = check_files([("projects.csv", _projects_with_budget_header(header))], currency_unit="万元")
    info = report.files[0]
    assert info.kind == "projects" and dict(info.columns)[header] == "budget"
    assert info.units == ((("budget", unit),) if unit else ())
    mismatches = [p for p in report.problems if p.code == "unit_mismatch"]
    assert len(mismatches) == (1 if warned else 0)
    if warned:
        assert mismatches[0].severity == "warning"
        assert problem_text(mismatches[0], "en") == (
            "The header says budget is in USD, but the snapshot's currency unit is 万元. Values are not converted: "
            "fix the file, or import with currency unit USD."
        )


def test_the_same_unit_in_other_spellings_is_no_mismatch():
    report = check_files([("projects.csv", _projects_with_budget_header("Budget (k$)"))], currency_unit="kUSD")
    assert report.files[0].units == (("budget", "k$"),)
    assert not [p for p in report.problems if p.code == "unit_mismatch"]


# --- the day/month order of dates -----------------------------------------------------------------------


def _reports_with_dates(first: str, second: str) -> list[tuple[str, bytes]]:
    text = (VALID / "status_reports.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("2026-01-31", first, 1)
    text[2] = text[2].replace("2026-02-28", second, 1)
    files = [(p.name, p.read_bytes()) for p in VALID.glob("*.csv") if p.name != "status_reports.csv"]
    return [*files, ("status_reports.csv", "\n".join(text).encode())]


def test_ambiguous_dates_are_refused_until_an_order_is_chosen(con):
    files = _reports_with_dates("01/03/2026", "02/03/2026")
    report = check_files(files)
    assert [(p.row, p.column, p.code) for p in report.errors] == [
        (2, "report_date", "date_order_needed"), (3, "report_date", "date_order_needed"),
    ]
    done = import_files(con, files, label="dmy", actor="analyst", date_order="dmy")
    assert done.snapshot_id is not None
    dates = [r[0] for r in _rows(con, "status_reports", done.snapshot_id, "report_date")]
    assert D(2026, 3, 1) in dates and D(2026, 3, 2) in dates


def test_a_value_that_can_only_be_day_first_names_the_order_to_choose():
    report = check_files(_reports_with_dates("25/01/2026", "02/03/2026"))
    assert [p.code for p in report.errors] == ["date_order_suggest_dmy", "date_order_suggest_dmy"]
    report = check_files(_reports_with_dates("25/01/2026", "02/03/2026"), date_order="mdy")
    assert [(p.row, p.code) for p in report.errors] == [(2, "bad_date")]  # 25 is not a month


def test_cli_check_shows_the_unit_from_the_header(tmp_path, capsys):
    import cli

    path = tmp_path / "projects.csv"
    path.write_bytes(_projects_with_budget_header("预算（万元）"))
    assert cli.main(["import", "--check", "--lang", "zh", "--db", str(tmp_path / "x.duckdb"), str(path)]) == 0
    assert "projects.csv: budget：表头中的单位为 万元" in capsys.readouterr().err


def test_unit_in_header_rules():
    from store.contract import KINDS
    from store.import_units import canonical_unit, unit_in_header

    projects, reports = KINDS["projects"], KINDS["status_reports"]
    assert unit_in_header("Approved Cost (k$)", projects.column("budget")) == "k$"
    assert unit_in_header("预算 (budget)", projects.column("budget")) is None  # the column's own name, not a unit
    assert unit_in_header("工期（月）", projects.column("duration_months")) is None  # the alias itself
    assert unit_in_header("Risk (万元)", projects.column("risk_score")) is None  # a money unit on a non-money column
    assert unit_in_header("完成百分比 (%)", reports.column("percent_complete")) == "%"
    assert unit_in_header("Budget (notes)", projects.column("budget")) is None  # not a unit
    assert canonical_unit("K$") == canonical_unit("千美元") == "kUSD" and canonical_unit("万") == "万元"


def test_a_title_row_does_not_change_the_separator():
    from store.import_read import sniff_separator

    assert sniff_separator("Budget report, March 2026\nproject_id;name;budget\nP1;A;1,5\n") == ";"
