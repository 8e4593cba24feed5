"""The four newer pages at portfolio scale (issue 18): the fast paths give exactly what the slow ones gave.

- `i18n.numbers.number` formats "-1,234.5" locales without Babel's per-call pattern work: the same
  text as Babel for every float (Hypothesis) in both languages;
- `analytics.cases.business_cases` on numpy slices: the same cases, bit for bit, as `case_of` on
  each project's own rows (the definition), with cash flows and derived flows mixed;
- `store.cases.alternatives_of` with the peak FTE aggregated in SQL and the cases handed in: the same
  alternatives as from every demand row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.cases import business_cases, case_of, compare_alternatives, project_flows
from i18n import numbers


@settings(max_examples=200, deadline=None)
@given(value=st.floats(min_value=-1e18, max_value=1e18, allow_nan=False)
       | st.decimals(min_value=-10**6, max_value=10**6, places=3).map(float),
       digits=st.integers(min_value=0, max_value=4), lang=st.sampled_from(["en", "zh"]))
def test_number_is_babels_text(value, digits, lang):
    expected = format_decimal(value, format=numbers._pattern(digits), locale=numbers.LOCALES[lang])
    assert numbers.number(value, lang, digits) == expected


def test_number_keeps_babels_rounding_and_signs():
    # half-even on the float's shortest text, as Babel: 2.675 -> 2.68 (Python's "%.2f" gives 2.67)
    assert numbers.number(2.675, "en", 2) == "2.68"
    assert numbers.number(0.125, "en", 2) == "0.12"
    assert numbers.number(-0.04, "zh", 1) == "-0.0"
    assert numbers.number(-1234567.891, "zh", 2) == "-1,234,567.89"
    assert numbers.number(None, "en") == numbers.BLANK and numbers.number(float("inf"), "en") == numbers.INFINITY


def _portfolio(size: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = [f"P{i:04d}" for i in range(size)]
    projects = pd.DataFrame({
        "project_id": ids, "duration_months": rng.integers(1, 30, size), "budget": rng.uniform(0, 900, size).round(3),
        "expected_benefit": rng.uniform(0, 2000, size).round(2),
    })
    profiled = [p for p, d in zip(ids[:20], projects["duration_months"][:20], strict=True) if d >= 3]
    profile = pd.DataFrame([{"project_id": p, "month_offset": k, "planned_spend": float(k + 1)}
                            for p in profiled for k in range(3)])
    flows = pd.DataFrame([{"project_id": p, "month_offset": int(k), "cost": float(c), "benefit": float(b)}
                          for p in ids[::3]
                          for k, c, b in zip(sorted(rng.choice(60, 8, replace=False)), rng.uniform(0, 50, 8),
                                             rng.uniform(0, 80, 8), strict=True)])
    return projects, profile, flows


def test_business_cases_are_each_projects_own_case_bit_for_bit():
    projects, profile, flows = _portfolio(90)
    for rate, months in ((0.08, 36), (0.35, 1)):
        cases = business_cases(projects, profile, flows, rate=rate, benefit_months=months)
        rows = dict(tuple(project_flows(projects, profile, flows, months).groupby("project_id")))
        expected = [case_of(p, rows[p], rate) for p in projects["project_id"]]
        assert cases == expected
        assert {c.source for c in cases} == {"cash_flows", "derived"}


def test_a_project_without_flow_rows_gets_the_empty_case():
    projects = pd.DataFrame({"project_id": ["A", "B"], "duration_months": [2, 2], "budget": [10.0, 0.0],
                             "expected_benefit": [30.0, 0.0]})
    flows = pd.DataFrame({"project_id": ["A"], "month_offset": [0], "cost": [10.0], "benefit": [0.0]})
    a, b = business_cases(projects, None, flows, rate=0.1, benefit_months=3)
    assert (a.source, a.npv, a.payback_month_offset) == ("cash_flows", -10.0, None)
    assert b == case_of("B", project_flows(projects, None, flows, 3).iloc[0:0], 0.1)


def test_peak_fte_from_aggregated_demand_equals_every_row():
    projects = pd.DataFrame({"project_id": ["A", "B", "C"], "name": ["a", "b", "c"], "status": "proposed",
                             "exclusive_group": ["G", "G", None], "risk_score": [1.0, 2.0, 3.0],
                             "duration_months": 2, "budget": 10.0, "expected_benefit": [30.0, 40.0, 5.0]})
    demand = pd.DataFrame({"project_id": ["A", "A", "A", "B", "C"], "role": ["dev", "dev", "qa", "dev", "dev"],
                           "month_offset": [0, 1, 0, 0, 0], "fte": [1.0, 2.5, 0.5, 3.0, 9.0]})
    peaks = demand.groupby(["project_id", "role"], as_index=False)["fte"].max()
    cases = business_cases(projects, rate=0.08)
    every = compare_alternatives(projects, cases, {"A": 2.0}, demand, {"A"})
    assert compare_alternatives(projects, cases, {"A": 2.0}, peaks, {"A"}) == every
    assert [(a.project_id, a.peak_fte) for a in every] == [("A", {"dev": 2.5, "qa": 0.5}), ("B", {"dev": 3.0})]


def _groups_app() -> None:
    import streamlit as st

    from ui.perf import paged_items

    for group in paged_items([f"G{i}" for i in range(23)], key="page", rows=10, text="scalepages.groups"):
        st.markdown(group)


def test_long_lists_of_sections_are_paged():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_groups_app)
    at.session_state["lang"] = "zh"
    at.run()
    assert [m.value for m in at.markdown] == [f"G{i}" for i in range(10)]
    assert at.caption[0].value == "第 1–10 组，共 23 组"
    at.session_state["lang"] = "en"
    at.number_input(key="page").set_value(3).run()
    assert [m.value for m in at.markdown] == ["G20", "G21", "G22"]
    assert at.caption[0].value == "Groups 21–23 of 23"


def test_change_control_labels_every_project_once():
    from ui.changes import SnapshotInputs, project_label

    projects = pd.DataFrame({"project_id": ["A", "B"], "name": ["Alpha", "Beta"], "status": "active",
                             "start_month": "2026-01", "duration_months": 3, "budget": 10.0})
    inputs = SnapshotInputs(as_of="2026-03", currency_unit="万元", projects=projects,
                            committed_demand=pd.DataFrame(), capacity=pd.DataFrame(), horizon=())
    assert inputs.labels == {"A": "A · Alpha", "B": "B · Beta"}
    assert inputs.labels is inputs.labels   # built once, not per option of the search box's select
    assert project_label(inputs, "B") == "B · Beta" and project_label(inputs, "Z") == "Z · "
