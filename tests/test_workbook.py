"""Excel workbooks in: each sheet one file kind, Excel's types read as such, limits kept, the .xlsx
template round-trips."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cli
from reports.xlsx_template import EXAMPLE_ROWS, sheet_name, template_workbook
from store import snapshots
from store.contract import KIND_ORDER, KINDS
from store.import_limits import ImportLimits
from store.import_read import RawFile
from store.importer import check_files, check_paths, import_files, import_paths, problem_text
from store.workbook import _column_texts, cell_text, serial_date_text, workbook_sources

VALID = Path(__file__).resolve().parent / "resources" / "valid"
D = dt.date


def _typed(text: str, column_type: str) -> object:
    """A CSV cell as Excel would hold it after typing it: numbers, dates and months as Excel types."""
    if text == "":
        return None
    if column_type in ("int", "number", "score") and re.fullmatch(r"-?[\d,]+(\.\d+)?", text):
        number = float(text.replace(",", ""))
        return int(number) if number.is_integer() and "." not in text else number
    if column_type == "date":
        return dt.datetime.fromisoformat(text)
    if column_type == "month":
        return dt.datetime.strptime(text, "%Y-%m")
    if column_type == "bool":
        return text == "yes"
    return text


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bundle_sheets(names: dict[str, str] | None = None) -> dict[str, list[list[object]]]:
    """Every CSV of the valid bundle as a sheet of typed cells (sheet names from `names`, else the kind)."""
    sheets = {}
    for path in sorted(VALID.glob("*.csv")):
        kind = KINDS[path.stem]
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        types = [kind.column(h).type for h in rows[0]]
        typed = [rows[0]] + [[_typed(cell, types[i]) for i, cell in enumerate(row)] for row in rows[1:]]
        sheets[(names or {}).get(kind.name, kind.name)] = typed
    return sheets


def _table_rows(con, sid: int) -> dict[str, list[tuple]]:
    return {
        table: con.execute(f"SELECT * EXCLUDE (snapshot_id) FROM {table} WHERE snapshot_id = ? ORDER BY ALL", [sid]).fetchall()
        for table in snapshots.DATA_TABLES
    }


def test_a_workbook_of_all_sheets_imports_exactly_the_rows_of_the_csv_bundle(con):
    from_csv = import_paths(con, [VALID], label="csv", actor="analyst")
    sheets = bundle_sheets({"projects": "项目清单", "objectives": "Strategic objectives"})
    sheets["projects"] = [["Portfolio March 2026"], [], *sheets.pop("项目清单")]  # a title and a blank row
    sheets["说明"] = [["本工作簿由 PMO 导出"], ["请勿修改表头"]]
    sheets["empty"] = []
    data = workbook(sheets)
    from_xlsx = import_files(con, [("portfolio.xlsx", data)], label="xlsx", actor="analyst")
    assert from_xlsx.errors == () and from_xlsx.snapshot_id is not None
    assert [(p.file, p.row, p.code) for p in from_xlsx.warnings] == [
        ("portfolio.xlsx/projects", 3, "title_rows_skipped"),
        ("portfolio.xlsx/说明", None, "sheet_ignored"),
        ("portfolio.xlsx/empty", None, "sheet_empty"),
    ]
    assert from_xlsx.rows == from_csv.rows
    csv_rows, xlsx_rows = _table_rows(con, from_csv.snapshot_id), _table_rows(con, from_xlsx.snapshot_id)
    for table in snapshots.DATA_TABLES:
        assert xlsx_rows[table] == csv_rows[table], table
    assert sum(len(rows) for rows in xlsx_rows.values()) == 48
    again = import_files(con, [("copy.xlsx", data)], label="again", actor="analyst")
    assert again.snapshot_id is None and again.duplicate_of == from_xlsx.snapshot_id


def test_sheets_are_recognised_by_chinese_or_english_names_and_rows_numbered_as_excel_shows():
    sheets = {"项目清单": [["Project ID", "项目名称", "status", "开始月份", "工期（月）", "预算（万元）"],
                         ["P1", "A", "active", dt.datetime(2026, 1, 1), 12.0, 1200.0],
                         ["P2", "B", "进行中", "2026-02", 6, "abc"]]}
    report = check_files([("book.xlsx", workbook(sheets))])
    assert report.files[0].kind == "projects" and report.files[0].units == (("budget", "万元"),)
    assert [(p.file, p.row, p.column, p.code) for p in report.errors] == [("book.xlsx/项目清单", 3, "预算（万元）", "bad_number")]


def test_excel_types_become_the_text_the_parsers_read():
    assert cell_text(1200.0) == "1200" and cell_text(2.5) == "2.5" and cell_text(True) == "true"
    assert cell_text(dt.datetime(2026, 3, 1)) == "2026-03-01"
    assert cell_text(dt.datetime(2026, 3, 1, 10, 30)) == "2026-03-01T10:30:00"
    assert cell_text(D(2026, 3, 1)) == "2026-03-01" and cell_text("007") == "007" and cell_text(None) == ""
    sheets = {"projects": [["project_id", "name", "status", "start_month", "duration_months", "budget", "mandatory"],
                           ["007", "A", "active", dt.datetime(2026, 1, 1, 9, 0), 12.0, 1200.25, True]]}
    source = next(workbook_sources(RawFile("b.xlsx", workbook(sheets))))
    assert (source.sheet, source.header_row, source.headers[0]) == ("projects", 1, "project_id")
    table = source.read_rows([None] * 7)
    assert table.table.to_pylist() == [{"c0": "007", "c1": "A", "c2": "active", "c3": "2026-01-01T09:00:00",
                                        "c4": "12", "c5": "1200.25", "c6": "true"}]
    assert table.row_numbers.tolist() == [2]
    assert source.read_rows([None] * 7).table.num_rows == 1  # read again for a mapping preview


def test_numbers_in_date_and_month_columns_are_excel_serial_dates():
    assert [serial_date_text(v) for v in (1, 59, 61, 45352, 45352.75, 46023.0)] == [
        "1900-01-01", "1900-02-28", "1900-03-01", "2024-03-01", "2024-03-01", "2026-01-01",
    ]
    assert serial_date_text(60) == "60" and serial_date_text(0) == "0" and serial_date_text("x") == "x"
    sheets = {"status_reports": [["project_id", "report_date", "planned_value", "earned_value", "actual_cost"],
                                 ["P1", 46081, 100, 90, 95]],  # 2026-02-28 without a date format
              "projects": [["project_id", "name", "status", "start_month", "duration_months", "budget"],
                           ["P1", "A", "active", 46023, 12, 1200]]}
    report = check_files([("serials.xlsx", workbook(sheets))])
    assert report.errors == () and report.as_of == D(2026, 2, 28)


def test_an_xlsm_workbook_is_read_like_an_xlsx():
    report = check_files([("macros.xlsm", workbook({"objectives": bundle_sheets()["objectives"]}))])
    assert report.ok and report.rows == {"objectives": 3}


def test_a_workbook_of_only_unknown_sheets_is_refused_and_an_empty_one_named():
    report = check_files([("notes.xlsx", workbook({"README": [["a", "b"], ["1", "2"]]}))])
    assert [(p.file, p.code) for p in report.errors] == [("notes.xlsx/README", "unknown_kind")]
    report = check_files([("blank.xlsx", workbook({"Sheet1": [], "Sheet2": []}))])
    assert [(p.file, p.code) for p in report.errors] == [("blank.xlsx", "empty_file")]
    report = check_files([("broken.xlsx", b"PK\x03\x04 not really")])
    assert [(p.file, p.code) for p in report.errors] == [("broken.xlsx", "bad_workbook")]
    assert "save it as .xlsx" in problem_text(report.errors[0], "en")


def test_a_workbook_beside_csv_files_and_inside_a_zip():
    sheets = bundle_sheets()
    book = workbook({k: sheets[k] for k in ("projects", "objectives", "project_scores")})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("march/portfolio.xlsx", book)
        for name in ("capacity", "demand", "status_reports", "maturity", "process_kpis"):
            archive.writestr(f"march/{name}.csv", (VALID / f"{name}.csv").read_bytes())
    report = check_files([("march.zip", buffer.getvalue())])
    assert report.ok and report.problems == () and sum(report.rows.values()) == 48
    assert "march.zip/march/portfolio.xlsx/projects" in [f.name for f in report.files]


def test_a_workbook_that_expands_like_a_zip_bomb_is_refused_before_it_is_parsed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (40 << 20))
    data = buffer.getvalue()
    limits = ImportLimits(max_ratio=100, ratio_free_mb=8)
    report = check_files([("bomb.xlsx", data)], limits=limits)
    assert [(p.file, p.code) for p in report.problems] == [("bomb.xlsx", "zip_ratio")]
    report = check_files([("big.xlsx", data)], limits=ImportLimits(max_total_mb=10, max_ratio=10_000))
    assert [(p.file, p.code) for p in report.problems] == [("big.xlsx", "too_large")]


def test_a_sheet_with_a_stray_cell_far_to_the_right_is_refused_unread():
    book = openpyxl.Workbook()
    book.active.title = "projects"
    book.active["A1"] = "project_id"
    book.active["ZZ2"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    report = check_files([("wide.xlsx", buffer.getvalue())])
    assert [(p.file, p.code, p.params) for p in report.errors] == [
        ("wide.xlsx/projects", "too_many_columns", {"count": 702, "limit": 200}),
    ]


# --- the template --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_template_has_a_sheet_per_kind_comments_and_drop_downs(lang):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(lang)))
    assert book.sheetnames == [sheet_name(kind, lang) for kind in KIND_ORDER]
    projects = book[sheet_name("projects", lang)]
    header = {cell.value: cell for cell in projects[1]}
    status_header = "状态" if lang == "zh" else "status"
    required = "必填。" if lang == "zh" else "Required."
    assert header[status_header].comment.text.startswith(required)
    lists = {str(v.sqref): v.formula1 for v in projects.data_validations.dataValidation}
    expected_status = ('"提议,已批准,进行中,暂停,已完成,已取消"' if lang == "zh"
                       else '"proposed,approved,active,on_hold,completed,cancelled"')
    assert lists["G2:G2000"] == expected_status
    assert lists["N2:N2000"] == ('"是,否"' if lang == "zh" else '"yes,no"')
    rag = {v.formula1 for v in book[sheet_name("status_reports", lang)].data_validations.dataValidation}
    assert rag == {'"绿,黄,红"' if lang == "zh" else '"green,amber,red"'}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_template_round_trips_fill_it_and_import_it(con, lang):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(lang)))
    projects = book[sheet_name("projects", lang)]
    second = ["P002", "CRM", None, None, None, None, "提议" if lang == "zh" else "proposed",
              dt.datetime(2026, 4, 1), None, 6, 450.5, 900, 2, "否" if lang == "zh" else "no", "P001", None]
    projects.append(second)
    book[sheet_name("demand", lang)].append(["P002", EXAMPLE_ROWS["demand"][lang]["role"], 0, 1.5])
    book[sheet_name("project_scores", lang)].append(["P002", "O1", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_files(con, [(f"filled_{lang}.xlsx", buffer.getvalue())], label=lang, actor="analyst")
    assert report.errors == () and report.warnings == ()
    assert report.rows == {kind: (2 if kind in ("projects", "demand", "project_scores") else 1) for kind in KIND_ORDER}
    rows = con.execute(
        "SELECT project_id, status, start_month, duration_months, budget, mandatory, depends_on FROM projects"
        " WHERE snapshot_id = ? ORDER BY 1", [report.snapshot_id],
    ).fetchall()
    assert rows == [("P001", "active", D(2026, 1, 1), 12, 1200.0, False, []),
                    ("P002", "proposed", D(2026, 4, 1), 6, 450.5, False, ["P001"])]
    reports = con.execute("SELECT report_date, rag, percent_complete FROM status_reports WHERE snapshot_id = ?",
                          [report.snapshot_id]).fetchall()
    assert reports == [(D(2026, 2, 28), "amber", 14.2)]


def test_cli_writes_the_template_and_imports_a_workbook_with_a_date_order(tmp_path, db_file, capsys):
    out = tmp_path / "模板.xlsx"
    assert cli.main(["template", "--xlsx", "--lang", "zh", "--out", str(out)]) == 0
    assert out.read_bytes() == template_workbook("zh")  # the same bytes as the Data page offers
    book = openpyxl.load_workbook(out)
    book["状态报告"]["B2"] = "28/02/2026"  # typed as text, day first
    book.save(out)
    command = ["import", str(out), "--db", str(db_file), "--label", "x"]
    capsys.readouterr()
    assert cli.main(command) == 2
    refused = capsys.readouterr().err
    assert "状态报告" in refused and "--date-order dmy" in refused
    assert cli.main([*command, "--date-order", "dmy"]) == 0
    assert check_paths([out], date_order="dmy").rows["status_reports"] == 1


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.one_of(
    st.floats(allow_nan=False, allow_infinity=False), st.integers(-(2**60), 2**60), st.just(""),
    st.dates(), st.datetimes(), st.booleans(), st.text(max_size=5),
), max_size=30), st.sampled_from(["float", "date", "any"]))
def test_a_whole_column_reads_as_each_cell_would(values, only):
    """The column-at-once conversion gives the text `cell_text` gives cell by cell (numbers: the same number)."""
    if only == "float":
        values = [v for v in values if type(v) in (float, int) or v == ""]
    elif only == "date":
        values = [v for v in values if type(v) is dt.date or v == ""]
    got = _column_texts(tuple(values)).to_pylist() if values else []
    for value, text in zip(values, got, strict=True):
        expected = cell_text(value)
        if type(value) in (float, int) and text != expected:
            assert float(text) == float(expected), (value, text, expected)
        else:
            assert text == expected


_SMALL_BOOK = None


def _small_book() -> bytes:
    global _SMALL_BOOK
    if _SMALL_BOOK is None:
        _SMALL_BOOK = workbook({k: v for k, v in bundle_sheets().items() if k in ("projects", "objectives")})
    return _SMALL_BOOK


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(0, 9), st.integers(0, 3), st.randoms(use_true_random=False))
def test_a_workbook_with_a_damaged_part_ends_as_a_report(member, operation, rng):
    """A valid zip whose one part (sheet, styles, workbook, content types...) is damaged: flipped bytes,
    cut short, odd XML inserted, or replaced. The check ends as a report, never `read_failed`."""
    source = zipfile.ZipFile(io.BytesIO(_small_book()))
    names = source.namelist()
    target = names[member % len(names)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            data = bytearray(source.read(name))
            if name == target:
                if operation == 0 and data:
                    for _ in range(rng.randint(1, 20)):
                        data[rng.randrange(len(data))] = rng.randrange(256)
                elif operation == 1:
                    data = data[: rng.randrange(len(data) + 1)]
                elif operation == 2:
                    at = rng.randrange(len(data) + 1)
                    data[at:at] = rng.choice([b'<c r="XFD1048576"><v>1</v></c>', b'<row r="0">', b"\x00",
                                              b"<v>1e999</v>", b'<c t="d"><v>bad</v></c>', b'<c t="s"><v>99</v></c>'])
                else:
                    data = bytearray(rng.randbytes(rng.randrange(200)))
            archive.writestr(name, bytes(data))
    report = check_files([("damaged.xlsx", buffer.getvalue())])
    assert "read_failed" not in {p.code for p in report.problems}
    for problem in report.problems:
        assert problem_text(problem, "zh") and problem_text(problem, "en")
