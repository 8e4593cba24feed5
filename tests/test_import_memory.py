"""What keeps an import's memory small (issue 18) without changing what it reports: files on disk read when
parsed, cell text kept only where it differs from the typed value, Arrow's cast of clean number columns,
the sort-based duplicate test and the demand-after-end check a chunk at a time."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from store import import_checks
from store.contract import KINDS
from store.import_checks import CellText, _repeats
from store.import_read import csv_source, gather_paths
from store.import_values import _clean_cast, _numbers, _parse_int, _parse_number
from store.importer import check_paths

RESOURCES = Path(__file__).resolve().parent / "resources"
VALID = RESOURCES / "valid"


def test_a_csv_file_on_disk_is_not_held_while_gathering(tmp_path):
    files, problems = gather_paths([VALID / "demand.csv"])
    assert problems == [] and len(files) == 1
    raw = files[0]
    written = (VALID / "demand.csv").read_bytes()
    assert raw.data == b"" and raw.size == len(written)
    assert raw.sha256 == hashlib.sha256(written).hexdigest()
    assert raw.read() == written


def test_a_utf8_file_is_streamed_from_disk_and_read_as_before(tmp_path):
    target = tmp_path / "demand.csv"
    target.write_bytes(b"\xef\xbb\xbf" + (VALID / "demand.csv").read_bytes())  # with a BOM
    raw = gather_paths([target])[0][0]
    source = csv_source(raw)
    assert source.encoding == "utf-8-sig" and source.headers == ["project_id", "role", "month_offset", "fte"]
    text = source.read_rows([None] * 4)
    assert text.table.column(0).to_pylist()[:2] == ["P001", "P001"] and text.row_numbers[0] == 2


def test_a_gbk_file_on_disk_is_still_converted(tmp_path):
    target = tmp_path / "demand.csv"
    target.write_bytes("project_id,role,month_offset,fte\nP001,项目经理,0,1\n".encode("gbk"))
    source = csv_source(gather_paths([target])[0][0])
    assert source.encoding == "gb18030"
    assert source.read_rows([None] * 4).table.column(1).to_pylist() == ["项目经理"]


def test_cell_text_keeps_only_the_cells_written_otherwise():
    cells = pa.array(["1", "1,200", "2026", "", "7"])
    typed = pa.array([1, 1200, 2026, None, 7], pa.int64())
    kept = CellText.of(cells, typed)
    assert kept.positions.tolist() == [1]  # "1,200" is not how 1200 reads back
    assert kept.take(pa.array([4, 1, 3, 0])).to_pylist() == ["7", "1,200", "", "1"]
    clean = CellText.of(pa.array(["P001", "P002"]), pa.array(["P001", "P002"]))
    assert clean.positions.tolist() == []


def test_cell_text_of_a_column_written_otherwise_throughout_keeps_every_cell():
    cells = pa.array(["是", "否", "是"] * 3)
    kept = CellText.of(cells, pa.array([True, False, True] * 3))
    assert kept.positions is None
    assert kept.take(pa.array([1, 2])).to_pylist() == ["否", "是"]


def test_problems_show_the_cell_as_written(tmp_path):
    for name in ("projects.csv", "demand.csv"):
        shutil.copy(VALID / name, tmp_path / name)
    demand = tmp_path / "demand.csv"
    demand.write_text(demand.read_text(encoding="utf-8") + "Ｐ００９,Developer,0,1\n", encoding="utf-8")
    report = check_paths([tmp_path])
    unknown = [p for p in report.problems if p.file == "demand.csv" and p.column == "project_id" and p.is_error]
    assert [(p.row, p.value) for p in unknown] == [(11, "Ｐ００９")]


NUMBER_TEXTS = ["0", "1", "12", "-3", "+5", "05", "1.5", "1e3", "2.0", "nan", "inf", "", "9007199254740993",
                "1,200", "99", "101", "0.5", "-0.0", "1e400", "3%"]
NUMBER_COLUMNS = [c for kind in KINDS.values() for c in kind.columns if c.type in ("int", "number")]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NUMBER_COLUMNS), st.lists(st.sampled_from(NUMBER_TEXTS), min_size=1, max_size=8))
def test_arrow_cast_of_a_clean_column_gives_what_the_full_rules_give(column, texts):
    cells = pa.array(texts)
    empty = np.array([t == "" for t in texts])
    arrow_type = pa.int64() if column.type == "int" else pa.float64()
    clean = _clean_cast(cells, empty, column, arrow_type)
    result = (_parse_int if column.type == "int" else _parse_number)(cells, empty, column)
    if clean is None:
        return
    _, slow = _numbers(cells, empty, column)
    assert not slow.issues and not result.issues
    out = np.array([np.nan if v is None else v for v in clean.to_pylist()], dtype=float)
    full = _numbers(cells, empty, column)[0]
    assert np.array_equal(out, full, equal_nan=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-5, max_value=5), max_size=40))
def test_repeats_are_pandas_duplicated(values):
    codes = np.array(values, dtype=np.int64)
    assert _repeats(codes).tolist() == pd.Series(codes).duplicated(keep="first").tolist()


def test_demand_after_end_is_the_same_a_chunk_at_a_time(tmp_path, monkeypatch):
    for name in ("projects.csv", "demand.csv"):
        shutil.copy(VALID / name, tmp_path / name)
    demand = tmp_path / "demand.csv"
    demand.write_text(demand.read_text(encoding="utf-8") + "P004,PM,4,1\nP004,PM,3,1\nP001,PM,12,1\n", encoding="utf-8")

    def late_rows() -> list[int]:
        report = check_paths([tmp_path])
        return [p.row for p in report.problems if p.code == "demand_after_end"]

    whole = late_rows()
    monkeypatch.setattr(import_checks, "TEXT_CHUNK", 2)
    assert whole == late_rows() == [11, 13]  # P004 lasts 4 months (0-3), P001 12 (0-11)
