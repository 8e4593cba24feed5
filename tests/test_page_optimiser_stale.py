"""Optimiser page: a result whose parameters no longer match the form is marked out of date and cannot be saved.

Issue 14: run with one budget, change the budget and tick hiring without pressing Optimise, press Save:
the scenario named for the new parameters held the old run, with no warning on the page. The page
now compares the form's `SelectionParams` with the shown run's field by field (`changed_fields`).
Portfolio: tests/optimiser_pages_data.py (budget 520 -> value 340).
"""

from __future__ import annotations

import pytest

from analytics.selection_types import SelectionParams
from store import db, scenarios
from tests import optimiser_pages_data
from tests.optimiser_pages_data import open_page, rerun
from ui import optimiser as opt

PAGE = "views/optimiser.py"


@pytest.fixture
def snapshot(db_file, optimiser_snapshot):
    return db_file, optimiser_snapshot


def _saved_names(db_file, sid) -> list[str]:
    con = db.connect(db_file)
    try:
        return list(scenarios.list_scenarios(con, sid)["name"])
    finally:
        con.close()


def _save_button(at):
    return at.button(key="opt.save")


@pytest.mark.parametrize(("language", "fields", "title"), [
    ("en", "Total budget over the horizon, Allow hiring extra capacity changed since this result was computed",
     "**Out of date:**"),
    ("zh", "总预算", "**结果已过期：**"),
])
def test_changed_parameters_mark_the_result_out_of_date_and_block_saving(monkeypatch, snapshot, language, fields,
                                                                          title):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, language, sid)
    at.number_input(key="opt.budget.0").set_value(optimiser_pages_data.BUDGET)
    at.button(key="opt.submit").click()
    rerun(at)
    assert not at.warning and not _save_button(at).disabled        # the result matches the form
    # change the budget and tick hiring, but do not press Optimise
    at.number_input(key="opt.budget.0").set_value(600.0)
    at.checkbox(key="opt.hiring.0").check()
    rerun(at)
    warning = at.warning[0].value
    assert warning.startswith(title) and fields in warning
    assert _save_button(at).disabled              # (AppTest, like a browser, cannot press a disabled button)
    assert at.metric[0].value == "340.0"          # the old result is still shown, marked out of date
    assert _saved_names(db_file, sid) == []
    # re-run: the result matches the form again and can be saved
    at.button(key="opt.submit").click()
    rerun(at)
    assert not at.warning and not _save_button(at).disabled
    run = at.session_state[opt.RUN_KEY]
    assert run.params.budget == 600.0 and run.params.allow_hiring
    at.text_input(key="opt.save_name").set_value("Budget 600 with hiring")
    _save_button(at).click()
    rerun(at)
    assert _saved_names(db_file, sid) == ["Budget 600 with hiring"]


def test_setting_a_value_back_is_not_a_change(monkeypatch, snapshot):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, "en", sid)
    at.number_input(key="opt.discount.0").set_value(0.7)   # percent on the form, 0.007 in the parameters
    at.button(key="opt.submit").click()
    rerun(at)
    assert not at.warning
    at.number_input(key="opt.months.0").set_value(12)
    rerun(at)
    assert "Horizon (months)" in at.warning[0].value
    at.number_input(key="opt.months.0").set_value(24)
    rerun(at)
    assert not at.warning and not _save_button(at).disabled


def test_unreadable_parameters_also_mark_the_result_out_of_date(monkeypatch, snapshot):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, "en", sid)
    at.button(key="opt.submit").click()
    rerun(at)
    at.multiselect(key="opt.force_in.0").set_value(["P1"])
    at.multiselect(key="opt.force_out.0").set_value(["P1"])
    rerun(at)
    assert at.warning[0].value.startswith("**Out of date:** the parameters above cannot be used")
    assert _save_button(at).disabled and not at.error   # the reason is shown when Optimise is pressed
    at.button(key="opt.submit").click()
    rerun(at)
    assert at.error[0].value == "A project cannot be forced both in and out: P1."


def test_changed_fields_compares_field_by_field():
    shown = SelectionParams(horizon_start="2026-03", budget=5000.0, discount_per_month=0.007,
                            force_in=("P1", "P2"), category_min_share={"IT": 0.1})
    assert opt.changed_fields(shown, shown) == ()
    same = SelectionParams(horizon_start="2026-03", budget=5000.0, discount_per_month=0.7 / 100.0,
                           force_in=("P2", "P1"), category_min_share={"IT": 10.0 / 100.0})
    assert opt.changed_fields(shown, same) == ()     # percent round trips and the picking order are no change
    wanted = SelectionParams(horizon_start="2026-03", budget=8000.0, allow_hiring=True, discount_per_month=0.007,
                             force_in=("P1", "P2"), category_min_share={"IT": 0.1}, weight_set_id=3)
    assert opt.changed_fields(shown, wanted) == ("budget", "allow_hiring", "weight_set_id")
    assert opt.changed_fields(shown, SelectionParams(horizon_start="2026-03", discount_per_month=0.007,
                                                     force_in=("P1", "P2"), category_min_share={"IT": 0.1})) == (
        "budget",)   # a limit removed (None) is a change too
