"""The maturity self-assessment: answers to the import's rows, saving as a new snapshot or in place, the page."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.errors import InvalidInput
from analytics.maturity_survey import survey_rows
from store import db, decision_log, delivery, snapshots
from store import maturity_survey as store_survey
from store.errors import PermissionDenied
from store.users import Actor
from tests import delivery_data
from tests.delivery_data import rerun

QUESTIONS = pd.DataFrame({"area": ["Risk", "Risk", "Gov"], "practice": ["Register", "Analysis", "Charter"],
                          "level": [2, 4, 2], "target_level": [3, 3, None]})


def test_answers_give_the_contract_rows():
    rows = survey_rows(QUESTIONS, {("Risk", "Register"): "fully", ("Risk", "Analysis"): 62.5})
    assert list(rows.columns) == ["area", "practice", "level", "score", "target_level"]
    assert rows.to_dict("records") == [
        {"area": "Gov", "practice": "Charter", "level": 2, "score": 0.0, "target_level": None},
        {"area": "Risk", "practice": "Register", "level": 2, "score": 100.0, "target_level": 3},
        {"area": "Risk", "practice": "Analysis", "level": 4, "score": 62.5, "target_level": 3},
    ]


@pytest.mark.parametrize("change", [
    {"answers": {("Risk", "Register"): "sometimes"}},
    {"answers": {("Risk", "Register"): 101.0}},
    {"questions": QUESTIONS.assign(level=[2, 6, 2])},
    {"questions": pd.concat([QUESTIONS, QUESTIONS.iloc[[0]]])},
    {"questions": QUESTIONS.assign(practice=["Register", " ", "Charter"])},
    {"questions": QUESTIONS.iloc[0:0]},
])
def test_bad_questionnaires_are_refused(change):
    with pytest.raises(InvalidInput):
        survey_rows(change.get("questions", QUESTIONS), change.get("answers", {}))


def test_save_as_a_new_snapshot_and_in_place(con):
    ids = delivery_data.build(con)
    base = ids["2026-03"]
    rows = survey_rows(QUESTIONS, {("Risk", "Register"): "fully"})
    new = store_survey.save_as_snapshot(con, base, rows, label="Self-assessment")
    assert snapshots.get_snapshot(con, new).as_of == snapshots.get_snapshot(con, base).as_of
    assert delivery.maturity_rows(con, new)["practice"].tolist() == ["Charter", "Register", "Analysis"]
    for table in ("projects", "status_reports", "demand", "capacity", "process_kpis"):
        assert len(snapshots.read_table(con, table, new)) == len(snapshots.read_table(con, table, base)) > 0
    assert len(delivery.maturity_rows(con, base)) == 7  # the base is untouched
    store_survey.replace_in_place(con, base, rows)
    assert len(delivery.maturity_rows(con, base)) == 3
    assert decision_log.entries(con, limit=1).iloc[0]["action"] == "maturity_edit"
    with pytest.raises(PermissionDenied):
        store_survey.replace_in_place(con, base, rows, actor=Actor("v@x.org", "V", "viewer"))


def test_page_questionnaire_and_save(delivery_snapshot, db_file):
    at = delivery_data.open_clean("views/maturity.py", "en", delivery_snapshot)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Organisation level with these answers"] == "1"  # the assessed scores kept: as imported
    key = f"survey.answer.{delivery_snapshot}.Resourcing.Capacity plan"
    assert at.selectbox(key=key).value == 60.0
    at.selectbox(key=key).set_value("fully")
    rerun(at, delivery_snapshot)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Organisation level with these answers"], metrics["Average area level with these answers"]) == ("2", "2.3")
    at.text_input(key=f"survey.label.{delivery_snapshot}").set_value("Q4 self-assessment")
    at.button(key="survey.save_new").click()
    rerun(at, delivery_snapshot)  # the save selects the new snapshot and runs the page again
    new = int(at.session_state["snapshot_id"])
    assert new != delivery_snapshot
    assert at.success[0].value == f"Saved as snapshot {new}, now selected."
    con = db.connect(db_file)
    try:
        rows = delivery.maturity_rows(con, new).set_index("practice")
        assert rows.loc["Capacity plan", "score"] == 100.0 and rows.loc["Stage gates", "score"] == 85.0
        assert snapshots.get_snapshot(con, new).label == "Q4 self-assessment"
    finally:
        con.close()


def test_page_chinese(delivery_snapshot):
    at = delivery_data.open_clean("views/maturity.py", "zh", delivery_snapshot)
    assert "按本次答案的组织成熟度" in [m.label for m in at.metric]
