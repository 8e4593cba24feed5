"""Numbers as the reader sees them (i18n.numbers): one formatting home for pages, CLI and exports."""

from __future__ import annotations

import math

import pytest

from analytics.selection_types import Reason
from i18n.numbers import money, number, percent, reason_params, reason_text, utilisation_text
from reports.text import ReportText


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_numbers_percent_money(lang):
    assert number(1234567.891, lang, 2) == "1,234,567.89"
    assert number(-1234.5, lang, 1) == "-1,234.5"
    assert percent(0.2345, lang, 1) == "23.4%"
    assert number(None, lang) == "—" and number(math.nan, lang) == "—"
    assert money(3812.25, "万元", lang) == ("3,812.2 万元" if lang == "en" else "3,812.2万元")


def test_utilisation_shown_the_same_everywhere():
    assert utilisation_text(2.3, "en") == "230%"
    assert utilisation_text(math.inf, "zh") == "∞"
    assert utilisation_text(math.nan, "en") == "—"


def test_reason_parameters_are_numbers_formatted_for_the_reader():
    params = {"budget": 1234.5, "committed": 20.0, "short": 10.0, "year": 2027, "share": 2 / 3, "gap": 0.0123,
              "roles": ("开发", "测试")}
    assert reason_params(params, "en") == {"budget": "1,234.50", "committed": "20.00", "short": "10.00", "year": "2027",
                                           "share": "66.7%", "gap": "1.23%", "roles": "开发, 测试"}
    assert reason_params(params, "zh")["roles"] == "开发、测试"


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Total budget 1,234.50: committed work already spends 20.00 in the horizon; the nearest plan (with the "
           "mandatory and forced-in projects) needs 10.00 more."),
    ("zh", None),
])
def test_page_cli_and_pack_read_a_reason_alike(lang, expected):
    reason = Reason("infeasible_budget", {"budget": 1234.5, "committed": 20.0, "short": 10.0})
    text = reason_text(lang, reason.code, reason.params)
    if expected is not None:
        assert text == expected
    assert "1,234.50" in text and "20.00" in text and "10.00" in text
    assert ReportText(lang).reason(reason) == text
    assert reason_text(lang, "no_such_code", {}) == "no_such_code"
