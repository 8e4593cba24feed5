"""The pack shows what is known: no slide or sheet that only says something was not computed, no
"see the Role load sheet" in the deck, and the left-out reasons in the workbook formatted by the
same formatter as the Optimiser page's table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from reports.deck import pack_to_pptx
from reports.excel import pack_to_xlsx, sheet_names
from reports.pack import Finding, build_pack
from reports.text import ReportText
from tests import report_helpers as h

DAY = dt.date(2026, 1, 15)


@pytest.fixture
def pack(con):
    return build_pack(con, h.make_scenario(con, h.make_snapshot(con)), generated_on=DAY)


def _texts(prs) -> list[str]:
    return [shape.text_frame.text for slide in prs.slides for shape in slide.shapes
            if shape.has_text_frame and shape.text_frame.text]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_frontier_no_frontier_slide_or_sheet(pack, lang):
    bare = dataclasses.replace(pack, frontier=())
    prs = Presentation(io.BytesIO(pack_to_pptx(bare, lang)))
    assert len(prs.slides) == 8  # 9 with a frontier (both with the economics slide)
    none_text = ReportText(lang)("report.frontier.none")
    assert none_text not in _texts(prs)
    wb = load_workbook(io.BytesIO(pack_to_xlsx(bare, lang)))
    assert ReportText(lang)("report.sheet.frontier") not in wb.sheetnames
    assert wb.sheetnames == list(sheet_names(lang, bare)) and len(wb.sheetnames) == 9   # with the economics sheets
    assert len(load_workbook(io.BytesIO(pack_to_xlsx(pack, lang))).sheetnames) == 10
    assert len(load_workbook(io.BytesIO(pack_to_xlsx(dataclasses.replace(bare, economics=None), lang))).sheetnames) == 7


def test_left_out_sheet_without_prices_has_no_price_columns(pack):
    unpriced = dataclasses.replace(pack, left_out=tuple(
        dataclasses.replace(p, price_of_forcing=None, forcing_infeasible=False, forced_out=False) for p in pack.left_out))
    ws = load_workbook(io.BytesIO(pack_to_xlsx(unpriced, "en")))["Left out"]
    headers = [c.value for c in ws[1] if c.value]
    assert headers[-1] == "Why it was left out" and "Not computed." not in [c.value for row in ws.iter_rows() for c in row]


@pytest.mark.parametrize(("lang", "expected", "sheet_word"), [
    ("en", "2 more role(s) run at 95% or more of capacity in some month: 测试, 运维.", "Role load"),
    ("zh", "另有 2 个角色在某些月份利用率达到 95% 以上：测试、运维。", "角色负荷"),
])
def test_the_deck_names_the_other_loaded_roles_instead_of_a_sheet(pack, lang, expected, sheet_word):
    more = Finding("capacity_more", {"count": 2, "roles": ("测试", "运维")})
    loaded = dataclasses.replace(pack, risks=(*pack.risks, more))
    texts = "\n".join(_texts(Presentation(io.BytesIO(pack_to_pptx(loaded, lang)))))
    assert expected in texts and sheet_word not in texts
    workbook = ReportText(lang).finding(more, "万元")
    assert sheet_word in workbook  # the workbook has that sheet and may point to it


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_and_workbook_format_reasons_alike(pack, lang, monkeypatch):
    from ui.optimiser import tables as opt

    monkeypatch.setattr(opt, "lang", lambda: lang)
    monkeypatch.setattr(opt, "t", lambda key, **params: ReportText(lang)(key, **params))
    item = h.left_out()[0]
    page = opt.left_out_frame([item]).iloc[0, 4]
    ws = load_workbook(io.BytesIO(pack_to_xlsx(pack, lang)))[ReportText(lang)("report.sheet.left_out")]
    assert page == ws["G2"].value == ReportText(lang).reasons(item.reasons)
