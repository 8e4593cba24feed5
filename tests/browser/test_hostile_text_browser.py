"""Hostile names in a real browser: the Overview and Scenarios pages show them as text.

A project, snapshot or scenario called `![i](http://host/p.png)` must not make the reader's browser
fetch that address, and `[x](http://evil.example)` or `<a href="http://evil.example">` must not
become a link, in Markdown or in a Plotly chart. The database is `tests.hostile_data`'s.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.streamlit_ui import error_texts, go_to, open_app, selected, sidebar, wait_idle
from tests.hostile_data import LABELS, RATIONALE, SCENARIO, build

pytestmark = pytest.mark.browser

EVIL_IMAGE = 'img[src="http://host/p.png"]'
EVIL_LINK = 'a[href="http://evil.example"], a[href="http://evil.example/"]'


def _assert_no_hostile_markup(page: Page) -> None:
    assert page.locator(EVIL_IMAGE).count() == 0
    assert page.locator(EVIL_LINK).count() == 0
    assert page.locator('img[src="x"]').count() == 0  # <img src=x onerror=...> stayed text


def _main_text(page: Page) -> str:
    """The main area's text as a reader sees it (the invisible word joiners that break autolinks dropped)."""
    return page.get_by_test_id("stMain").inner_text().replace("\u2060", "")


def _wait_for_chart(page: Page) -> None:
    expect(page.locator(".js-plotly-plot").first).to_be_visible()


def test_overview_and_scenarios_show_hostile_names_as_text(start_app, tmp_path, page):
    hostile = build(tmp_path)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with start_app(hostile.path) as url:
        open_app(page, url)
        bar = sidebar(page)
        assert selected(page, "Snapshot", within=bar).startswith(LABELS[1])  # selectbox options are plain text
        bar.get_by_role("combobox", name="Snapshot", exact=True).click()  # the open list, too
        options = page.get_by_role("option")
        expect(options.first).to_be_visible()
        assert [o.inner_text() for o in options.all()][:2] == [f"{LABELS[1]} · 2026-10-31 (#2)", f"{LABELS[0]} · 2026-09-30 (#1)"]
        _assert_no_hostile_markup(page)
        page.keyboard.press("Escape")
        _wait_for_chart(page)
        _assert_no_hostile_markup(page)
        shown = _main_text(page)
        assert f"{LABELS[1]} · data as of" in shown and SCENARIO in shown, shown
        assert error_texts(page) == []

        go_to(page, "Scenarios")
        wait_idle(page)
        _wait_for_chart(page)
        _assert_no_hostile_markup(page)
        shown = _main_text(page)
        assert f"Recommended: {SCENARIO} (#{hostile.scenario_id}) — {RATIONALE}" in shown, shown
        assert error_texts(page) == []
    assert not [u for u in requested if "host/p.png" in u or "evil.example" in u], requested
