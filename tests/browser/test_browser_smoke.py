"""The app opens in a real browser on the sample database: sidebar, pages and both languages."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.streamlit_ui import choose, error_texts, expect_selected, go_to, open_app, sidebar

pytestmark = pytest.mark.browser


def test_app_opens_with_sidebar_and_latest_snapshot(app_url, page):
    open_app(page, app_url)
    bar = sidebar(page)
    expect(bar.get_by_role("heading", name="Lodestar", exact=True)).to_be_visible()
    expect_selected(page, "Language", "English", within=bar)  # from the browser's en-US locale
    expect_selected(page, "Snapshot", "2026-10 月度快照 Monthly snapshot · 2026-10-31", within=bar)
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
    expect_selected(page, "Snapshot", "2026-10", within=bar)
    assert error_texts(page) == []


def test_first_session_after_start_keeps_sidebar_choices(start_app, sample_template_db, tmp_path, page):
    db_path = tmp_path / "sample.duckdb"
    shutil.copyfile(sample_template_db, db_path)
    with start_app(db_path, warm=False) as url:
        open_app(page, url)
        bar = sidebar(page)
        choose(page, "Snapshot", "2026-08 月度快照 Monthly snapshot · 2026-08-31 (#4)", within=bar)
        expect_selected(page, "Language", "English", within=bar)
        expect_selected(page, "Snapshot", "2026-08", within=bar)


def test_sidebar_choices_survive_a_page_switch(app_url, page):
    open_app(page, app_url)
    bar = sidebar(page)
    choose(page, "Snapshot", "2026-08 月度快照 Monthly snapshot · 2026-08-31 (#4)", within=bar)
    go_to(page, "Delivery")
    expect_selected(page, "Language", "English", within=bar)
    expect_selected(page, "Snapshot", "2026-08 月度快照 Monthly snapshot · 2026-08-31", within=bar)
    assert error_texts(page) == []
