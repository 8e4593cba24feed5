"""Optimiser weight-set picker: the run, its log entry, the saved scenario, its export and the Scenarios
comparison all use and name the weight set chosen in the form.

A hand-made snapshot where the weights decide the answer. Three proposals, each one month from 2026-03
(its only start), budget 100, dev 1 FTE of 10; two objectives scored 0-5, so a project's strategic value
is 20 x (its weighted score):

  id  O1 growth  O2 efficiency   "Growth first" (0.75/0.25)   "Efficiency first" (0.1/0.9)   file (0.5/0.5)
  A   5          0               75                           10                             50
  B   0          5               25                           90                             50
  C   3          3               60                           60                             60

With a budget of 200 two projects fit: under "Growth first" (the active set) the optimum is A + C = 135,
under "Efficiency first" B + C = 150, under the file's weights C and A or B = 110.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from analytics import selection
from analytics.selection_types import SelectionParams
from reports.pack import build_pack
from store import db, decision_log, scenarios, snapshots, weights
from store.portfolio import load_portfolio
from tests.optimiser_pages_data import open_page, rerun, tables
from ui import optimiser as opt

PAGE = "views/optimiser.py"
BUDGET = 200.0
D = dt.date

# label of the active set, of the other set, and of the file's weights, per language
LABELS = {
    "en": ("Growth first (#{g}) — active", "Efficiency first (#{e})", "Objectives file weights"),
    "zh": ("Growth first（#{g}） · 当前生效", "Efficiency first（#{e}）", "目标文件中的权重"),
}
USED = {"en": "Strategic weights: {label}", "zh": "战略权重：{label}"}


def _frames() -> dict[str, pd.DataFrame]:
    ids = ["A", "B", "C"]
    projects = pd.DataFrame({
        "project_id": ids, "name": ["增长项目", "效率项目", "均衡项目"], "category": ["Growth", "IT", "IT"],
        "status": ["proposed"] * 3, "start_month": [D(2026, 3, 1)] * 3, "latest_start_month": [D(2026, 3, 1)] * 3,
        "duration_months": [1] * 3, "budget": [100.0] * 3, "expected_benefit": [100.0] * 3, "risk_score": [2.0] * 3,
        "mandatory": [False] * 3, "depends_on": [[], [], []], "exclusive_group": [None] * 3, "department": ["PMO"] * 3,
    })
    objectives = pd.DataFrame({"objective_id": ["O1", "O2"], "name": ["增长", "效率"], "weight": [0.5, 0.5]})
    scores = pd.DataFrame(
        [("A", "O1", 5.0), ("A", "O2", 0.0), ("B", "O1", 0.0), ("B", "O2", 5.0), ("C", "O1", 3.0), ("C", "O2", 3.0)],
        columns=["project_id", "objective_id", "score"],
    )
    months = [D(2026 + i // 12, i % 12 + 1, 1) for i in range(36)]
    capacity = pd.DataFrame({"role": "dev", "month": months, "capacity_fte": 10.0, "hire_cost_per_fte_month": 2.0})
    demand = pd.DataFrame({"project_id": ids, "role": "dev", "month_offset": 0, "fte": 1.0})
    return {"projects": projects, "objectives": objectives, "project_scores": scores, "capacity": capacity,
            "demand": demand}


def store_weighted_snapshot(con) -> tuple[int, int, int]:
    """The snapshot with "Growth first" (active, saved first) and "Efficiency first" (newer, inactive):
    (snapshot id, growth id, efficiency id)."""
    files = [snapshots.SourceFile("projects.csv", "projects", "w" * 64, 3, "utf-8")]
    sid = snapshots.create_snapshot(con, label="weights", as_of=D(2026, 3, 31), frames=_frames(), files=files)
    growth = weights.save_weight_set(con, snapshot_id=sid, name="Growth first", method="direct",
                                     weights={"O1": 0.75, "O2": 0.25}, activate=True)
    efficiency = weights.save_weight_set(con, snapshot_id=sid, name="Efficiency first", method="direct",
                                         weights={"O1": 0.1, "O2": 0.9})
    return sid, growth, efficiency


@pytest.fixture
def weighted(db_file, templates):
    return (db_file, *templates.copy("weighted", store_weighted_snapshot, db_file))


def _run(at, weight_set_id: int | None = None, nonce: int = 0):
    at.number_input(key=f"opt.budget.{nonce}").set_value(BUDGET)
    if weight_set_id is not None:
        at.selectbox(key=f"opt.weight_set.{nonce}").set_value(weight_set_id)
    at.button(key="opt.submit").click()
    return rerun(at)


def _value(at) -> str:
    return at.metric[0].value


def _selected_ids(at) -> list[str]:
    return sorted(tables(at)[0].iloc[:, 0])


def _save(at, name: str):
    at.text_input(key="opt.save_name").set_value(name)
    at.button(key="opt.save").click()
    return rerun(at)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_chosen_weight_set_is_solved_logged_saved_exported_and_compared(monkeypatch, weighted, language):
    db_file, sid, growth, efficiency = weighted
    active, other, _ = (x.format(g=growth, e=efficiency) for x in LABELS[language])
    at = open_page(monkeypatch, db_file, PAGE, language, sid)
    picker = at.selectbox(key="opt.weight_set.0")
    assert picker.options == [active, other]  # the active set first although it is older
    assert picker.value == growth              # and chosen by default
    # the active set: A + C = 75 + 60
    _run(at)
    assert _value(at) == "135.0" and _selected_ids(at) == ["A", "C"]
    plain = [x.removesuffix(" — active").removesuffix(" · 当前生效") for x in (active, other)]
    assert USED[language].format(label=plain[0]) in [c.value for c in at.caption]
    _save(at, "Growth")
    # the other set: B + C = 90 + 60, a different selection and value
    _run(at, efficiency)
    assert _value(at) == "150.0" and _selected_ids(at) == ["B", "C"]
    run = at.session_state[opt.RUN_KEY]
    assert run.params.weight_set_id == efficiency and run.weight_set_name == "Efficiency first"
    assert at.selectbox(key="opt.weight_set.0").value == efficiency  # the form keeps the choice
    _save(at, "Efficiency")
    saved_id = at.session_state[opt.RUN_KEY].scenario_id

    con = db.connect(db_file)
    try:
        solves = decision_log.entries(con, actions=["optimize"], snapshot_id=sid)  # newest first
        details = [json.loads(d) for d in solves["details"]]
        assert [(d["weight_set_id"], d["weight_set_name"], d["objective"]) for d in details] == [
            (efficiency, "Efficiency first", pytest.approx(150.0)), (growth, "Growth first", pytest.approx(135.0))]
        assert solves["summary"].iloc[0].endswith(f"weights=Efficiency first (#{efficiency})")
        saves = decision_log.entries(con, actions=["scenario_save"], snapshot_id=sid)
        assert json.loads(saves["details"].iloc[0])["weight_set_name"] == "Efficiency first"
        stored = scenarios.get_scenario(con, saved_id)
        assert stored.params.weight_set_id == efficiency
        # the weights themselves are kept, so a pack rebuilt after the set is deleted scores with them (issue 14)
        assert stored.payload["weight_set"] == {"weight_set_id": efficiency, "name": "Efficiency first",
                                                "method": "direct", "consistency_ratio": None,
                                                "weights": {"O1": 0.1, "O2": 0.9}}
        pack = build_pack(con, saved_id, generated_on=D(2026, 4, 1))  # what every export is written from
        assert (pack.weights.weight_set_id, pack.weights.name) == (efficiency, "Efficiency first")
        assert pack.weights.weights == pytest.approx({"O1": 0.1, "O2": 0.9})
    finally:
        con.close()

    at.switch_page("views/scenarios.py")
    rerun(at)
    listing = tables(at)[0]
    assert list(listing.iloc[:, 1]) == ["Efficiency", "Growth"]
    assert list(listing.iloc[:, 4]) == [plain[1], plain[0]]
    compared = tables(at)[1]
    assert list(compared.iloc[1]) == [plain[1], plain[0]]  # the weight-set row, before the figures
    assert list(compared.iloc[2]) == ["150.00", "135.00"]
    # loading "Growth" into the optimiser brings its weight set back into the form (the last run used the other)
    growth_id = int(listing.iloc[1, 0])
    at.selectbox(key="scen.pick").set_value(growth_id)
    rerun(at)
    at.button(key="scen.load").click()
    rerun(at)
    assert not at.warning
    assert at.selectbox(key="opt.weight_set.1").value == growth
    assert _value(at) == "135.0"
    at.switch_page(PAGE)  # AppTest reruns the page it was opened on, not the one the script switched to
    rerun(at)
    _run(at, nonce=1)  # run again from the loaded form: the same weights, the same answer
    assert _value(at) == "135.0" and at.session_state[opt.RUN_KEY].params.weight_set_id == growth


@pytest.mark.parametrize(("language", "warning", "deleted", "no_resolve"), [
    ("en", "The weights of the last run or of the loaded scenario, Efficiency first (#{e}), are no longer available",
     "Efficiency first (#{e}), since deleted", "The weight set this result was solved with has been deleted."),
    ("zh", "上次运行或所加载情景使用的权重 Efficiency first（#{e}） 已不可用",
     "Efficiency first（#{e}）（已删除）", "求解此结果所用的权重方案已被删除。"),
])
def test_deleted_weight_set_falls_back_to_the_active_one(monkeypatch, weighted, language, warning, deleted, no_resolve):
    db_file, sid, growth, efficiency = weighted
    con = db.connect(db_file)
    try:
        params = SelectionParams(horizon_start="2026-03", budget=BUDGET, weight_set_id=efficiency)
        result = selection.optimise(load_portfolio(con, sid, efficiency), params)
        assert result.objective == pytest.approx(150.0)
        scenario_id = scenarios.save_scenario(con, snapshot_id=sid, name="Efficiency", params=params,
                                              payload={"result": result.to_dict()})
        weights.delete_weight_set(con, efficiency)
    finally:
        con.close()
    at = open_page(monkeypatch, db_file, "views/scenarios.py", language, sid)
    assert list(tables(at)[0].iloc[:, 4]) == [deleted.format(e=efficiency)]  # the saved name outlives the set
    at.button(key="scen.load").click()
    rerun(at)
    assert at.session_state[opt.RUN_KEY].scenario_id == scenario_id
    assert warning.format(e=efficiency) in at.warning[0].value
    picker = at.selectbox(key="opt.weight_set.1")
    assert picker.value == growth and len(picker.options) == 1
    assert _value(at) == "150.0"  # the saved result is still shown as it was solved
    # but no re-solve of it under other weights: marginal values and frontier say why (the scenario was
    # saved without explanations, so the left-out tab has nothing to price)
    assert sum(no_resolve in i.value for i in at.info) == 2
    assert all(b.key not in ("opt.marginal", "opt.frontier") for b in at.button)
    at.switch_page(PAGE)  # AppTest reruns the page it was opened on, not the one the script switched to
    rerun(at)
    _run(at, nonce=1)
    assert _value(at) == "135.0" and not at.warning  # solved again under the active set


def test_without_an_active_set_the_file_weights_come_first(monkeypatch, weighted):
    db_file, sid, growth, efficiency = weighted
    con = db.connect(db_file)
    try:
        weights.delete_weight_set(con, growth)  # the active one: the snapshot is back on its file weights
    finally:
        con.close()
    at = open_page(monkeypatch, db_file, PAGE, "en", sid)
    picker = at.selectbox(key="opt.weight_set.0")
    assert picker.options == ["Objectives file weights", f"Efficiency first (#{efficiency})"]
    assert picker.value is None
    _run(at)
    assert _value(at) == "110.0"  # C (60) and A or B (50)
    assert "Strategic weights: Objectives file weights" in [c.value for c in at.caption]
    _run(at, efficiency)
    assert _value(at) == "150.0"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_snapshot_without_weight_sets_has_no_picker(monkeypatch, db_file, language):
    con = db.connect(db_file)
    try:
        files = [snapshots.SourceFile("projects.csv", "projects", "n" * 64, 3, "utf-8")]
        sid = snapshots.create_snapshot(con, label="no sets", as_of=D(2026, 3, 31), frames=_frames(), files=files)
    finally:
        con.close()
    at = open_page(monkeypatch, db_file, PAGE, language, sid)
    assert all(s.key != "opt.weight_set.0" for s in at.selectbox)
    _run(at)
    assert _value(at) == "110.0"  # the objectives file's 0.5 / 0.5, as before weight sets existed
    assert not [c.value for c in at.caption if c.value.startswith(USED[language].split("{")[0])]
    con = db.connect(db_file)
    try:
        solve = decision_log.entries(con, actions=["optimize"], snapshot_id=sid)
        assert json.loads(solve["details"].iloc[0])["weight_set_id"] is None
        assert "weights=" not in solve["summary"].iloc[0]
    finally:
        con.close()
