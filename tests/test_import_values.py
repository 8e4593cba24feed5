"""Cell parsing: every reading rule of the import contract, on the fast (Arrow) and slow (Python) paths."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from store.contract import KINDS
from store.import_values import (
    fold_width,
    parse_column,
    parse_date_text,
    parse_list_text,
    parse_month_text,
    parse_number_text,
)

PROJECTS = KINDS["projects"]
D = dt.date


def _parse(kind: str, column: str, cells: list[str]):
    result = parse_column(pa.array(cells, pa.string()), KINDS[kind].column(column))
    issues = {code: positions.tolist() for code, positions, _, _ in result.issues}
    severities = {code: severity for code, _, severity, _ in result.issues}
    return result.values.to_pylist(), issues, severities


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1200", 1200.0),
        ("1,200", 1200.0),
        ("1，200", 1200.0),
        ("１２００", 1200.0),
        ("１，２００．５", 1200.5),
        ("12,345,678.25", 12345678.25),
        ("1 200", 1200.0),
        (" -3.5 ", -3.5),
        ("+7", 7.0),
        ("1e3", 1000.0),
        (".5", 0.5),
    ],
)
def test_numbers_people_type(text, value):
    assert parse_number_text(text, None) == (value, None)


@pytest.mark.parametrize("text", ["abc", "1,5", "12,34", "1,2345", "nan", "inf", "1_000", "¥100", "1.2.3", "--1"])
def test_not_numbers(text):
    assert parse_number_text(text, None) == (None, "bad_number")


def test_percent_reading_depends_on_the_column():
    assert parse_number_text("45%", "points") == (45.0, None)
    assert parse_number_text("2.5％", "fraction") == (0.025, None)
    assert parse_number_text("45%", None) == (None, "percent_not_allowed")


def test_number_column_fast_and_slow_paths_agree():
    clean = ["1200", "450.5", "", "0"]
    messy = ["1,200", "450.5", "", "０"]
    assert _parse("projects", "budget", clean)[0] == _parse("projects", "budget", messy)[0] == [1200.0, 450.5, None, 0.0]


def test_number_column_problems_by_position():
    values, issues, _ = _parse("projects", "budget", ["1,200", "", "abc", "-5", "50%", "nan", "1e400"])
    assert values == [1200.0, None, None, None, None, None, None]
    assert issues == {
        "missing_value": [1],
        "bad_number": [2, 5, 6],
        "below_minimum": [3],
        "percent_not_allowed": [4],
    }


def test_range_with_maximum():
    values, issues, _ = _parse("projects", "risk_score", ["1", "5", "0.5", "5.5", ""])
    assert values == [1.0, 5.0, None, None, None]
    assert issues == {"out_of_range": [2, 3]}  # optional: an empty cell is fine


def test_whole_numbers():
    values, issues, _ = _parse("projects", "duration_months", ["12", "3.0", "2.5", "0", "１２", "1e20", "600", "601"])
    assert values == [12, 3, None, None, 12, None, 600, None]
    assert issues == {"not_integer": [2, 5], "out_of_range": [3, 7]}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2026-03-01", D(2026, 3, 1)),
        ("2026/3/1", D(2026, 3, 1)),
        ("2026年3月1日", D(2026, 3, 1)),
        ("２０２６年３月１日", D(2026, 3, 1)),
        ("2026-3-1", D(2026, 3, 1)),
        ("2026.03.01", D(2026, 3, 1)),
        ("20260301", D(2026, 3, 1)),
        ("2026-03-01 00:00:00", D(2026, 3, 1)),  # what Excel writes for a date cell
        ("2028-02-29", D(2028, 2, 29)),
    ],
)
def test_dates(text, value):
    assert parse_date_text(text) == (value, None)


@pytest.mark.parametrize("text", ["2026-02-30", "2027-02-29", "2026-13-01", "March 1"])
def test_not_dates(text):
    assert parse_date_text(text) == (None, "bad_date")


@pytest.mark.parametrize("text", ["03/01/2026", "01.03.2026", "25/03/2026"])
def test_day_or_month_first_dates_need_a_chosen_order(text):
    # 03/01/2026 is 3 January or 1 March depending on who typed it: never guessed (docs/import.md).
    assert parse_date_text(text) == (None, "date_order_needed")


@pytest.mark.parametrize(
    ("text", "value", "code"),
    [
        ("2026-03", D(2026, 3, 1), None),
        ("2026/3", D(2026, 3, 1), None),
        ("2026年3月", D(2026, 3, 1), None),
        ("2026年03月", D(2026, 3, 1), None),
        ("202603", D(2026, 3, 1), None),
        ("2026-03-01", D(2026, 3, 1), None),  # Excel's rendering of a month cell
        ("2026/3/15", D(2026, 3, 1), "month_from_date"),
        ("2026-13", None, "bad_month"),
        ("2026-00", None, "bad_month"),
        ("March", None, "bad_month"),
    ],
)
def test_months(text, value, code):
    assert parse_month_text(text) == (value, code)


def test_month_column_warning_does_not_block():
    values, issues, severities = _parse("projects", "start_month", ["2026-03", "2026-03-15", "x"])
    assert values == [D(2026, 3, 1), D(2026, 3, 1), None]
    assert issues == {"month_from_date": [1], "bad_month": [2]}
    assert severities == {"month_from_date": "warning", "bad_month": "error"}


def test_status_in_english_and_chinese():
    cells = ["active", "Active", "进行中", "on hold", "On-Hold", "暂停", "已完成", "提议", "planning"]
    values, issues, _ = _parse("projects", "status", cells)
    assert values == ["active", "active", "active", "on_hold", "on_hold", "on_hold", "completed", "proposed", None]
    assert issues == {"bad_enum": [8]}


def test_rag_words():
    values, issues, _ = _parse("status_reports", "rag", ["绿", "黄", "红", "Green", "amber", "", "blue"])
    assert values == ["green", "amber", "red", "green", "amber", None, None]
    assert issues == {"bad_enum": [6]}


def test_mandatory_words_and_default():
    values, issues, _ = _parse("projects", "mandatory", ["是", "否", "yes", "NO", "true", "0", "1", "", "maybe"])
    assert values == [True, False, True, False, True, False, True, False, False]
    assert issues == {"bad_bool": [8]}


def test_score_numbers_and_words():
    values, issues, _ = _parse("project_scores", "score", ["3", "无", "低", "中", "高", "极高", "Very High", "很好", "6"])
    assert values == [3.0, 0.0, 1.0, 2.0, 4.0, 5.0, 5.0, None, None]
    assert issues == {"bad_score": [7], "out_of_range": [8]}


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("P1;P2", ["P1", "P2"]),
        ("P1；P2", ["P1", "P2"]),
        ("P1, P2", ["P1", "P2"]),
        ("P1，P2", ["P1", "P2"]),
        ("P1、P2", ["P1", "P2"]),
        ("Ｐ３; P3;;", ["P3"]),
        ("", []),
    ],
)
def test_dependency_lists(text, ids):
    assert parse_list_text(text) == (ids, None)


def test_list_column_empty_is_an_empty_list():
    values, issues, _ = _parse("projects", "depends_on", ["P1;P2", "", "  "])
    assert values == [["P1", "P2"], [], []]
    assert issues == {}


def test_ids_are_trimmed_and_width_folded():
    values, issues, _ = _parse("projects", "project_id", [" P001 ", "Ｐ００２", "\u3000P003\u3000", "项目一", ""])
    assert values == ["P001", "P002", "P003", "项目一", None]
    assert issues == {"missing_value": [4]}
    assert fold_width("Ｐ－００１") == "P-001"


def test_text_keeps_full_width_punctuation():
    values, _, _ = _parse("projects", "name", ["  数据治理（一期） ", "CRM"])
    assert values == ["数据治理（一期）", "CRM"]


def test_large_column_with_a_few_bad_cells():
    cells = np.char.mod("%d.5", np.arange(50_000)).astype(object)
    cells[[10, 40_000]] = ["1,234.5", "oops"]
    values, issues, _ = _parse("status_reports", "planned_value", cells.tolist())
    assert values[9] == 9.5 and values[10] == 1234.5 and values[40_000] is None and values[-1] == 49_999.5
    assert issues == {"bad_number": [40_000]}
