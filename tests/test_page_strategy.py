"""AppTest of the Strategy page in both languages, on a realistic snapshot built in the test."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from store import db
from store.snapshots import create_snapshot
from store.weights import active_weights, list_weight_sets, save_weight_set

ROOT = Path(__file__).resolve().parent.parent
OBJECTIVES = [("OBJ-GROW", "Revenue growth", "营收增长", 30.0), ("OBJ-CUST", "Customer experience", "客户体验", 25.0),
              ("OBJ-EFF", "Operational efficiency", "运营效率", 20.0), ("OBJ-RISK", "Regulatory compliance", "合规", 15.0),
              ("OBJ-DIG", "Digital capability", "数字化能力", None)]
STATUSES = ["proposed"] * 20 + ["approved"] * 6 + ["active"] * 8 + ["on_hold", "completed", "completed", "cancelled"]
CATEGORIES = ["Growth", "Efficiency", "Compliance", "Infrastructure"]


def _frames(seed: int = 5) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = len(STATUSES)
    ids = [f"P{i:03d}" for i in range(1, n + 1)]
    projects = pd.DataFrame({
        "project_id": ids,
        "name": [f"Project {i}" for i in range(1, n + 1)],
        "category": [CATEGORIES[i % 4] for i in range(n)],
        "department": "PMO",
        "status": STATUSES,
        "start_month": [dt.date(2026, 1 + i % 12, 1) for i in range(n)],
        "duration_months": rng.integers(3, 18, n),
        "budget": np.round(rng.uniform(50, 2000, n), 1),
        "expected_benefit": np.round(rng.uniform(0, 5000, n), 1),
        "risk_score": np.round(rng.uniform(1, 5, n), 1),
        "mandatory": False,
        "depends_on": [[] for _ in range(n)],
    })
    objectives = pd.DataFrame({"objective_id": [o[0] for o in OBJECTIVES], "name": [o[1] for o in OBJECTIVES],
                               "weight": [o[3] for o in OBJECTIVES]})
    rows = [(p, o[0], float(rng.integers(0, 6))) for p in ids for o in OBJECTIVES]
    scores = pd.DataFrame(rows, columns=["project_id", "objective_id", "score"])
    scores = scores.drop(index=[3, 11, 57])  # three missing scores, flagged on the page
    return {"projects": projects, "objectives": objectives, "project_scores": scores}


@pytest.fixture
def strategy_db(tmp_path, monkeypatch, templates):
    path = tmp_path / "strategy.duckdb"
    snapshot_id = templates.copy(
        "strategy", lambda con: create_snapshot(con, label="2026-03", as_of=dt.date(2026, 3, 31), frames=_frames(), files=[]),
        path,
    )
    monkeypatch.setenv("LODESTAR_DB", str(path))
    yield path, snapshot_id
    db.close_shared(path)


def _frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has this column (st.dataframe keys are not exposed)."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no dataframe with column {column}")


def _open(lang: str, snapshot_id: int = 1) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.switch_page("views/strategy.py")
    return _run(at, snapshot_id)


def _run(at: AppTest, snapshot_id: int = 1) -> AppTest:
    """Run, carrying the sidebar's snapshot choice: Streamlit 1.67's AppTest drops the sidebar of an
    st.navigation app after the first run, so the selectbox value would be lost (as a browser would not)."""
    at.session_state["snapshot_id"] = snapshot_id
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("lang", "title", "header"), [("en", "Strategic fit", "Strategic ranking"), ("zh", "战略契合", "战略排序")])
def test_page_renders_ranked_list(strategy_db, lang, title, header):
    at = _open(lang)
    assert at.title[0].value == title
    assert header in [h.value for h in at.header]
    ranked = _frame_with(at, "strategic_score")
    # Completed and cancelled projects are filtered out by default: 38 - 3 = 35 ranked.
    assert len(ranked) == 35 and list(ranked["rank"])[0] == 1
    assert ranked["strategic_score"].between(0, 100).all()
    assert ranked["strategic_score"].is_monotonic_decreasing
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projects ranked" if lang == "en" else "参与排序的项目"] == "35"
    assert len(at.warning) >= 1  # missing scores are flagged
    ranges = _frame_with(at, "top_k_below")
    assert len(ranges) == 5


def test_ranked_scores_match_hand_arithmetic(strategy_db):
    # File weights 30/25/20/15 and one missing -> the mean 22.5 (store.weights.file_weights), total 112.5;
    # score = 100 * sum(w * s) / 5 with missing scores 0. Recomputed here from the raw frames.
    frames = _frames()
    weight = {o[0]: (o[3] if o[3] is not None else 22.5) / 112.5 for o in OBJECTIVES}
    scores = frames["project_scores"]
    expected = (scores.assign(part=scores["objective_id"].map(weight) * scores["score"] * 20)
                .groupby("project_id")["part"].sum())
    at = _open("en")
    ranked = _frame_with(at, "strategic_score").set_index("project_id")
    for project_id, value in ranked["strategic_score"].items():
        assert value == pytest.approx(expected.get(project_id, 0.0))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_direct_weights_saved_as_active_set(strategy_db, lang):
    path, snapshot_id = strategy_db
    at = _open(lang)
    at.text_input(key="strategy.save_name").input("Board March")
    at.button(key="strategy.save").click()
    _run(at, snapshot_id)
    assert any("Board March" in s.value for s in at.success)
    con = db.shared_connection(path).cursor()
    set_id, weights = active_weights(con, snapshot_id)
    assert set_id is not None
    assert weights == pytest.approx({"OBJ-GROW": 30 / 112.5, "OBJ-CUST": 25 / 112.5, "OBJ-EFF": 20 / 112.5,
                                     "OBJ-RISK": 15 / 112.5, "OBJ-DIG": 22.5 / 112.5}, abs=1e-4)
    listing = list_weight_sets(con, snapshot_id)
    assert list(listing["name"]) == ["Board March"] and listing["is_active"].all()
    assert any("Board March" in c.value for c in at.caption)


def test_ahp_warning_fix_and_save(strategy_db):
    path, snapshot_id = strategy_db
    at = _intransitive(_open("en"), snapshot_id)
    cr_before = float(next(m.value for m in at.metric if m.label == "Consistency ratio (CR)"))
    assert cr_before > 0.10
    assert any("above 0.10" in w.value for w in at.warning)
    assert any("Suggested fix" in m.value for m in at.markdown)
    at.button(key="strategy.apply_fix").click()
    _run(at, snapshot_id)
    cr_after = float(next(m.value for m in at.metric if m.label == "Consistency ratio (CR)"))
    assert cr_after < cr_before
    # One fix does not bring this matrix under 0.10: saving it still asks for a confirmation.
    assert cr_after > 0.10 and at.button(key="strategy.save").disabled
    at.checkbox(key="strategy.save_confirm_cr").check()
    at.text_input(key="strategy.save_name").input("Workshop AHP")
    _run(at, snapshot_id)
    at.button(key="strategy.save").click()
    _run(at, snapshot_id)
    con = db.shared_connection(path).cursor()
    listing = list_weight_sets(con, snapshot_id)
    assert list(listing["method"]) == ["ahp_eigen"] and listing["is_active"].all()
    assert listing["consistency_ratio"].iloc[0] == pytest.approx(cr_after, abs=5e-4)


def test_activate_an_existing_set_from_the_list(strategy_db):
    path, snapshot_id = strategy_db
    con = db.shared_connection(path).cursor()
    first = save_weight_set(con, snapshot_id=snapshot_id, name="Growth first", method="direct",
                            weights={"OBJ-GROW": 1.0}, activate=True)
    second = save_weight_set(con, snapshot_id=snapshot_id, name="Compliance first", method="direct",
                             weights={"OBJ-RISK": 1.0})
    at = _open("zh")
    assert any("Growth first" in c.value for c in at.caption)
    at.selectbox(key="strategy.set_choice").set_value(second)
    at.button(key="strategy.activate").click()
    _run(at, snapshot_id)
    assert active_weights(con, snapshot_id)[0] == second
    assert any("Compliance first" in c.value for c in at.caption)
    ranked = _frame_with(at, "strategic_score")
    # Only compliance counts now: the score is 20 x the compliance score.
    scores = _frames()["project_scores"].query("objective_id == 'OBJ-RISK'").set_index("project_id")["score"]
    assert ranked["strategic_score"].iloc[0] == pytest.approx(20 * scores.reindex(ranked["project_id"]).max())
    assert first != second


def test_snapshot_without_objectives(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    con = db.connect(path)
    create_snapshot(con, label="x", as_of=dt.date(2026, 1, 31), frames={"projects": _frames()["projects"]}, files=[])
    con.close()
    monkeypatch.setenv("LODESTAR_DB", str(path))
    at = _open("en")
    assert any("no strategic objectives" in i.value for i in at.info)
    db.close_shared(path)


def test_filters_and_draft_preview(strategy_db):
    path, snapshot_id = strategy_db
    at = _open("en")
    at.multiselect(key="strategy.category_filter").set_value(["Growth"])
    _run(at)
    ranked = _frame_with(at, "strategic_score")
    assert set(ranked["category"]) == {"Growth"} and len(ranked) == 9
    # Draft: only revenue growth (row 3 in objective-id order) keeps a weight; preview it.
    at.session_state["strategy.direct.1"] = {
        "edited_rows": {0: {"weight": 0.0}, 1: {"weight": 0.0}, 2: {"weight": 0.0}, 4: {"weight": 0.0}},
        "added_rows": [], "deleted_rows": [],
    }
    at.toggle(key="strategy.preview").set_value(True)
    _run(at)
    ranked = _frame_with(at, "strategic_score").set_index("project_id")
    growth = _frames()["project_scores"].query("objective_id == 'OBJ-GROW'").set_index("project_id")["score"]
    for project_id, value in ranked["strategic_score"].items():
        assert value == pytest.approx(20 * growth.get(project_id, 0.0))
    # Nothing was saved by previewing.
    assert list_weight_sets(db.shared_connection(path).cursor(), snapshot_id).empty


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_on_the_bundled_sample(sample_db_file, monkeypatch, lang):
    # The sample bundle imported by the real importer: the latest snapshot renders end to end.
    from store.snapshots import latest_snapshot_id

    con = db.connect(sample_db_file)
    snapshot_id = latest_snapshot_id(con)
    con.close()
    monkeypatch.setenv("LODESTAR_DB", str(sample_db_file))
    at = _open(lang, snapshot_id)
    ranked = _frame_with(at, "strategic_score")
    assert len(ranked) > 10 and ranked["strategic_score"].between(0, 100).all()
    assert ranked["rank"].iloc[0] == 1
    if lang == "zh":
        assert set(ranked["status_label"]) <= {"提议", "已批准", "进行中", "暂停"}
    assert len(_frame_with(at, "top_k_below")) >= 2
    db.close_shared(sample_db_file)


def test_saved_sets_list_shows_weights_and_active_flag(strategy_db):
    path, snapshot_id = strategy_db
    con = db.shared_connection(path).cursor()
    save_weight_set(con, snapshot_id=snapshot_id, name="Two objectives", method="direct",
                    weights={"OBJ-GROW": 3.0, "OBJ-EFF": 1.0}, activate=True)
    at = _open("en")
    sets = _frame_with(at, "consistency_ratio")
    assert list(sets["name"]) == ["Two objectives"] and bool(sets["is_active"].iloc[0])
    assert sets["weights"].iloc[0] == "Revenue growth 75% · Operational efficiency 25%"
    assert sets["method"].iloc[0] == "direct"


def _all_pairs_equal(at: AppTest, snapshot_id: int) -> None:
    """Switch to AHP and set every pairwise judgement to 1 (equal), not yet run."""
    at.radio(key="strategy.method").set_value("ahp")
    _run(at, snapshot_id)
    for key in [s.key for s in at.selectbox if s.key and s.key.startswith("strategy.pair.")]:
        at.selectbox(key=key).set_value("1")


def _intransitive(at: AppTest, snapshot_id: int) -> AppTest:
    """Every pair equal except growth << customer (1/9) and customer >> efficiency (9): CR far above 0.10."""
    _all_pairs_equal(at, snapshot_id)
    at.selectbox(key=f"strategy.pair.{snapshot_id}.OBJ-CUST.OBJ-GROW").set_value("1/9")
    at.selectbox(key=f"strategy.pair.{snapshot_id}.OBJ-CUST.OBJ-EFF").set_value("9")
    return _run(at, snapshot_id)


def test_inconsistent_set_needs_confirmation_and_logs_its_cr(strategy_db):
    from store.decision_log import entries

    path, snapshot_id = strategy_db
    at = _intransitive(_open("en"), snapshot_id)
    cr = float(next(m.value for m in at.metric if m.label == "Consistency ratio (CR)"))
    assert cr > 0.10
    assert at.button(key="strategy.save").disabled  # "review before saving" cannot be skipped silently
    assert at.checkbox(key="strategy.save_confirm_cr").label == f"Save although CR = {cr:.3f} is above 0.10"
    at.text_input(key="strategy.save_name").input("Inconsistent")
    at.checkbox(key="strategy.save_confirm_cr").check()
    _run(at, snapshot_id)
    assert not at.button(key="strategy.save").disabled
    at.button(key="strategy.save").click()
    _run(at, snapshot_id)
    con = db.shared_connection(path).cursor()
    listing = list_weight_sets(con, snapshot_id)
    assert list(listing["name"]) == ["Inconsistent"]
    saved = entries(con, actions=["weights_save"])
    assert json.loads(saved["details"].iloc[0])["consistency_ratio"] == pytest.approx(cr, abs=5e-4)
    from ui.log_summary import summary_text

    row = saved.iloc[0]
    assert summary_text("zh", "weights_save", row["summary"], row["details"]).endswith(
        f"一致性比率 {json.loads(row['details'])['consistency_ratio']:.3f}，超过 0.10，经确认后保存")


def test_consistent_set_saves_without_confirmation(strategy_db):
    path, snapshot_id = strategy_db
    at = _open("en")
    _all_pairs_equal(at, snapshot_id)
    _run(at, snapshot_id)
    assert not [c for c in at.checkbox if c.key == "strategy.save_confirm_cr"]
    assert not at.button(key="strategy.save").disabled


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "Customer experience is strongly more important than Revenue growth (5)"),
    ("zh", "Customer experience 比 Revenue growth 明显重要（5）"),
])
def test_each_judgement_reads_as_one_sentence(strategy_db, lang, sentence):
    _, snapshot_id = strategy_db
    at = _open(lang)
    at.radio(key="strategy.method").set_value("ahp")
    _run(at, snapshot_id)
    at.selectbox(key=f"strategy.pair.{snapshot_id}.OBJ-CUST.OBJ-GROW").set_value("5")
    _run(at, snapshot_id)
    box = at.selectbox(key=f"strategy.pair.{snapshot_id}.OBJ-CUST.OBJ-GROW")
    assert box.options[box.index] == sentence
    reverse = "1/5"
    assert box.options[strat_options().index(reverse)].startswith("Revenue growth")


def strat_options() -> list[str]:
    from ui.strategy import SCALE_OPTIONS

    return list(SCALE_OPTIONS)


def _chart_types(at: AppTest) -> list[str]:
    """The first trace type of every Plotly chart on the page, in order."""
    import json

    return [json.loads(chart.proto.spec)["data"][0]["type"] for chart in at.get("plotly_chart")]


def test_above_the_lazy_threshold_only_the_open_chart_is_built(strategy_db, monkeypatch):
    from ui import perf

    at = _open("en")  # 35 ranked projects: both tabs' charts at once
    assert {"heatmap", "scatter"} <= set(_chart_types(at))
    monkeypatch.setattr(perf, "LAZY_TABS_ABOVE", 30)
    at = _run(at)
    assert "heatmap" in _chart_types(at) and "scatter" not in _chart_types(at)
    at.session_state["strategy.chart_tab"] = "Score vs budget"       # what a click on the tab sets
    at = _run(at)
    assert "scatter" in _chart_types(at) and "heatmap" not in _chart_types(at)
    assert _frame_with(at, "strategic_score") is not None            # the rest of the page as before
