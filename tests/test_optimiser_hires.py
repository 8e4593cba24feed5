"""The optimiser's result lists the hires it chose (role, month, FTE, cost): engine, page and saved scenario.

Issue 14: hires were only an FTE map inside the result; the total cost included them unseen.
"""

from __future__ import annotations

import pytest

from analytics import selection
from analytics.selection_types import Hire
from store import db, scenarios
from tests.optimiser_pages_data import open_page, rerun, tables
from tests.selection_cases import capacity, flat_demand, params, portfolio, project
from ui import optimiser as opt


def test_hires_are_itemised_with_their_cost():
    """A needs 2 dev in January and March, 1 in February; dev has 1 FTE at 3 a FTE-month: the model buys
    1 FTE in January and 1 in March (cost 6), nothing in February."""
    data = portfolio([project("A", duration=3, budget=10, benefit=50)], values={"A": 10},
                     demand=[{"project_id": "A", "role": "dev", "month_offset": k, "fte": fte}
                             for k, fte in enumerate((2.0, 1.0, 2.0))],
                     capacity_rows=capacity("dev", 1, hire_cost=3.0))
    result = selection.optimise(data, params(objective="benefit", allow_hiring=True))
    assert result.hire_plan == (Hire("dev", "2026-01", pytest.approx(1.0), pytest.approx(3.0)),
                                Hire("dev", "2026-03", pytest.approx(1.0), pytest.approx(3.0)))
    assert result.hire_cost == pytest.approx(6.0) and result.total_cost == pytest.approx(16.0)
    assert result.objective == pytest.approx(50.0 - 6.0)


def test_no_hiring_no_hire_lines():
    data = portfolio([project("A")], values={"A": 1}, demand=flat_demand("A", "dev", 1, 1),
                     capacity_rows=capacity("dev", 1, hire_cost=3.0))
    assert selection.optimise(data, params()).hire_plan == ()


@pytest.mark.parametrize(("language", "columns"), [
    ("en", ["Role", "Month", "FTE hired", "Hiring cost"]),
    ("zh", ["角色", "月份", "外包 FTE", "外包成本"]),
])
def test_the_page_lists_the_hires_and_the_scenario_keeps_them(monkeypatch, db_file, optimiser_snapshot, language, columns):
    """Hand data, budget 700 with hiring: C1 + P1 + P2 + P3 + P5 + P6 (610, value 420) and 5 FTE-months of
    dev at 2.5 each (12.5): 622.5 in all."""
    at = open_page(monkeypatch, db_file, "views/optimiser.py", language, optimiser_snapshot)
    at.number_input(key="opt.budget.0").set_value(700.0)
    at.checkbox(key="opt.hiring.0").check()
    at.button(key="opt.submit").click()
    rerun(at)
    result = at.session_state[opt.RUN_KEY].result
    assert result.objective == pytest.approx(420.0) and result.total_cost == pytest.approx(622.5)
    assert result.hire_cost == pytest.approx(12.5) and sum(h.fte for h in result.hire_plan) == pytest.approx(5.0)
    # under the tiles: the same split as the Overview and the pack (analytics.metrics.plan_totals)
    captions = [c.value for c in at.caption]
    if language == "en":
        assert "Plan: 6 projects = 1 committed + 5 new." in captions
        assert ("Spend inside the horizon 622.5 万元 = committed work 120.0 万元 + new proposals 490.0 万元 + "
                "hires 12.5 万元.") in captions
    hires = tables(at)[1]   # below the schedule
    assert list(hires.columns) == columns
    assert [tuple(row) for row in hires.itertuples(index=False)] == [
        (h.role, h.month, pytest.approx(h.fte), pytest.approx(2.5 * h.fte)) for h in result.hire_plan]
    at.text_input(key="opt.save_name").set_value("With hires")
    at.button(key="opt.save").click()
    rerun(at)
    con = db.connect(db_file)
    try:
        saved = scenarios.get_scenario(con, at.session_state[opt.RUN_KEY].scenario_id)
    finally:
        con.close()
    assert saved.result.hire_plan == result.hire_plan
    # saved from the page as the CLI saves it: with marginal values and frontier (the box is ticked by default)
    assert saved.run.marginal_values and len(saved.run.frontier) >= 2
    assert saved.payload["result"]["hire_plan"][0] == {"role": "dev", "month": result.hire_plan[0].month,
                                                        "fte": result.hire_plan[0].fte, "cost": result.hire_plan[0].cost}


def test_without_hires_the_page_shows_no_hire_table(monkeypatch, db_file, optimiser_snapshot):
    at = open_page(monkeypatch, db_file, "views/optimiser.py", "en", optimiser_snapshot)
    at.button(key="opt.submit").click()
    rerun(at)
    assert not any(m.value in ("**Hires chosen**",) for m in at.markdown)
    assert [list(df.columns)[:2] for df in tables(at)][1] == ["ID", "Project"]   # the left-out table follows
