"""The hand-worked optimiser portfolio (tests/optimiser_pages_data.py) with its optimum at BUDGET saved
as scenario "base", for the simulation CLI and page tests (not a test module itself)."""

from __future__ import annotations

from tests.optimiser_pages_data import BUDGET


def saved_plan(con) -> int:
    """The hand portfolio with its optimum at BUDGET saved as scenario "base" (the optimiser's own pipeline)."""
    from analytics.selection_types import SelectionParams
    from store.optimiser_runs import run_optimiser
    from store.portfolio import load_portfolio
    from store.scenarios import save_scenario
    from tests import optimiser_pages_data

    snapshot_id = optimiser_pages_data.create(con)
    data = load_portfolio(con, snapshot_id)
    params = SelectionParams(horizon_start="2026-03", budget=BUDGET)
    outcome = run_optimiser(con, data, params, snapshot_id=snapshot_id)
    return save_scenario(con, snapshot_id=snapshot_id, name="base", params=params, payload=outcome.payload, actor=None)
