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
    # every project by its name, not only those in an exclusive group (the names came from the alternatives)
    names = dict(zip(data.projects["project_id"], data.projects["name"], strict=True))
    assert cases_frame.iloc[:, 1].tolist() == [names[p] for p in first]
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


@pytest.fixture
def plan(db_file, templates) -> tuple[int, int]:
    """(snapshot id, scenario id) of the hand portfolio with its optimum saved as scenario "base"."""
    from store.snapshots import latest_snapshot_id
    from tests.simulation_data import saved_plan

    scenario = templates.copy("simulate_base", saved_plan, db_file)
    con = db.connect(db_file)
    snapshot = latest_snapshot_id(con)
    con.close()
    db.close_shared(db_file)
    return snapshot, scenario


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_uncertainty_section_simulates_reoptimises_and_finds_a_confident_budget(monkeypatch, db_file, plan, language):
    at = open_page(monkeypatch, db_file, PAGE, language, plan[0])
    metrics = {m.label: m.value for m in at.metric}
    within = "Within budget" if language == "en" else "不超预算概率"
    assert metrics[within] == "100.0%"   # no spread: the plan's 510 is within its 520
    at.number_input(key="sim.futures").set_value(2)
    at.button(key="sim.reoptimise").click()
    rerun(at)
    frequency = at.dataframe[-1].value
    shown = dict(zip(frequency.iloc[:, 0], frequency.iloc[:, 3], strict=True))
    assert shown["P2"] == ("in 100% of futures" if language == "en" else "在 100% 的情形中入选")
    assert shown["P7"] == ("in 0% of futures" if language == "en" else "在 0% 的情形中入选")
    at.button(key="sim.chance").click()
    rerun(at)
    text = " ".join(m.value for m in at.markdown)
    # no spread: the plain plan already holds, so the solver keeps the whole 520
    assert ("With 520.0 given to the solver" if language == "en" else "求解器使用预算 520.0") in text


def test_the_overrun_history_names_the_projects_it_learnt_from(monkeypatch, sample_path):
    path, snapshot = sample_path
    at = open_page(monkeypatch, path, PAGE, "en", snapshot)
    text = " ".join(m.value for m in at.markdown)
    assert "Cost risk from 2 completed 合规 projects: median +21%, P90 +37% (learnt from PRJ\\-2025\\-003, PRJ\\-2025\\-004)" in text
    assert any("Save a scenario on the Optimiser page first" in i.value for i in at.info)
