"""ReportText: left-out reasons (rounded, joined once per language) and marginal-value resource names."""

from __future__ import annotations

import pytest

from analytics.selection_types import Reason
from i18n import translate
from reports.text import ReportText

DENSITY = Reason("low_value_density", {"resource": "架构师", "density": 14.5714, "chosen_median": 29.5789,
                                       "chosen_min": 12.4889})
FORCED_OUT = Reason("forced_out")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_numbers_in_a_reason_are_rounded_to_two_decimals(lang):
    text = ReportText(lang).reason(DENSITY)
    assert text == translate(lang, "explain.low_value_density", resource="架构师", density=14.57, chosen_median=29.58,
                             chosen_min=12.49)
    assert "14.57" in text and "29.58" in text and "12.49" in text and "14.5714" not in text


def test_whole_numbers_and_text_parameters_are_left_alone():
    reason = Reason("dependency_late", {"predecessor": "P4", "finish": "2026-06", "starts": 1, "total_starts": 2})
    assert ReportText("en").reason(reason) == translate("en", "explain.dependency_late", predecessor="P4",
                                                        finish="2026-06", starts=1, total_starts=2)


def test_chinese_reasons_are_joined_with_one_semicolon_and_end_with_one_full_stop():
    tx = ReportText("zh")
    first, second = tx.reason(FORCED_OUT), tx.reason(DENSITY)
    assert first.endswith("。") and second.endswith("。")
    assert tx.reasons((FORCED_OUT, DENSITY)) == first[:-1] + "；" + second
    assert tx.reasons((FORCED_OUT,)) == first
    assert tx.reasons(()) == ""


def test_english_reasons_are_sentences_joined_with_a_space():
    tx = ReportText("en")
    first, second = tx.reason(FORCED_OUT), tx.reason(DENSITY)
    assert tx.reasons((FORCED_OUT, DENSITY)) == f"{first} {second}"
    assert ";" not in tx.reasons((FORCED_OUT, DENSITY))


@pytest.mark.parametrize(("lang", "joiner", "end"), [("en", ". ", ""), ("zh", "；", "")])
def test_a_reason_without_text_still_reads_as_a_sentence_among_the_others(lang, joiner, end):
    tx = ReportText(lang)
    reasons = (Reason("no_text_code", {"share": 0.3333}), FORCED_OUT)
    assert tx.reasons(reasons) == "no_text_code (share=33.3%)" + joiner + tx.reason(FORCED_OUT) + end


@pytest.mark.parametrize(("lang", "budget"), [("zh", "预算（每万元）"), ("en", "Budget (per 万元)")])
def test_marginal_resource_names(lang, budget):
    tx = ReportText(lang)
    assert tx.resource("budget", "budget", "万元") == budget
    assert tx.resource("role", "架构师", "万元") == "架构师"
