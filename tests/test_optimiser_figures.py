"""Optimiser figures and Markdown texts: the Gantt marks today and the horizon start; user text is escaped.

Issue 14 (Gantt lines) and issue 13 §4 for this page: a project called `**x**` or `<b>x</b>` shows as typed.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from analytics.selection_types import LeftOut, MarginalValue, Reason, SelectedProject, SelectionResult
from i18n import translate
from tests import optimiser_pages_data
from tests.optimiser_pages_data import open_page, rerun
from ui import optimiser as opt
from ui.session import lang
from ui.text import md

RESULT = SelectionResult(
    status="optimal", objective=10.0, bound=10.0, gap=0.0,
    selected=(SelectedProject("P1", "<b>Bold</b> [x](http://h)", "IT", "2026-03", "2026-05", 10.0, 5.0, 1.0, False),),
    total_cost=5.0, spend_by_month={"2026-03": 5.0}, spend_by_category={"<i>IT</i>": 5.0},
    load={"<dev>": {"2026-03": 1.0}}, capacity={"<dev>": {"2026-03": 2.0}}, hires={}, hire_cost=0.0,
    build_seconds=0.0, solve_seconds=0.0, solver="highs",
)


def test_gantt_marks_the_horizon_start_and_today():
    fig = opt.gantt_figure(RESULT, "2026-03", today=dt.date(2026, 4, 15))
    lines = [(pd.Timestamp(s.x0), s.line.dash) for s in fig.layout.shapes]
    assert lines == [(pd.Timestamp("2026-03-01"), "dash"), (pd.Timestamp("2026-04-15"), "dash")]
    language = lang()   # outside a page: the app's default language
    assert [a.text for a in fig.layout.annotations] == [translate(language, "optrun.gantt.horizon_start"),
                                                        translate(language, "optrun.gantt.today")]


def test_user_text_reaches_plotly_escaped():
    label = "P1 · &lt;b&gt;Bold&lt;/b&gt; [x](http://h)"
    assert list(opt.gantt_figure(RESULT).data[0].y) == [label]
    assert list(opt.heatmap_figure(RESULT).data[0].y) == ["&lt;dev&gt;"]
    assert list(opt.spend_category_figure(RESULT).data[0].x) == ["&lt;i&gt;IT&lt;/i&gt;"]


def test_left_out_detail_escapes_names_and_reasons():
    item = LeftOut("P9", "**Big** [link](http://h)", 5.0, 3.0, (Reason("forced_out", {}),))
    text = opt.left_out_detail(item)
    assert md("P9 · **Big** [link](http://h)") in text.splitlines()[0]
    assert "[link](http" not in text and "**Big**" not in text


@pytest.mark.parametrize(("language", "placeholder"), [("en", "no bound"), ("zh", "不设限")])
def test_balance_table_shows_no_bound_instead_of_none(monkeypatch, db_file, optimiser_snapshot, language, placeholder):
    at = open_page(monkeypatch, db_file, "views/optimiser.py", language, optimiser_snapshot)
    shares = next(d for d in at.dataframe if getattr(d, "key", None) == "opt.shares.0")
    assert placeholder in str(shares.proto)          # what an empty (no bound) cell shows, not "None"


def test_left_out_reasons_are_wide_and_rows_tall_enough_to_wrap(monkeypatch, db_file, optimiser_snapshot):
    at = open_page(monkeypatch, db_file, "views/optimiser.py", "en", optimiser_snapshot)
    at.number_input(key="opt.budget.0").set_value(optimiser_pages_data.BUDGET)
    at.button(key="opt.submit").click()
    rerun(at)
    left_out = next(d for d in at.dataframe if "Why left out" in d.value.columns)
    config = json.loads(left_out.proto.columns)["Why left out"]
    assert config["width"] == "large" and "Read every reason for" in config["help"]
    assert left_out.proto.row_height == 72


def test_marginal_table_names_the_binding_months_and_why_zero():
    values = (
        MarginalValue("dev", "role", 6.0, "resolve", "exact for a step of 1", 1.0, "explain.marginal.exact",
                      {"step": "1"}, ("2026-01",)),
        MarginalValue("pm", "role", 0.0, "resolve", "", 1.0, "optrun.marginal.other_limits", {"fte": 3},
                      ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")),
    )
    frame = opt.marginal_frame(values)
    language = lang()
    months = translate(language, "optrun.col.binding_months")
    assert list(frame[months]) == ["2026-01", translate(language, "optrun.marginal.months_range", first="2026-01",
                                                              last="2026-05", n=5)]
    note = translate(language, "optimiser.col.note")
    assert list(frame[note])[1] == translate(language, "optrun.marginal.other_limits", fte=3)


def test_a_scenario_name_is_shown_as_typed(monkeypatch, db_file, optimiser_snapshot):
    at = open_page(monkeypatch, db_file, "views/optimiser.py", "en", optimiser_snapshot)
    at.button(key="opt.submit").click()
    rerun(at)
    name = "**Plan** [x](http://h) ![i](http://h/p.png)"
    at.text_input(key="opt.save_name").set_value(name)
    at.button(key="opt.save").click()
    rerun(at)
    assert md(name) in at.success[0].value and "](http" not in at.success[0].value
    rerun(at)   # the result's heading now names the scenario
    assert any(s.value == f"Scenario “{md(name)}” (#1)" for s in at.subheader)
