"""The app opens in a real browser on the sample database: sidebar, pages and both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.streamlit_ui import choose, error_texts, open_app, selected, sidebar

pytestmark = pytest.mark.browser


def test_app_opens_with_sidebar_and_latest_snapshot(app_url, page):
    open_app(page, app_url)
    bar = sidebar(page)
    expect(bar.get_by_role("heading", name="Lodestar", exact=True)).to_be_visible()
    assert selected(page, "Language", within=bar) == "English"  # from the browser's en-US locale
    assert selected(page, "Snapshot", within=bar).startswith("2026-10 月度快照 Monthly snapshot · 2026-10-31")
    expect(bar.get_by_text("Amounts in 万元")).to_be_visible()
    expect(bar.get_by_role("link", name="Overview")).to_be_visible()
    assert error_texts(page) == []


def test_language_switch_changes_the_sidebar(app_url, page):
    open_app(page, app_url)
    choose(page, "Language", "简体中文", within=sidebar(page))
    bar = sidebar(page)
    expect(bar.get_by_role("heading", name="Lodestar 项目组合决策台")).to_be_visible()
    expect(bar.get_by_role("link", name="总览")).to_be_visible()
    expect(bar.get_by_text("金额单位：万元")).to_be_visible()
    choose(page, "语言", "English", within=bar)
    expect(bar.get_by_role("link", name="Overview")).to_be_visible()
    assert selected(page, "Snapshot", within=bar).startswith("2026-10")
    assert error_texts(page) == []
