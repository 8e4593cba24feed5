"""AppTest of the Change control page (变更控制) and the Delivery page's scope creep, on tests/changes_data.py."""

from __future__ import annotations

import json

import pytest

from store import db
from tests import changes_data, delivery_data
from tests.delivery_data import rerun
from ui.text import md

PAGE = "views/changes.py"


@pytest.fixture
def snapshot(db_file, monkeypatch) -> int:
    con = db.connect(db_file)
    try:
        snapshot_id = changes_data.write(con)
    finally:
        con.close()
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    return snapshot_id


def _table(at, column: str):
    """The first table with this column (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_raise_with_impact_then_decide_english(snapshot):
    at = delivery_data.open_clean(PAGE, "en", snapshot)
    assert at.title[0].value == "Change control"
    register = _table(at, "Request")
    assert list(register["Request"]) == ["CR-1", "CR-3", "CR-2"]
    assert list(register["Status"]) == ["approved", "rejected", "submitted"]
    at.text_input(key="chg.title").set_value("New module")
    at.number_input(key="chg.budget").set_value(20.0)
    at.number_input(key="chg.months").set_value(2)
    rerun(at, snapshot)
    metrics = _metrics(at)
    assert metrics["Project budget with the change"] == "130.0"
    assert metrics["Finish with the change"] == "2026-09"
    assert metrics["Committed portfolio budget with the change"] == "180.0"
    load = _table(at, "Peak load now")
    assert load.to_dict("records")[0] == {"Role": "dev", "Peak load now": "133%", "Peak load with the change": "133%",
                                          "Months over capacity now": 3, "Months over capacity with the change": 1}
    at.button(key="chg.raise").click()
    rerun(at, snapshot)
    assert at.success[0].value == f"Change request {md('APP-0001')} raised; it waits for a decision."
    assert list(_table(at, "Request")["Request"]) == ["CR-1", "CR-3", "CR-2", "APP-0001"]
    at.selectbox(key="chg.decide_cr").set_value("APP-0001")
    at.radio(key="chg.decision").set_value("rejected")
    at.text_input(key="chg.reason").set_value("Next phase")
    rerun(at, snapshot)
    at.button(key="chg.decide").click()
    rerun(at, snapshot)
    assert at.success[0].value == f"Change request {md('APP-0001')}: rejected."
    register = _table(at, "Request").set_index("Request")
    assert register.loc["APP-0001", ["Status", "Reason", "Source"]].tolist() == ["rejected", "Next phase", "raised here"]


def test_decide_needs_a_reason_and_a_lead(snapshot, monkeypatch):
    at = delivery_data.open_clean(PAGE, "en", snapshot)
    assert at.button(key="chg.decide").disabled  # no reason yet
    monkeypatch.setattr("ui.auth.can", lambda action: action != "change_decide")
    at.text_input(key="chg.reason").set_value("fine")
    rerun(at, snapshot)
    assert at.button(key="chg.decide").disabled
    assert "Only a PMO lead may approve or reject change requests." in [c.value for c in at.caption]


def test_chinese_register(snapshot):
    at = delivery_data.open_clean(PAGE, "zh", snapshot)
    assert at.title[0].value == "变更控制"
    register = _table(at, "变更编号")
    assert list(register["状态"]) == ["已批准", "已驳回", "已提交"]


def test_delivery_shows_scope_creep(snapshot):
    at = delivery_data.open_clean("views/delivery.py", "en", snapshot)
    assert "Approved budget changes add 10.0 万元 in all, 6.7% of the original budgets." in [c.value for c in at.caption]
    table = _table(at, "Share of the original budget")
    assert table.to_dict("records") == [{"Project": "P1 · ERP", "Original budget": "100.0", "Approved changes": "10.0",
                                         "Share of the original budget": "10.0%"}]
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    chart = next(s for s in specs if s["data"] and s["data"][0].get("name") == "Approved budget change")
    assert chart["data"][0]["x"] == ["2026-02"] and chart["data"][1]["y"] == [pytest.approx(10 / 150)]
