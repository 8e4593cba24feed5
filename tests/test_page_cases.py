"""The Business cases page (views/cases.py) on the optimiser's hand-worked portfolio, in both languages:
the cases table, the CRM alternatives in their recommended order with the reason, the plan they are
checked against."""

from __future__ import annotations

import pytest

from analytics.cases import business_cases
from store import db
from store.portfolio import load_portfolio
from tests.optimiser_pages_data import open_page, rerun

PAGE = "views/cases.py"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_page_shows_cases_and_alternatives(monkeypatch, db_file, optimiser_snapshot, language):
    at = open_page(monkeypatch, db_file, PAGE, language, optimiser_snapshot)
    cases_frame, crm = at.dataframe[0].value, at.dataframe[1].value
    assert len(cases_frame) == 9
    con = db.connect(db_file)
    data = load_portfolio(con, optimiser_snapshot)
    expected = {c.project_id: c for c in business_cases(data.projects, rate=0.08)}
    con.close()
    first = cases_frame.iloc[:, 0].tolist()
    assert first == sorted(expected)
    # P5 (strategic value 70) before P4 (60): both pay back at 8 %
    assert crm.iloc[:, 1].tolist() == ["P5", "P4"]
    text = " ".join(m.value for m in at.markdown)
    if language == "en":
        assert "P5 before P4: higher strategic value." in text
        assert any("No scenario is saved" in c.value for c in at.caption)
    else:
        assert "P5 排在 P4 之前：战略价值更高。" in text


def test_a_higher_rate_lowers_every_npv(monkeypatch, db_file, optimiser_snapshot):
    at = open_page(monkeypatch, db_file, PAGE, "en", optimiser_snapshot)
    before = at.dataframe[0].value["NPV"].tolist()
    at.number_input(key="cases.rate").set_value(30.0)
    rerun(at)
    after = at.dataframe[0].value["NPV"].tolist()
    assert before != after
