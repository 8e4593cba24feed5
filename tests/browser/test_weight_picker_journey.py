"""The optimiser's weight-set picker in a real browser: on a snapshot where the weights decide the
answer (tests/test_page_optimiser_weights.py), the active set is offered first, choosing the other one
changes the optimum, and the saved scenario names the set it was solved with."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from store import db, scenarios
from tests.browser.streamlit_ui import TIMEOUT_MS, choose, error_texts, go_to, open_app, selected, wait_idle
from tests.test_page_optimiser_weights import store_weighted_snapshot

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LODESTAR_SCREENSHOTS")  # a folder to keep screenshots in, for a human look


def _metric(page, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))
    return box.get_by_test_id("stMetricValue").inner_text()


def test_pick_a_weight_set_run_and_save(start_app, tmp_path, page):
    db_path = tmp_path / "weights.duckdb"
    con = db.connect(db_path)   # the helper takes a connection since the page tests share a template
    try:
        _, growth, efficiency = store_weighted_snapshot(con)
    finally:
        con.close()
    with start_app(db_path) as url:
        open_app(page, url)
        go_to(page, "Optimiser")
        assert selected(page, "Weight set") == f"Growth first (#{growth}) — active"
        page.get_by_role("spinbutton", name="Total budget over the horizon", exact=True).fill("200")
        choose(page, "Weight set", f"Efficiency first (#{efficiency})")
        page.get_by_role("button", name="Optimise", exact=True).click()
        wait_idle(page)
        expect(page.get_by_test_id("stMetric").filter(has=page.get_by_text("Value", exact=True))).to_be_visible(
            timeout=TIMEOUT_MS)
        assert _metric(page, "Value") == "150.0"  # B + C under "Efficiency first"; the active set gives 135
        expect(page.get_by_text(f"Strategic weights: Efficiency first (#{efficiency})", exact=True)).to_be_visible()
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/optimiser.png", full_page=True)
        page.get_by_role("textbox", name="Scenario name", exact=True).fill("Efficiency")
        page.get_by_role("button", name="Save scenario", exact=True).click()
        wait_idle(page)
        expect(page.get_by_text("Saved as “Efficiency”", exact=False)).to_be_visible(timeout=TIMEOUT_MS)
        go_to(page, "Scenarios")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/scenarios.png", full_page=True)
        assert error_texts(page) == []
    con = db.connect(db_path)
    try:
        (row,) = scenarios.list_scenarios(con).itertuples()
    finally:
        con.close()
    assert (row.weight_set_id, row.weight_set_name, row.objective) == (efficiency, "Efficiency first", 150.0)
