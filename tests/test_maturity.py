"""Staged maturity: the level rule, a skipped level, no target, organisation level, improvements."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.errors import InvalidInput
from analytics.maturity import area_level, assess_maturity
from tests import delivery_data


def test_area_level_rule():
    # Level-2 practices pass, a level-3 practice fails: the area stops at 2 whatever level 4 says.
    assert area_level([2, 2, 3, 4], [90, 85, 70, 95]) == 2
    assert area_level([2, 3, 4], [80, 80, 80]) == 4          # the threshold itself passes
    assert area_level([2, 3], [80, 79.9]) == 2
    assert area_level([2], [10]) == 1                        # level 1 asks nothing
    assert area_level([1, 2], [50, 90]) == 0                 # a failing level-1 practice: below 1
    assert area_level([1, 2, 3, 4, 5], [99] * 5) == 5


def test_skipped_level():
    # No level-3 practice: 3 is reached with level 2; 4 needs the level-4 practice too.
    assert area_level([2, 4], [85, 60]) == 3
    assert area_level([2, 4], [85, 90]) == 4
    assert area_level([2, 4], [70, 90]) == 1
    # Never above the highest level that has practices.
    assert area_level([2, 3], [90, 90]) == 3


def test_threshold_is_configurable():
    assert area_level([2, 3], [75, 75], threshold=70) == 3
    assert area_level([2, 3], [75, 75]) == 1


def test_assessment_on_sample_rows():
    result = assess_maturity(delivery_data.maturity_frame())
    areas = result.areas.set_index("area")
    assert areas["level"].to_dict() == {"Governance": 2, "Resourcing": 1, "Risk": 3}
    assert areas.loc["Governance", "gap"] == 2 and areas.loc["Risk", "gap"] == 0
    assert pd.isna(areas.loc["Resourcing", "target_level"]) and pd.isna(areas.loc["Resourcing", "gap"])
    assert result.organisation_level == 1
    assert result.average_level == pytest.approx(2.0)
    # Failing practices within target (Risk's level-4 practice is above its target 3: not listed),
    # lowest level first, then largest gap.
    improvements = result.improvements
    assert list(improvements["practice"]) == ["Capacity plan", "Benefits tracking"]
    assert list(improvements["score_gap"]) == [20.0, 10.0]
    assert list(improvements["rank"]) == [1, 2]


def test_ranking_largest_gap_first_within_a_level():
    rows = pd.DataFrame(
        {"area": ["A", "A", "B", "B"], "practice": ["a2", "a3", "b2", "b3"], "level": [2, 3, 2, 3],
         "score": [75.0, 10.0, 40.0, 50.0], "target_level": [3, 3, 3, 3]}
    )
    improvements = assess_maturity(rows).improvements
    assert list(improvements["practice"]) == ["b2", "a2", "a3", "b3"]


def test_no_target_column_at_all():
    rows = pd.DataFrame({"area": ["A", "A"], "practice": ["x", "y"], "level": [2, 3], "score": [90.0, 50.0]})
    result = assess_maturity(rows)
    assert result.areas.loc[0, "level"] == 2 and pd.isna(result.areas.loc[0, "gap"])
    assert list(result.improvements["practice"]) == ["y"]


def test_target_below_current_level_has_zero_gap():
    rows = pd.DataFrame({"area": ["A"], "practice": ["x"], "level": [3], "score": [90.0], "target_level": [2]})
    assert assess_maturity(rows).areas.loc[0, "gap"] == 0


def test_empty_assessment_refused():
    with pytest.raises(InvalidInput):
        assess_maturity(pd.DataFrame({"area": [], "practice": [], "level": [], "score": []}))


def test_level_out_of_range_refused():
    with pytest.raises(InvalidInput):
        assess_maturity(pd.DataFrame({"area": ["A"], "practice": ["x"], "level": [6], "score": [90.0]}))


def test_score_out_of_range_refused():
    with pytest.raises(InvalidInput):
        assess_maturity(pd.DataFrame({"area": ["A"], "practice": ["x"], "level": [2], "score": [120.0]}))


def test_threshold_out_of_range_refused():
    with pytest.raises(InvalidInput):
        assess_maturity(delivery_data.maturity_frame(), threshold=0)
