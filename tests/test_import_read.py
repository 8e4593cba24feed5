"""Reading files: gathering, decoding, separators, header matching, record numbers, split thousands."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from store.contract import KINDS
from store.import_limits import ImportLimits
from store.import_read import (
    choose_kind,
    closest_column,
    decode,
    expand_zip,
    gather_paths,
    gather_uploads,
    match_headers,
    read_text_table,
    sniff_separator,
)

RESOURCES = Path(__file__).resolve().parent / "resources"


def test_decode_utf8_bom_and_gb18030():
    assert decode("项目编号".encode()) == ("项目编号".encode(), "utf-8")
    assert decode("项目编号".encode("utf-8-sig")) == ("项目编号".encode(), "utf-8-sig")
    assert decode("项目编号".encode("gbk")) == ("项目编号".encode(), "gb18030")
    assert decode(b"plain") == (b"plain", "utf-8")
    assert decode(b"\xff\xfe\xff") is None


def test_gbk_resource_is_really_gbk():
    data = (RESOURCES / "gbk_projects.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode(data)[1] == "gb18030"


@pytest.mark.parametrize(
    ("head", "separator"),
    [
        ("project_id,name,status\nP1,A,active\n", ","),
        ("project_id;name;budget\nP1;A;1,200\n", ";"),
        ("project_id\tname\tbudget\nP1\tA\t1,200\n", "\t"),
        ("项目编号；项目名称\n", ","),  # no known split: falls back to the first candidate
    ],
)
def test_separator_is_the_one_that_finds_columns(head, separator):
    assert sniff_separator(head) == separator


def test_headers_in_any_spelling():
    match = match_headers("x.csv", ["Project ID", "项目名称", " STATUS ", "开始月份", "工期(月)", "预算 (budget)", "notes"])
    assert match.kind.name == "projects"
    assert [c.name if c else None for c in match.mapping] == [
        "project_id", "name", "status", "start_month", "duration_months", "budget", None,
    ]
    assert [(p.code, p.column) for p in match.problems] == [("unknown_column_plain", "notes")]


def test_unknown_header_gets_the_closest_column():
    match = match_headers("p.csv", ["project_id", "name", "status", "start_month", "duration_months", "budget", "expected_benifit"])
    assert [(p.code, p.params, p.severity) for p in match.problems] == [
        ("unknown_column", {"column_name": "expected_benefit", "alias": "预期收益"}, "warning"),
    ]
    assert closest_column("开始月", KINDS["projects"]).name == "start_month"
    assert closest_column("zzz", KINDS["projects"]) is None


def test_missing_and_duplicate_columns():
    match = match_headers("projects.csv", ["project_id", "name", "项目名称", "status"])
    codes = [(p.code, p.column, p.params.get("column_name")) for p in match.problems]
    assert codes == [
        ("duplicate_column", "项目名称", None),
        ("missing_column", None, "start_month"),
        ("missing_column", None, "duration_months"),
        ("missing_column", None, "budget"),
    ]


@pytest.mark.parametrize(
    ("headers", "file_name", "kind"),
    [
        (["project_id", "objective_id", "score"], "a.csv", "project_scores"),
        (["项目编号", "角色", "相对月份", "人力需求"], "a.csv", "demand"),
        (["role", "month", "capacity_fte"], "a.csv", "capacity"),
        (["area", "practice", "level", "score"], "a.csv", "maturity"),
        (["project_id", "name"], "projects.csv", "projects"),  # too thin alone; the file name decides
        (["project_id", "name"], "a.csv", None),
        (["meeting", "attendees"], "a.csv", None),
    ],
)
def test_kind_from_headers(headers, file_name, kind):
    found = choose_kind(headers, file_name)
    assert (found.name if found else None) == kind


def test_unknown_kind_lists_the_headers():
    match = match_headers("projects.csv", ["foo", "bar"])
    assert match.kind is None
    assert [(p.code, p.params) for p in match.problems] == [("unknown_kind_named", {"headers": "foo, bar", "kind": "projects"})]


def _table(text: str, kind: str = "projects", separator: str = ","):
    body = text.encode()
    headers = text.splitlines()[0].split(separator)
    columns = match_headers(f"{kind}.csv", headers).mapping
    return read_text_table(f"{kind}.csv", body, separator, columns)


def test_record_numbers_skip_blank_lines_and_count_quoted_newlines():
    text = 'project_id,name,status\nP1,"two\nlines",active\n\nP2,B,active\n  ,  ,  \nP3,C,active\n'
    table = _table(text)
    assert table.table.column("c0").to_pylist() == ["P1", "P2", "P3"]
    assert table.row_numbers.tolist() == [2, 4, 6]  # records as a spreadsheet numbers them
    assert table.problems == []


def test_unquoted_thousands_are_glued_back_only_when_unambiguous():
    text = (
        "project_id,name,status,start_month,duration_months,budget,expected_benefit\n"
        "P1,A,active,2026-01,12,1,200,3000\n"
        "P2,B,active,2026-01,6,450,1,100\n"
        "P3,C,active,2026-01,3,1,200,300\n"
        "P4,D,active,2026-01,3,80,90\n"
    )
    table = _table(text)
    rows = sorted(zip(table.row_numbers.tolist(), table.table.column("c5").to_pylist(), table.table.column("c6").to_pylist(), strict=True))
    assert rows == [(2, "1,200", "3000"), (3, "450", "1,100"), (5, "80", "90")]
    assert [(p.code, p.row, p.severity) for p in table.problems] == [
        ("thousands_glued", 2, "warning"),
        ("thousands_glued", 3, "warning"),
        ("field_count", 4, "error"),  # 1,200 + 300 or 1 + 200,300: refused, not guessed
    ]
    assert table.problems[2].params == {"expected": 7, "found": 8}


def test_glue_respects_the_column_range():
    # risk_score is 1-5, so "3,500" cannot be a risk score: only the budget reading fits
    text = "project_id,name,status,start_month,duration_months,risk_score,budget\nP1,A,active,2026-01,6,3,500,900\n"
    table = _table(text)
    assert table.table.column("c5").to_pylist() == ["3"] and table.table.column("c6").to_pylist() == ["500,900"]


def test_short_rows_and_trailing_empty_cells():
    text = "project_id,name,status\nP1,A,active,,\nP2,B\n"
    table = _table(text)
    assert table.table.column("c2").to_pylist() == ["active"]
    assert [(p.code, p.row, p.params) for p in table.problems] == [("field_count", 3, {"expected": 3, "found": 2})]


def test_unterminated_quote_is_reported_not_raised():
    table = _table('project_id,name,status\nP1,"A,active\n')
    assert table.table.num_rows == 0 or table.problems
    assert all(p.severity == "error" for p in table.problems)


def _legacy_zip() -> bytes:
    """A zip as Chinese Windows writes it: a GBK member name without the UTF-8 flag."""
    gbk_name = "三月/项目.csv".encode("gbk")
    placeholder = b"X" * len(gbk_name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(placeholder.decode("ascii"), "project_id,name\n")
        archive.writestr("三月/readme.txt", "x")  # .txt is read as CSV (a tab export)
        archive.writestr("三月/chart.png", b"\x89PNG")
        archive.writestr("__MACOSX/三月/._项目.csv", "junk")
        archive.writestr("三月/.DS_Store", "junk")
    return buffer.getvalue().replace(placeholder, gbk_name)  # local header and central directory


def test_zip_members_gbk_names_and_junk():
    files, problems = expand_zip("march.zip", _legacy_zip())
    assert [f.name for f in files] == ["march.zip/三月/readme.txt", "march.zip/三月/项目.csv"]
    assert [(p.code, p.value, p.severity) for p in problems] == [("skipped_member", "三月/chart.png", "warning")]


def test_bad_zip_and_total_limit():
    assert [p.code for p in expand_zip("x.zip", b"not a zip")[1]] == ["bad_zip"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.csv", (RESOURCES / "valid" / "projects.csv").read_bytes())
        archive.writestr("b.csv", b"x" * (2 * 1024 * 1024))
    files, problems = expand_zip("big.zip", buffer.getvalue(), ImportLimits(max_total_mb=1, max_ratio=10**6))
    assert files == [] and [(p.code, p.value, p.params) for p in problems] == [("too_large", "b.csv", {"limit_mb": 1})]


def test_gather_uploads_and_paths():
    files, problems = gather_uploads([("a.csv", b"x"), ("b.xls", b"y"), ("c.xlsx", b"not a zip")])
    assert [f.name for f in files] == ["a.csv"]
    assert [(p.file, p.code) for p in problems] == [("b.xls", "unsupported_file"), ("c.xlsx", "bad_workbook")]
    files, problems = gather_paths([RESOURCES / "valid", RESOURCES / "missing.csv"])
    assert len(files) == 8 and [p.code for p in problems] == ["no_such_file"]
