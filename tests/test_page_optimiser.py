"""Optimiser page (组合优化): run from the form, KPI tiles, explanations, on-demand work, save, recommend.

The portfolio of `tests/optimiser_pages_data.py` has a hand-worked optimum: with a budget of 520 the
model keeps C1 and takes P2, P3, P5 and P6 for a value of 340 at a cost of 510.
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from analytics.errors import InvalidInput
from analytics.selection_types import FrontierPoint
from store import db, decision_log, scenarios
from tests import optimiser_pages_data
from tests.optimiser_pages_data import open_page, rerun, tables
from ui import optimiser as opt

PAGE = "views/optimiser.py"


@pytest.fixture
def snapshot(db_file, optimiser_snapshot):
    return db_file, optimiser_snapshot


def _optimise(at, budget: float | None = optimiser_pages_data.BUDGET):
    at.number_input(key="opt.budget.0").set_value(budget)
    at.button(key="opt.submit").click()
    return rerun(at)


def _show_changed_run(at, **changes):
    """Put the page's run back with some fields changed (a state a test cannot get from a small
    solve, such as a time-limited one) and draw the page again."""
    run = at.session_state[opt.RUN_KEY]
    at.session_state[opt.RUN_KEY] = dataclasses.replace(run, payload=dataclasses.replace(run.payload, **changes))
    return rerun(at)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize(("language", "labels", "title"), [
    ("en", ("Value", "Cost", "Optimality gap", "Projects"), "Portfolio optimiser"),
    ("zh", ("总价值", "总成本", "最优性间隙", "项目数"), "组合优化"),
])
def test_run_shows_hand_worked_optimum_and_saves(monkeypatch, snapshot, language, labels, title):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, language, sid)
    assert at.title[0].value == title
    assert not at.metric  # nothing solved yet
    _optimise(at)
    tiles = _metrics(at)
    value, cost, gap, projects = labels
    assert tiles[value] == "340.0"
    assert tiles[cost] == "510.0"
    assert tiles[gap] == "0.00%"
    assert tiles[projects] == "5"
    schedule = tables(at)[0]
    starts = dict(zip(schedule.iloc[:, 0], schedule.iloc[:, 3], strict=True))
    assert sorted(starts) == list(optimiser_pages_data.HAND_OPTIMUM_IDS)
    # the only schedule that fits dev: P5 before P2, P2 from June, P6 once P2 has finished
    assert (starts["C1"], starts["P5"], starts["P2"], starts["P6"]) == ("2026-03", "2026-03", "2026-06", "2026-12")
    left_out = tables(at)[1]
    assert sorted(left_out.iloc[:, 0]) == ["P1", "P4", "P7"]
    reasons = dict(zip(left_out.iloc[:, 0], left_out.iloc[:, 4], strict=True))
    assert all(text and not text.startswith("explain.") for text in reasons.values())
    # every solve is logged
    con = db.connect(db_file)
    try:
        log = decision_log.entries(con, actions=["optimize"], snapshot_id=sid)
        assert len(log) == 1
        details = json.loads(log.loc[0, "details"])
        assert details["status"] == "optimal" and details["objective"] == pytest.approx(340.0)
    finally:
        con.close()
    # save as a scenario, then find it on the Scenarios page and recommend it
    at.text_input(key="opt.save_name").set_value("Budget 520")
    at.button(key="opt.save").click()
    rerun(at)
    assert "Budget 520" in at.success[0].value
    at.switch_page("views/scenarios.py")
    rerun(at)
    listing = tables(at)[0]
    assert list(listing.iloc[:, 1]) == ["Budget 520"]
    assert list(listing.iloc[:, 6]) == [340.0]  # after the weight-set column
    at.text_area(key=f"scen.rationale.{int(listing.iloc[0, 0])}").set_value("最优且不超预算")
    at.button(key="scen.recommend").click()
    rerun(at)
    assert "最优且不超预算" in at.success[0].value


def test_without_budget_p7_comes_in(monkeypatch, snapshot):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, "en", sid)
    _optimise(at, None)
    tiles = _metrics(at)
    assert tiles["Value"] == "360.0" and tiles["Cost"] == "660.0" and tiles["Projects"] == "6"


def test_forcing_marginal_values_and_frontier(monkeypatch, snapshot):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, "en", sid)
    _optimise(at)
    # price of forcing P1 in: P1 and P2 cannot share the dev left beside C1, so P2 and P6 (150) go
    # and P7 (20) comes in: C1 + P1 + P3 + P5 + P7 = 80 + 80 + 40 + 70 + 20 = 290, 50 below 340
    at.multiselect(key="opt.forcing_ids.0").set_value(["P1"])
    at.button(key="opt.price").click()
    rerun(at)
    run = at.session_state[opt.RUN_KEY]
    priced = {i.project_id: i for i in run.explanations}
    assert priced["P1"].price_of_forcing == pytest.approx(50.0)
    assert priced["P4"].price_of_forcing is None
    at.selectbox(key="opt.left_out_detail.0").set_value("P1")
    rerun(at)
    detail = [m.value for m in at.markdown if m.value.startswith("**P1 · 移动应用**")][0]
    assert "— value 80.00, cost 100.00" in detail
    assert f"Price of forcing it in: **{priced['P1'].price_of_forcing:,.2f}**" in detail
    assert detail.count("\n- ") == len(priced["P1"].reasons)
    at.button(key="opt.marginal").click()
    rerun(at)
    run = at.session_state[opt.RUN_KEY]
    # by hand: one more dev still cannot run P1 beside P2 and C1 (6 > 5 FTE), one more analyst frees
    # nothing, and 5 % more budget (26) buys no further project: every exact re-solve gains 0
    exact = {m.resource: m.value_per_unit for m in run.marginal_values if m.method == "resolve"}
    assert exact == {"dev": 0.0, "analyst": 0.0, "budget": 0.0}
    shown = tables(at)[2]
    resolved = shown[shown["Method"] == "re-solve"]
    assert sorted(resolved["Resource"]) == ["Budget (one unit of currency)", "analyst", "dev"]
    assert "exact for a step of 26" in list(resolved["Note"])
    at.number_input(key="opt.points").set_value(4)
    at.button(key="opt.frontier").click()
    rerun(at)
    run = at.session_state[opt.RUN_KEY]
    assert len(run.frontier) == 4
    values = [p.objective for p in run.frontier if p.objective is not None]
    assert values == sorted(values)  # more budget never loses value
    config = json.loads(at.dataframe[-1].proto.columns)   # the frontier's table, last on the page
    assert {config[c]["type_config"]["format"] for c in ("Budget", "Value", "Cost")} == {"localized"}  # 4,223.14
    # the saved scenario keeps what was computed on demand
    at.text_input(key="opt.save_name").set_value("With frontier")
    at.button(key="opt.save").click()
    rerun(at)
    con = db.connect(db_file)
    try:
        stored = scenarios.get_scenario(con, at.session_state[opt.RUN_KEY].scenario_id)
        assert len(stored.payload["frontier"]) == 4 and stored.payload["marginal_values"]
        assert any(e["price_of_forcing"] for e in stored.payload["explanations"])
        # every re-solve behind an analysis is in the decision log, tied to the run by its params hash
        log = decision_log.entries(con, actions=["price_of_forcing", "marginal_values", "frontier"])
        assert sorted(log["action"]) == ["frontier", "marginal_values", "price_of_forcing"]
        hashes = {json.loads(d)["params_hash"] for d in log["details"]}
        assert hashes == {stored.params.params_hash()}
        price = json.loads(log.loc[log["action"] == "price_of_forcing", "details"].iloc[0])
        assert price["prices"]["P1"] == pytest.approx(50.0)
    finally:
        con.close()


def test_forced_in_and_out_at_once_is_refused(monkeypatch, snapshot):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, "zh", sid)
    at.multiselect(key="opt.force_in.0").set_value(["P1"])
    at.multiselect(key="opt.force_out.0").set_value(["P1"])
    at.button(key="opt.submit").click()
    rerun(at)
    assert at.error[0].value == "同一项目不能既强制纳入又强制排除：P1。"
    assert not at.metric


def test_build_params_converts_percentages_and_tables():
    caps = pd.DataFrame({"fiscal_year": pd.array([2026, None], dtype="Int64"), "cap": [300.0, 50.0]})
    shares = pd.DataFrame({"category": ["IT", "Growth", "Ops"], "min_pct": [10.0, None, 0.0],
                           "max_pct": [60.0, 100.0, None]})
    params = opt.build_params(
        horizon_start="2026-03", horizon_months=12, objective="benefit", budget=500.0, annual_caps=caps,
        fiscal_year_start_month=4, discount_pct=0.5, force_in=["P1"], force_out=[], category_shares=shares,
        max_high_risk=2, high_risk_threshold=4.0, allow_hiring=True, allow_cancel_committed=False,
        solver="cbc", time_limit_seconds=30.0, gap_pct=0.1, weight_set_id=None,
    )
    assert params.annual_budget_caps == {2026: 300.0}  # the half-filled row is not a cap
    assert params.category_min_share == {"IT": 0.1}      # 0 % is no bound
    assert params.category_max_share == {"IT": 0.6}      # 100 % is no bound
    assert params.discount_per_month == pytest.approx(0.005) and params.mip_gap == pytest.approx(0.001)
    assert params.force_in == ("P1",) and params.solver == "cbc" and params.fiscal_year_start_month == 4


@pytest.mark.parametrize("bad", [
    {"budget": -1.0},
    {"force_in": ["P1"], "force_out": ["P1"]},
    {"annual_caps": pd.DataFrame({"fiscal_year": [2026], "cap": [-5.0]})},
    {"category_shares": pd.DataFrame({"category": ["IT"], "min_pct": [70.0], "max_pct": [50.0]})},
    {"category_shares": pd.DataFrame({"category": ["IT"], "min_pct": [120.0], "max_pct": [None]})},
])
def test_build_params_refuses_bad_values(bad):
    values = dict(
        horizon_start="2026-03", horizon_months=12, objective="strategic_value", budget=None, annual_caps=None,
        fiscal_year_start_month=1, discount_pct=0.0, force_in=[], force_out=[], category_shares=None,
        max_high_risk=None, high_risk_threshold=4.0, allow_hiring=False, allow_cancel_committed=False,
        solver="highs", time_limit_seconds=30.0, gap_pct=0.01, weight_set_id=None,
    )
    with pytest.raises(InvalidInput):
        opt.build_params(**{**values, **bad})


def test_add_months():
    assert opt.add_months("2026-11", 3) == "2027-02"
    assert opt.add_months("2026-01", -1) == "2025-12"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_sample_bundle_two_runs_saved_and_compared(monkeypatch, sample_db_file, language):
    """On the bundled sample: the tiles show what the engine finds, two saved runs compare side by side."""
    from analytics import greedy, selection
    from store import snapshots
    from store.portfolio import load_portfolio

    con = db.connect(sample_db_file)
    try:
        sid = snapshots.latest_snapshot_id(con)
        data = load_portfolio(con, sid)
    finally:
        con.close()
    at = open_page(monkeypatch, sample_db_file, PAGE, language, sid)
    expected = {}
    for name, budget in (("open", None), ("tight", 5200.0)):
        _optimise(at, budget)
        params = at.session_state[opt.RUN_KEY].params
        engine = selection.optimise(data, params)
        baseline = greedy.greedy_baseline(data, params)
        tiles = [m.value for m in at.metric]
        assert tiles[0] == f"{engine.objective:,.1f}" and tiles[1] == f"{engine.total_cost:,.1f}"
        assert tiles[3] == str(len(engine.selected))
        assert tiles[4] == f"{engine.objective - baseline.objective:,.1f}"
        assert len(at.get("plotly_chart")) == 4  # Gantt, heat map, spend by month and by category
        schedule = tables(at)[0]
        pattern = dict(zip(schedule.iloc[:, 0], schedule.iloc[:, -1], strict=True))
        profiled = set(data.spend_profile["project_id"])
        marks = ("Monthly profile", "Even") if language == "en" else ("按支出计划", "均匀分摊")
        assert pattern == {pid: marks[0] if pid in profiled else marks[1] for pid in pattern}
        assert profiled & set(pattern)  # the sample's profiled hardware and rollouts are in the portfolio
        at.text_input(key="opt.save_name").set_value(name)
        at.checkbox(key="opt.save_complete").uncheck()   # this test compares results; analyses are tested elsewhere
        at.button(key="opt.save").click()
        rerun(at)
        expected[name] = engine.objective
    at.switch_page("views/scenarios.py")
    rerun(at)
    compared = tables(at)[1]
    assert [c.split(" (#")[0] for c in compared.columns] == ["tight", "open"]  # newest first
    assert list(compared.iloc[2]) == [f"{expected['tight']:,.2f}", f"{expected['open']:,.2f}"]  # under objective, weights
    assert expected["tight"] <= expected["open"]


@pytest.mark.parametrize(("language", "note"), [
    ("en", "no portfolio can be worth more than 350.0; this one is within 2.86% of that"),
    ("zh", "任何组合的价值都不会超过 350.0；当前方案与之相差不超过 2.86%"),
])
def test_a_solve_stopped_before_its_proof_names_the_bound(monkeypatch, snapshot, language, note):
    """Status line of a time-limited solve: how much better any portfolio could be; none for a proven one."""
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, language, sid)
    _optimise(at)
    assert not any(note in c.value for c in at.caption)  # proven optimal: nothing to bound
    result = at.session_state[opt.RUN_KEY].result
    _show_changed_run(at, result=dataclasses.replace(result, status="feasible", bound=350.0, gap=(350.0 - 340.0) / 350.0))
    assert any(c.value.endswith(note) for c in at.caption)


@pytest.mark.parametrize(("language", "why"), [
    ("en", "Total budget 100.00: committed work already spends 120.00 in the horizon; the nearest plan (with the mandatory and forced-in projects) needs 80.00 more."),
    ("zh", "总预算 100.00：已承诺工作在规划期内已支出 120.00；最接近可行的方案（含必选和强制纳入的项目）还需多 80.00。"),
])
def test_a_budget_below_committed_work_is_explained_in_words(monkeypatch, snapshot, language, why):
    """C1 (active) spends 120 inside the horizon and mandatory P3 costs 60: a budget of 100 is 80 short."""
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, language, sid)
    _optimise(at, 100.0)
    assert at.error and not at.metric
    violated = tables(at)[0]
    assert list(violated.iloc[:, 0]) == ["budget_total"]
    assert list(violated.iloc[:, 1]) == [why]
    assert not any(c.value == "Infeasible" for c in at.caption)   # the solver's English word is not shown


@pytest.mark.parametrize(("language", "note"), [
    ("en", "From a budget of 700.0 on, the value stays at 360.0 (2 of 3 levels): beyond it capacity and the other "
           "rules bind, not money. The cheapest of those portfolios costs 660.0."),
    ("zh", "预算达到 700.0 之后，价值停留在 360.0（3 个预算水平中有 2 个）：此后限制价值的是产能和其他规则，而不是资金。"
           "这些组合中最便宜的成本为 660.0。"),
])
def test_frontier_says_where_more_budget_stops_buying_value(monkeypatch, snapshot, language, note):
    db_file, sid = snapshot
    at = open_page(monkeypatch, db_file, PAGE, language, sid)
    _optimise(at)
    _show_changed_run(at, frontier=(FrontierPoint(520.0, "optimal", 340.0, 510.0, (), (), ()),
                                    FrontierPoint(700.0, "optimal", 360.0, 660.0, (), (), ()),
                                    FrontierPoint(900.0, "optimal", 360.0, 690.0, (), (), ())))
    assert note in [c.value for c in at.caption]
