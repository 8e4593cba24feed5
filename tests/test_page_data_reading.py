"""AppTest of the Data page's reading choices: a workbook upload, and the date-order select passed to
the check and the import (the refusal asks to choose; choosing day-first imports)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from reports.xlsx_template import template_workbook
from store import db, snapshots
from store.contract import KIND_ORDER

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(data_page):
    return data_page  # conftest: the Data page through the router


def _template_with_day_first_date(lang: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(lang)))
    book["状态报告" if lang == "zh" else "status_reports"]["B2"] = "28/02/2026"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("lang", "asks"), [("zh", "请选择日在前")])  # English texts: tests/test_workbook.py
def test_a_workbook_with_day_first_dates_imports_once_the_order_is_chosen(app, db_file, lang, asks):
    at = app(lang)
    order = at.selectbox(key="data_date_order")
    assert order.value is None and order.options[0] == ("Not chosen (refuse them)" if lang == "en" else "未选择（拒绝此类日期）")
    at.file_uploader[0].set_value([(f"template_{lang}.xlsx", _template_with_day_first_date(lang), XLSX)]).run()
    assert not at.exception
    problems = at.main.dataframe[3].value  # contract, recognised files, problem totals, problems
    assert any(asks in text for text in problems.iloc[:, -1])
    assert at.button(key="data_import").disabled
    order.set_value("dmy").run()
    assert not at.exception and not at.button(key="data_import").disabled
    recognised = at.main.dataframe[1].value
    assert len(recognised) == len(KIND_ORDER)  # a row per sheet
    at.button(key="data_import").click().run()
    assert not at.exception
    assert snapshots.snapshot_count(db.cursor(db_file)) == 1
