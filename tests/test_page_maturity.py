"""AppTest of the maturity page (成熟度) in both languages: levels, improvements, process KPI check."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests import delivery_data
from tests.delivery_data import bare_snapshot, rerun

PAGE = "views/maturity.py"


@pytest.fixture
def snapshot(delivery_snapshot) -> int:
    return delivery_snapshot


def _open(lang: str, sid: int) -> AppTest:
    return delivery_data.open_clean(PAGE, lang, sid)


def test_levels_and_improvements_english(snapshot):
    at = _open("en", snapshot)
    assert at.title[0].value == "PMO maturity"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Organisation level (weakest area)"] == "1"
    assert metrics["Average area level"] == "2.0"
    assert metrics["Areas at target"] == "1/2"
    levels = at.dataframe[0].value
    assert list(levels["Area"]) == ["Governance", "Resourcing", "Risk"]
    assert list(levels["Level"]) == [2, 1, 3] and list(levels["Gap"]) == ["2", "—", "0"]
    improvements = at.dataframe[1].value
    assert list(improvements["Practice"]) == ["Capacity plan", "Benefits tracking"]
    radar = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if json.loads(c.proto.spec)["data"][0]["type"] == "scatterpolar")
    assert radar["data"][0]["r"] == [2, 1, 3, 2]


def test_threshold_changes_levels(snapshot):
    at = _open("en", snapshot)
    at.number_input(key="mt.threshold").set_value(60.0)
    rerun(at, snapshot)
    levels = at.dataframe[0].value
    assert list(levels["Level"]) == [4, 2, 4]   # every practice scores at least 60


def test_process_change_detected_chinese(snapshot):
    at = _open("zh", snapshot)
    at.selectbox(key="mt.process").set_value("Procurement")
    rerun(at, snapshot)
    at.selectbox(key="mt.kpi").set_value("cycle_time_days")
    at.selectbox(key="mt.change").set_value("2025-10")
    rerun(at, snapshot)
    assert not at.error
    verdict = at.success[0].value
    assert verdict.startswith("周期（天）有所改善") and "p = 0.002 < 0.05" in verdict
    overview = at.dataframe[2].value
    assert set(overview["流程"]) == {"Invoicing", "Procurement"}


def test_noise_is_not_a_change_english(snapshot):
    at = _open("en", snapshot)
    at.selectbox(key="mt.process").set_value("Invoicing")
    rerun(at, snapshot)
    at.selectbox(key="mt.change").set_value("2025-10")
    rerun(at, snapshot)
    assert at.info[0].value.startswith("No change beyond noise in Cycle time (days)")


def test_snapshot_without_maturity_or_kpis(db_file, monkeypatch):
    sid = bare_snapshot(db_file, "active")
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = _open("zh", sid)
    assert [i.value for i in at.info] == ["本快照没有成熟度评估数据。", "本快照没有流程指标数据。"]
