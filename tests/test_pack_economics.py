"""The pack's economics (reports/economics.py): the Business cases and Uncertainty sheets of a scenario of
the hand-worked optimiser portfolio carry the cases, the alternatives, the simulation and the Pareto
chart, in both languages."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from analytics.cases import business_cases
from reports import export_scenario
from store import db
from store.portfolio import load_portfolio
from tests.simulation_data import saved_plan


@pytest.fixture
def scenario(db_file, templates) -> int:
    return templates.copy("simulate_base", saved_plan, db_file)


@pytest.mark.parametrize(("lang", "cases_name", "uncertainty_name", "within"),
                         [("en", "Business cases", "Uncertainty", "Within budget"),
                          ("zh", "经济评价", "不确定性", "不超预算概率")])
def test_the_workbook_carries_cases_alternatives_simulation_and_pareto(db_file, scenario, lang, cases_name,
                                                                        uncertainty_name, within):
    con = db.connect(db_file)
    data = load_portfolio(con, 1)
    wb = load_workbook(io.BytesIO(export_scenario(con, scenario, "xlsx", lang).data))
    con.close()
    cases = wb[cases_name]
    rows = {r[0]: r for r in cases.iter_rows(min_row=2, max_col=9, values_only=True) if r[0] in data.projects["project_id"].tolist()}
    expected = {c.project_id: c.npv for c in business_cases(data.projects, rate=0.08)}
    assert set(rows) >= {"P2", "P5", "P4", "P7"}      # plan projects and left-out proposals
    for pid, row in rows.items():
        assert row[2] == pytest.approx(expected[pid])
    text = [c for row in cases.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("P5" in t and "P4" in t for t in text)   # the CRM group's reason
    uncertainty = wb[uncertainty_name]
    labels = {r[0]: r[1] for r in uncertainty.iter_rows(max_col=2, values_only=True) if r[0]}
    assert labels[within] == 1.0
    assert len(uncertainty._charts) == 1
    values = [r[1] for r in uncertainty.iter_rows(max_col=3, values_only=True)
              if isinstance(r[0], float | int) and isinstance(r[1], float | int) and isinstance(r[2], str)]
    assert values and values[-1] == pytest.approx(340.0)   # the Pareto front ends at the optimum
