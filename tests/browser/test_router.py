"""The router on a cold server: a deep link is served through app.py's navigation, and the
language chosen by the browser stays through page switches (regressions of the legacy pages/ mode)."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.streamlit_ui import error_texts, go_to, open_app, selected, sidebar

pytestmark = pytest.mark.browser


def test_deep_link_on_a_cold_server_gets_the_shell(start_app, sample_template_db, tmp_path, page):
    db_path = tmp_path / "sample.duckdb"
    shutil.copyfile(sample_template_db, db_path)
    with start_app(db_path, warm=False) as url:
        open_app(page, url, "delivery")  # the very first request of this server
        bar = sidebar(page)
        assert selected(page, "Language", within=bar) == "English"
        assert selected(page, "Snapshot", within=bar).startswith("2026-10")
        expect(bar.get_by_text("Portfolio", exact=True)).to_be_visible()  # our sections, not a file list
        expect(page.get_by_role("heading", name="Delivery health", exact=True)).to_be_visible()
        for title, heading in (("Data", "Data"), ("Strategy", "Strategic fit"), ("Delivery", "Delivery health")):
            go_to(page, title)
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            assert selected(page, "Language", within=bar) == "English"
        assert error_texts(page) == []
