"""The health rule: each signal at its thresholds, worst level wins, reasons worst first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.errors import InvalidInput
from analytics.health import (
    HealthReason,
    HealthThresholds,
    assess_health,
    exceptions,
    health_counts,
    health_severity,
    worst_first,
)


def _row(**values):
    base = {"project_id": "P", "status": "active", "has_report": True, "cpi": 1.0, "spi": 1.0, "rag": "green",
            "milestones_due": 0, "milestones_met": 0, "open_risks": 0}
    base.update(values)
    return base


def _assess(*rows, thresholds=None):
    return assess_health(pd.DataFrame(list(rows)), thresholds)


@pytest.mark.parametrize(
    ("values", "health", "codes"),
    [
        ({}, "healthy", []),
        ({"cpi": 0.95}, "healthy", []),                       # the watch threshold itself is fine
        ({"cpi": 0.94}, "watch", ["cpi_low"]),
        ({"cpi": 0.85}, "watch", ["cpi_low"]),
        ({"cpi": 0.84}, "critical", ["cpi_low"]),
        ({"spi": 0.9}, "watch", ["spi_low"]),
        ({"spi": 0.5}, "critical", ["spi_low"]),
        ({"rag": "Amber"}, "watch", ["rag_amber"]),
        ({"rag": "red"}, "critical", ["rag_red"]),
        ({"milestones_due": 3, "milestones_met": 2}, "watch", ["milestones_missed"]),
        ({"milestones_due": 5, "milestones_met": 2}, "critical", ["milestones_missed"]),
        ({"milestones_missed": 2, "milestones_due": 9, "milestones_met": 0}, "watch", ["milestones_missed"]),
        ({"open_risks": 5}, "watch", ["open_risks"]),
        ({"open_risks": 10}, "critical", ["open_risks"]),
        ({"cpi": np.nan, "spi": np.nan}, "healthy", []),      # not defined: no signal
        ({"has_report": False, "cpi": np.nan, "spi": np.nan, "rag": None}, "watch", ["no_report"]),
        ({"has_report": False, "status": "completed", "cpi": np.nan}, "healthy", []),
    ],
)
def test_each_signal(values, health, codes):
    out = _assess(_row(**values))
    assert out.loc[0, "health"] == health
    assert [r.code for r in out.loc[0, "reasons"]] == codes


def test_worst_signal_wins_and_reasons_worst_first():
    out = _assess(_row(cpi=0.9, spi=0.8, rag="amber", open_risks=6))
    assert out.loc[0, "health"] == "critical" and out.loc[0, "severity"] == 2
    reasons = out.loc[0, "reasons"]
    assert [(r.code, r.level) for r in reasons] == [
        ("spi_low", "critical"), ("rag_amber", "watch"), ("cpi_low", "watch"), ("open_risks", "watch")
    ]
    assert reasons[0] == HealthReason("spi_low", "critical", {"spi": "0.80", "threshold": "0.85"})
    assert reasons[2].params == {"cpi": "0.90", "threshold": "0.95"}
    assert reasons[3].params == {"count": 6}


def test_configurable_thresholds():
    strict = HealthThresholds(cpi_watch=1.0, cpi_critical=0.97, open_risks_watch=2, open_risks_critical=3)
    out = _assess(_row(cpi=0.98, open_risks=2), thresholds=strict)
    assert out.loc[0, "health"] == "watch"
    assert {r.code for r in out.loc[0, "reasons"]} == {"cpi_low", "open_risks"}
    assert _assess(_row(cpi=0.98, open_risks=2)).loc[0, "health"] == "healthy"


def test_severity_fast_path_matches():
    rows = [_row(cpi=c, spi=s) for c, s in [(1, 1), (0.9, 1), (1, 0.5), (np.nan, 0.9)]]
    frame = pd.DataFrame(rows)
    assert list(health_severity(frame)) == [0, 1, 2, 1]
    assert list(assess_health(frame)["severity"]) == [0, 1, 2, 1]


def test_missing_columns_raise_no_signal():
    out = assess_health(pd.DataFrame({"project_id": ["A"], "cpi": [0.5]}))
    assert out.loc[0, "health"] == "critical"
    assert [r.code for r in out.loc[0, "reasons"]] == ["cpi_low"]


def test_worst_first_and_exceptions():
    frame = pd.DataFrame([
        _row(project_id="ok"),
        _row(project_id="watch_one", cpi=0.9),
        _row(project_id="crit_two", spi=0.5, rag="red"),
        _row(project_id="crit_one", cpi=0.6),
        _row(project_id="crit_lowest", cpi=0.4),
        _row(project_id="done_bad", status="completed", cpi=0.5),
    ])
    ordered = worst_first(assess_health(frame))
    assert list(ordered["project_id"]) == ["crit_two", "crit_lowest", "done_bad", "crit_one", "watch_one", "ok"]
    flagged = exceptions(assess_health(frame))
    assert list(flagged["project_id"]) == ["crit_two", "crit_lowest", "crit_one", "watch_one"]


def test_empty_frame():
    out = assess_health(pd.DataFrame({"project_id": [], "cpi": []}))
    assert out.empty and "health" in out.columns


def test_thresholds_critical_above_watch_refused():
    with pytest.raises(InvalidInput):
        HealthThresholds(cpi_watch=0.8, cpi_critical=0.9)


def test_thresholds_zero_index_refused():
    with pytest.raises(InvalidInput):
        HealthThresholds(spi_critical=0.0)


def test_thresholds_count_order_refused():
    with pytest.raises(InvalidInput):
        HealthThresholds(open_risks_watch=10, open_risks_critical=5)


def test_worst_first_needs_assessed_frame():
    with pytest.raises(InvalidInput):
        worst_first(pd.DataFrame({"project_id": ["A"]}))


def test_health_counts_in_flight_only():
    assessed = pd.DataFrame({"status": ["active", "completed", "on_hold", "cancelled", "active"],
                             "health": ["critical", "critical", "watch", "healthy", "healthy"]})
    assert health_counts(assessed) == {"healthy": 1, "watch": 1, "critical": 1}
