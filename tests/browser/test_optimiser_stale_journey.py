"""Issue 14 in a real browser: run, change the budget and tick hiring without pressing Optimise; the
result is marked out of date (naming what changed) and Save is disabled until the run is repeated."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from store import db, scenarios
from tests import optimiser_pages_data
from tests.browser.streamlit_ui import TIMEOUT_MS, error_texts, go_to, open_app, wait_idle

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LODESTAR_SCREENSHOTS")  # a folder to keep screenshots in, for a human look


def test_a_changed_form_marks_the_result_out_of_date(start_app, tmp_path, page):
    db_path = tmp_path / "stale.duckdb"
    con = db.connect(db_path)
    sid = optimiser_pages_data.create(con)
    con.close()
    with start_app(db_path) as url:
        open_app(page, url)
        go_to(page, "Optimiser")
        budget = page.get_by_role("spinbutton", name="Total budget over the horizon", exact=True)
        budget.fill("520")
        page.get_by_role("button", name="Optimise", exact=True).click()
        wait_idle(page)
        save = page.get_by_role("button", name="Save scenario", exact=True)
        expect(save).to_be_enabled(timeout=TIMEOUT_MS)
        budget.fill("600")
        budget.press("Enter")
        page.get_by_text("Allow hiring extra capacity", exact=True).click()
        wait_idle(page)
        warning = page.get_by_text("Out of date:", exact=False)
        expect(warning).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.get_by_text("Total budget over the horizon, Allow hiring extra capacity changed",
                                exact=False)).to_be_visible()
        expect(save).to_be_disabled()
        if SHOTS:
            warning.scroll_into_view_if_needed()
            page.screenshot(path=f"{SHOTS}/optimiser_stale.png")
            page.get_by_test_id("stPlotlyChart").first.scroll_into_view_if_needed()
            page.screenshot(path=f"{SHOTS}/optimiser_gantt.png")
        page.get_by_role("button", name="Optimise", exact=True).click()
        wait_idle(page)
        expect(warning).to_have_count(0, timeout=TIMEOUT_MS)
        expect(save).to_be_enabled()
        assert error_texts(page) == []
    con = db.connect(db_path)
    try:
        assert scenarios.list_scenarios(con, sid).empty   # nothing was saved from the stale result
    finally:
        con.close()
