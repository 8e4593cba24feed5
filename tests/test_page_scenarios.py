"""Scenarios page (情景对比): listing, comparison with differences, rename, recommend, delete, load."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from analytics.selection_types import SelectedProject, SelectionParams, SelectionResult
from store import db, decision_log, scenarios
from tests.markdown_text import shown
from tests.optimiser_pages_data import open_page, rerun, tables

CAPACITY = {"dev": {"2026-03": 4.0, "2026-04": 4.0}}


def _result(selected: list[tuple[str, str, str, float, float, bool]], objective: float, dev_load: list[float]) -> SelectionResult:
    chosen = tuple(SelectedProject(pid, name, cat, start, start, value, cost, 2.0, committed)
                   for pid, name, start, value, cost, committed, cat in [(*s[:6], "IT") for s in selected])
    return SelectionResult(
        status="optimal", objective=objective, bound=objective, gap=0.0, selected=chosen,
        total_cost=sum(p.cost for p in chosen), spend_by_month={"2026-03": 1.0},
        spend_by_category={"IT": sum(p.cost for p in chosen)},
        load={"dev": dict(zip(["2026-03", "2026-04"], dev_load, strict=True))}, capacity=CAPACITY, hires={},
        hire_cost=0.0, build_seconds=0.01, solve_seconds=0.02, solver="highs",
    )


@pytest.fixture
def prepared(db_file, optimiser_snapshot):
    """A snapshot with two saved scenarios: "Lean" (C1, P5) and "Growth" (C1, P2, P5 later)."""
    sid = optimiser_snapshot
    con = db.connect(db_file)
    params = SelectionParams(horizon_start="2026-03", budget=300.0)
    lean = _result([("C1", "核心系统升级", "2026-03", 80.0, 120.0, True), ("P5", "CRM 方案B", "2026-03", 70.0, 80.0, False)],
                   150.0, [3.0, 3.0])
    growth = _result([("C1", "核心系统升级", "2026-03", 80.0, 120.0, True), ("P2", "数据平台", "2026-04", 100.0, 200.0, False),
                      ("P5", "CRM 方案B", "2026-04", 70.0, 80.0, False)], 250.0, [2.0, 5.0])
    ids = {
        "Lean": scenarios.save_scenario(con, snapshot_id=sid, name="Lean", params=params,
                                        payload={"result": lean.to_dict(), "greedy_objective": 150.0}),
        "Growth": scenarios.save_scenario(con, snapshot_id=sid, name="Growth", params=params,
                                          payload={"result": growth.to_dict(), "greedy_objective": 200.0}),
    }
    con.close()
    return db_file, sid, ids


def _app(monkeypatch, db_file, language: str, snapshot: int) -> AppTest:
    return open_page(monkeypatch, db_file, "views/scenarios.py", language, snapshot)


@pytest.mark.parametrize(("language", "title", "diff_line", "context"), [
    ("en", "Scenario comparison", "In Growth (#2), not in Lean (#1) (1): P2",
     (("Objective", "Strategic value"), ("Weight set", "Objectives file weights"))),
    ("zh", "情景对比", "Growth (#2) 有而 Lean (#1) 没有（1 个）：P2",
     (("优化目标", "战略价值"), ("权重方案", "目标文件中的权重"))),
])
def test_listing_and_comparison(monkeypatch, prepared, language, title, diff_line, context):
    db_file, sid, ids = prepared
    at = _app(monkeypatch, db_file, language, sid)
    assert at.title[0].value == title
    listing = tables(at)[0]
    assert list(listing.iloc[:, 1]) == ["Growth", "Lean"]  # newest first
    assert list(listing.iloc[:, 4]) == [context[1][1]] * 2  # no weight set saved: the file's weights
    assert list(listing.iloc[:, 6]) == [250.0, 150.0]
    assert list(listing.iloc[:, 8]) == [0.0, 0.0]                  # of which hires
    assert list(listing.iloc[:, 9]) == ["300.00", "300.00"]
    # projects with their split: C1 committed in both, P2 + P5 or P5 new
    assert list(listing.iloc[:, 10]) == (["3 (1 committed + 2 new)", "2 (1 committed + 1 new)"] if language == "en"
                                         else ["3（已承诺 1 + 新提案 2）", "2（已承诺 1 + 新提案 1）"])
    # the comparison defaults to the first two scenarios: Growth then Lean
    compared = tables(at)[1]
    assert list(compared.columns) == [f"Growth (#{ids['Growth']})", f"Lean (#{ids['Lean']})"]
    for row, (label, text) in enumerate(context):                  # what each one optimised, first
        assert compared.index[row] == label and list(compared.iloc[row]) == [text, text]
    assert list(compared.iloc[2]) == ["250.00", "150.00"]          # value
    assert list(compared.iloc[3]) == ["400.00", "200.00"]          # cost
    peak = [i for i in compared.index if "dev" in i and ("Peak" in i or "峰值" in i)][0]
    assert list(compared.loc[peak]) == ["125.0%", "75.0%"]
    members = tables(at)[2]  # only the differences by default: C1 is in both, from the same month
    assert list(members.iloc[:, 0]) == ["P2", "P5"]
    assert list(members.iloc[0, 3:]) == ["2026-04", "—"]
    assert list(members.iloc[1, 3:]) == ["2026-04", "2026-03"]
    at.toggle(key="scen.only_diff").set_value(False)
    rerun(at)
    assert list(tables(at)[2].iloc[:, 0]) == ["C1", "P2", "P5"]
    assert any(diff_line in shown(m.value) for m in at.markdown)


def test_rename_recommend_withdraw_and_delete(monkeypatch, prepared):
    db_file, sid, ids = prepared
    at = _app(monkeypatch, db_file, "en", sid)
    at.selectbox(key="scen.pick").set_value(ids["Lean"])
    rerun(at)
    at.text_input(key=f"scen.new_name.{ids['Lean']}").set_value("Lean plan")
    at.button(key="scen.rename").click()
    rerun(at)
    assert not at.exception
    # refused: the other scenario's name, shown as a translated error, nothing renamed
    at.text_input(key=f"scen.new_name.{ids['Lean']}").set_value("growth")
    at.button(key="scen.rename").click()
    rerun(at)
    assert at.error[0].value == 'Another scenario of this snapshot is already called "growth".'
    assert sorted(tables(at)[0].iloc[:, 1]) == ["Growth", "Lean plan"]
    # recommend without rationale is refused, with one it is shown in the banner
    at.button(key="scen.recommend").click()
    rerun(at)
    assert at.error[0].value == "Write a rationale for the recommendation."
    at.text_area(key=f"scen.rationale.{ids['Lean']}").set_value("Fits the 2026 hiring freeze")
    at.button(key="scen.recommend").click()
    rerun(at)
    assert not at.exception and not at.error
    assert at.success[0].value == f"Recommended: **Lean plan \\(\\#{ids['Lean']}\\)** — Fits the 2026 hiring freeze"
    assert list(tables(at)[0].iloc[:, 2]) == ["", "★"]
    at.button(key="scen.withdraw").click()
    rerun(at)
    assert at.info[0].value == "No scenario is recommended for this snapshot yet."
    at.button(key="scen.recommend").click()  # the rationale is still in the box
    rerun(at)
    assert at.success
    # delete asks first; cancel keeps it, confirm removes it
    at.button(key="scen.delete").click()
    rerun(at)
    assert "Delete scenario Lean plan" in at.warning[0].value
    at.button(key="scen.cancel_delete").click()
    rerun(at)
    assert not at.warning
    at.button(key="scen.delete").click()
    rerun(at)
    at.button(key="scen.confirm_delete").click()
    rerun(at)
    assert not at.exception
    assert [label for label in tables(at)[0].iloc[:, 1]] == ["Growth"]
    con = db.connect(db_file)
    try:
        log = decision_log.entries(con, snapshot_id=sid)
        assert {"scenario_rename", "recommend", "scenario_delete"} <= set(log["action"])
        assert scenarios.recommended_scenario(con, sid) is None
    finally:
        con.close()


def test_load_into_optimiser_sets_session(monkeypatch, prepared):
    db_file, sid, ids = prepared
    at = _app(monkeypatch, db_file, "zh", sid)
    at.selectbox(key="scen.pick").set_value(ids["Growth"])
    rerun(at)
    at.button(key="scen.load").click()
    rerun(at)
    run = at.session_state["optimiser.run"]
    assert run.scenario_id == ids["Growth"] and run.result.objective == 250.0
    assert at.session_state["optimiser.params"] == {"snapshot_id": sid, "params": run.params.to_dict(),
                                                    "weight_set_name": None}
    assert run.params.budget == 300.0
    # and the optimiser page shows it without solving again, its form prefilled
    assert at.number_input(key="opt.budget.1").value == 300.0
    assert at.metric[0].value == "250.0"


def test_empty_snapshot_says_so(monkeypatch, db_file, optimiser_snapshot):
    at = _app(monkeypatch, db_file, "en", optimiser_snapshot)
    assert any("No scenario saved" in i.value for i in at.info)


def test_any_solved_scenario_offers_its_pack(monkeypatch, prepared, downloads):
    """The Scenarios page offers the pack of the chosen scenario, built on click like the CLI's."""
    from reports import export_scenario

    db_file, sid, ids = prepared
    at = _app(monkeypatch, db_file, "en", sid)
    assert not at.exception
    assert len(at.get("download_button")) == 3
    con = db.connect(db_file)
    try:
        chosen = at.selectbox(key="scen.pick").value
        assert chosen in ids.values()
        expected = export_scenario(con, chosen, "csv", "en", generated_on=dt.date.today())
    finally:
        con.close()
    assert downloads[expected.file_name] == expected.data
