"""The PMO scorecard's definitions, pinned on tests/scorecard_data.py's hand-made edges."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.errors import InvalidInput
from analytics.scorecard import ScorecardSettings, assess, planned_finish_month, scorecard, trend
from store import scorecard as store_scorecard
from tests import scorecard_data


@pytest.fixture
def card():
    return scorecard(scorecard_data.frame(), 2026, scorecard_data.TARGETS)


def test_planned_finish_is_the_last_month_of_planned_work():
    assert planned_finish_month("2026-01", 3) == "2026-03"
    assert planned_finish_month("2025-11", 3) == "2026-01"
    assert planned_finish_month("2026-05", 1) == "2026-05"


def test_each_edge_of_the_definitions():
    rows = assess(scorecard_data.frame()).set_index("project_id")
    assert list(rows.index) == ["A", "B", "C", "D", "E", "G"]  # F is active
    assert rows.loc["A", ["months_late", "on_time", "on_budget", "benefit_met", "success"]].tolist() == [1, True, True, True, True]
    assert rows.loc["B", ["months_late", "on_time", "on_budget", "success"]].tolist() == [2, False, False, False]
    assert bool(rows.loc["C", "no_report"]) and rows.loc["C", "year"] == 2026
    assert rows.loc["C", ["on_time", "on_budget", "success"]].tolist() == [False, False, False]
    assert str(rows.loc["D", "actual_finish"]) == "2026-02-10"  # the latest report's date, not an older forecast
    assert rows.loc["D", ["months_late", "on_time", "on_budget", "benefit_met", "success"]].tolist() == [-1, True, True, True, True]
    assert rows.loc["G", ["on_time", "on_budget", "benefit_met", "success"]].tolist() == [True, True, False, False]
    assert rows.loc["E", "year"] == 2025


def test_the_four_figures_of_2026(card):
    figures = card.figures
    assert list(figures) == ["project_success_rate", "on_time_rate", "on_budget_rate", "benefits_realisation_rate"]
    assert figures["on_time_rate"].actual == pytest.approx(3 / 5)
    assert figures["on_time_rate"].hit_ids == ("A", "D", "G")
    assert figures["on_budget_rate"].actual == pytest.approx(3 / 5)
    assert figures["project_success_rate"].actual == pytest.approx(2 / 5)
    assert figures["project_success_rate"].hit_ids == ("A", "D")
    assert figures["project_success_rate"].project_ids == ("A", "B", "C", "D", "G")
    # Σ realised / Σ expected over A, B, C, G (D has no expected benefit): (80 + 100 + 0 + 79.99) / 450
    assert figures["benefits_realisation_rate"].actual == pytest.approx(259.99 / 450)
    assert figures["benefits_realisation_rate"].project_ids == ("A", "B", "C", "G")


def test_targets_met_at_exactly_the_target_and_none_without_one(card):
    assert card.figures["on_time_rate"].target == 0.6 and card.figures["on_time_rate"].met is True
    assert card.figures["project_success_rate"].met is False
    assert card.figures["benefits_realisation_rate"].met is True
    assert card.figures["on_budget_rate"].target is None and card.figures["on_budget_rate"].met is None


def test_a_year_without_completed_projects_is_none_not_zero():
    card = scorecard(scorecard_data.frame(), 2024, scorecard_data.TARGETS)
    assert {m: f.actual for m, f in card.figures.items()} == dict.fromkeys(card.figures)
    assert card.figures["on_time_rate"].target == 0.9 and card.figures["on_time_rate"].met is None
    assert card.to_dict()["on_time_rate"] == {"actual": None, "target": 0.9, "met": None, "projects": [], "hits": []}


def test_tolerances_are_settings():
    strict = ScorecardSettings(late_months_tolerance=0, budget_tolerance=0.0, benefit_threshold=0.5)
    figures = scorecard(scorecard_data.frame(), 2026, settings=strict).figures
    assert figures["on_time_rate"].hit_ids == ("D", "G")  # A's one month late is late now
    assert figures["on_budget_rate"].hit_ids == ("G",)  # A at 110 and D at 33 are over 100 and 30
    assert figures["project_success_rate"].hit_ids == ("G",)  # G's 79.99 % now clears a 50 % threshold
    with pytest.raises(InvalidInput):
        ScorecardSettings(benefit_threshold=1.5)


def test_trend_covers_years_with_work_or_a_target():
    rows = trend(scorecard_data.frame(), scorecard_data.TARGETS)
    assert sorted(set(rows["year"])) == [2024, 2025, 2026]
    on_time = rows[rows["metric"] == "on_time_rate"].set_index("year")
    assert on_time.loc[2025, "actual"] == 1.0 and on_time.loc[2025, "projects"] == 1
    assert pd.isna(on_time.loc[2024, "actual"])


def test_missing_columns_are_refused():
    with pytest.raises(InvalidInput):
        assess(pd.DataFrame({"project_id": ["A"]}))


def test_store_reads_the_latest_report_and_the_targets(con):
    snapshot_id = scorecard_data.write(con)
    read = store_scorecard.completed_projects(con, snapshot_id).set_index("project_id")
    assert list(read.index) == ["A", "B", "C", "D", "E", "G"]
    assert pd.isna(read.loc["D", "forecast_finish"]) and read.loc["D", "actual_cost"] == 33.0
    assert read.loc["D", "benefit_realized"] == 5.0  # the latest reported benefit, as store.delivery reads it
    assert pd.isna(read.loc["C", "report_date"])
    card = scorecard(read.reset_index(), 2026, store_scorecard.targets(con, snapshot_id))
    assert card.figures["on_time_rate"].actual == pytest.approx(0.6)
    assert card.figures["on_time_rate"].target == pytest.approx(0.6)
