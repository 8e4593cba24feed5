"""Optimiser page additions of issue 19: the `npv` objective with its discount rate, and the value
against risk exposure chart, on the hand-worked portfolio of tests/optimiser_pages_data.py."""

from __future__ import annotations

import json

import pytest

from tests import optimiser_pages_data
from tests.optimiser_pages_data import open_page, rerun
from ui import optimiser as opt

PAGE = "views/optimiser.py"


def _optimise(at):
    at.number_input(key="opt.budget.0").set_value(optimiser_pages_data.BUDGET)
    at.button(key="opt.submit").click()
    return rerun(at)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_pareto_chart_ends_at_the_runs_optimum(monkeypatch, db_file, optimiser_snapshot, language):
    at = _optimise(open_page(monkeypatch, db_file, PAGE, language, optimiser_snapshot))
    assert at.session_state[opt.RUN_KEY].result.objective == pytest.approx(340.0)
    at.number_input(key="opt.pareto.points").set_value(4)
    at.button(key="opt.pareto.run").click()
    rerun(at)
    chart = next(c for c in at.get("plotly_chart") if "opt.pareto.chart" in str(c.proto.id))
    figure = json.loads(chart.proto.spec)
    values, exposures = figure["data"][0]["y"], figure["data"][0]["x"]
    assert values[-1] == pytest.approx(340.0) and values == sorted(values) and exposures == sorted(exposures)
    assert ("Risk exposure" if language == "en" else "风险敞口") in figure["layout"]["xaxis"]["title"]["text"]


def test_the_npv_objective_asks_for_a_rate_and_runs(monkeypatch, db_file, optimiser_snapshot):
    at = open_page(monkeypatch, db_file, PAGE, "en", optimiser_snapshot)
    at.selectbox(key="opt.objective.0").set_value("npv")
    rerun(at)
    at.number_input(key="opt.discount_rate.0").set_value(10.0)
    at = _optimise(at)
    run = at.session_state[opt.RUN_KEY]
    assert run.params.objective == "npv" and run.params.discount_rate == pytest.approx(0.10)
    assert run.result.has_solution
