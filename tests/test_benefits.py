"""Benefits realisation of completed projects: sums then rates, by category, edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.benefits import UNCATEGORISED, benefits_realisation
from analytics.errors import InvalidInput
from store import delivery


def _frame():
    return pd.DataFrame(
        {
            "project_id": ["A", "B", "C", "D", "E", "F"],
            "name": ["a", "b", "c", "d", "e", "f"],
            "category": ["IT", "IT", "Ops", None, "Ops", "IT"],
            "status": ["completed", "completed", "completed", "completed", "active", "completed"],
            "expected_benefit": [100.0, 300.0, 50.0, 20.0, 999.0, np.nan],
            "benefit_realized": [80.0, 330.0, np.nan, 5.0, 10.0, 70.0],
        }
    )


def test_rates_are_ratios_of_sums():
    result = benefits_realisation(_frame())
    # Completed with a plan: A, B, C, D. Realised: 80 + 330 + 0 (C reported nothing) + 5 = 415 of 470.
    assert result.planned_total == 470 and result.realised_total == 415
    assert result.realisation_rate == pytest.approx(415 / 470)
    assert result.unplanned_count == 1          # F: completed without an expected benefit
    cats = result.by_category.set_index("category")
    assert cats.loc["IT", ["projects", "planned", "realised"]].tolist() == [2, 400, 410]
    assert cats.loc["IT", "realisation_rate"] == pytest.approx(410 / 400)   # not mean(0.8, 1.1) = 0.95
    assert cats.loc["Ops", "realisation_rate"] == 0.0
    assert cats.loc[UNCATEGORISED, "realisation_rate"] == pytest.approx(0.25)


def test_projects_sorted_by_shortfall():
    projects = benefits_realisation(_frame()).projects
    assert list(projects["project_id"]) == ["C", "A", "D", "B"]
    assert projects.set_index("project_id").loc["B", "shortfall"] == -30


def test_zero_plan_has_no_rate():
    frame = pd.DataFrame({"project_id": ["A"], "status": ["completed"], "expected_benefit": [0.0], "benefit_realized": [5.0]})
    result = benefits_realisation(frame)
    assert result.realisation_rate is None and np.isnan(result.projects.loc[0, "realisation_rate"])


def test_no_completed_projects():
    result = benefits_realisation(_frame().assign(status="active"))
    assert result.planned_total == 0 and result.realisation_rate is None and result.by_category.empty


def test_on_the_sample_store(delivery_ids, con):
    result = benefits_realisation(delivery.completed_benefits(con, delivery_ids["2026-03"]))
    assert result.planned_total == 350 and result.realised_total == 300
    assert result.realisation_rate == pytest.approx(300 / 350)


def test_missing_column_refused():
    with pytest.raises(InvalidInput):
        benefits_realisation(pd.DataFrame({"project_id": ["A"], "expected_benefit": [1.0]}))


def test_negative_plan_refused():
    with pytest.raises(InvalidInput):
        benefits_realisation(pd.DataFrame({"project_id": ["A"], "expected_benefit": [-1.0], "benefit_realized": [0.0]}))
