"""The selected-projects CSV: UTF-8 with BOM, Excel-friendly, safe text, plain numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest

from reports import export_scenario
from reports.csv_export import BOM, frame_to_csv, rows_to_csv
from tests import report_helpers as h

DAY = dt.date(2026, 1, 15)


@pytest.fixture
def scenario_id(con):
    return h.make_scenario(con, h.make_snapshot(con))


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM.encode("utf-8"))  # so Excel on a Chinese Windows reads UTF-8, not GBK
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_selected_list_equals_the_scenario(con, scenario_id):
    export = export_scenario(con, scenario_id, "csv", "zh", generated_on=DAY)
    assert export.file_name == "入选项目_方案A_2026-01-01.csv" and export.mime_type == "text/csv"
    rows = _rows(export.data)
    assert rows[0][:6] == ["项目编号", "项目名称", "项目类别", "部门", "类型", "开始月份"]
    assert [r[0] for r in rows[1:]] == ["P1", "P2", "P3"]
    assert [r[1] for r in rows[1:]] == ["智慧园区一期", "'" + h.INJECTION, "ERP 升级"]
    assert [r[5] for r in rows[1:]] == ["2026-02", "2026-03", "2026-01"]
    assert sum(float(r[8]) for r in rows[1:]) == sum(p.cost for p in h.result().selected) == 800.0
    assert rows[1][4] == "新提案" and rows[3][4] == "已承诺"
    assert export.data.count(b"\r\n") == 4


def test_english_headers(con, scenario_id):
    rows = _rows(export_scenario(con, scenario_id, "csv", "en", generated_on=DAY).data)
    assert rows[0][:2] == ["Project ID", "Project"] and rows[0][8] == "Cost (万元)"
    assert rows[2][-2:] == ["no", "yes"]  # P2: not mandatory, forced in


def test_rows_to_csv_keeps_numbers_plain_and_quotes_separators():
    rows = _rows(rows_to_csv(["=h", "n"], [["a,b", -1.5], ["@x", 0.1 + 0.2], [None, float("nan")]]))
    assert rows == [["'=h", "n"], ["a,b", "-1.5"], ["'@x", "0.3"], ["", ""]]


def test_frame_to_csv():
    frame = pd.DataFrame({"action": ["optimize", "+cmd"], "snapshot_id": [1, 2], "logged_at": pd.to_datetime(["2026-01-02 10:00", "2026-01-03 00:00"])})
    assert _rows(frame_to_csv(frame)) == [["action", "snapshot_id", "logged_at"], ["optimize", "1", "2026-01-02 10:00:00"],
                                          ["'+cmd", "2", "2026-01-03 00:00:00"]]
