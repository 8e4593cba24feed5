"""Delivery, resources and maturity pages open in a real browser on the sample data, with no error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.streamlit_ui import choose, error_texts, go_to, open_app, sidebar, wait_idle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("path", "title", "text"),
    [
        ("delivery", "Delivery health", "Exceptions, worst first"),
        ("resources", "Resource load", "Utilisation by role and month"),
        ("maturity", "PMO maturity", "Level by area"),
    ],
)
def test_page_opens_without_error(app_url, page, path, title, text):
    open_app(page, app_url, path)
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text(text, exact=True)).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    assert error_texts(page) == []


def test_delivery_tabs_and_drill_down(app_url, page):
    open_app(page, app_url, "delivery")
    page.get_by_role("tab", name="Trends").click()
    wait_idle(page)
    expect(page.get_by_text("Portfolio CPI and SPI by snapshot", exact=True)).to_be_visible()
    page.get_by_role("tab", name="Project drill-down").click()
    wait_idle(page)
    expect(page.get_by_text("Status history", exact=True)).to_be_visible()
    assert error_texts(page) == []


def test_pages_in_chinese(app_url, page):
    open_app(page, app_url, "delivery")
    choose(page, "Language", "简体中文", within=sidebar(page))
    expect(page.get_by_role("heading", name="交付健康")).to_be_visible()
    go_to(page, "资源负荷")
    expect(page.get_by_role("heading", name="资源负荷")).to_be_visible()
    go_to(page, "成熟度")
    expect(page.get_by_role("heading", name="成熟度")).to_be_visible()
    page.get_by_role("tab", name="流程指标").click()
    wait_idle(page)
    expect(page.get_by_text("流程改进起始月", exact=True)).to_be_visible()
    assert error_texts(page) == []
