"""Delivery, resources and maturity pages open in a real browser on the sample data, with no error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.streamlit_ui import choose, error_texts, go_to, open_app, sidebar, wait_idle

pytestmark = pytest.mark.browser

# Pages are reached through the sidebar: a first request straight to /delivery runs the page file
# before app.py's st.navigation has set up the session. Titles are matched in either language: on
# some sidebar page switches the app shell's language selectbox falls back to its first option (zh).
PAGES = [
    ("Delivery", "Delivery health|交付健康", "Exceptions, worst first|异常项目（最严重的在前）"),
    ("Resources", "Resource load|资源负荷", "Utilisation by role and month|各角色逐月利用率"),
    ("Maturity", "PMO maturity|成熟度", "Level by area|各领域等级"),
]


@pytest.mark.parametrize(("link", "title", "text"), PAGES)
def test_page_opens_without_error(app_url, page, link, title, text):
    open_app(page, app_url)
    go_to(page, link)
    expect(page.get_by_role("heading", name=re.compile(f"^({title})$"))).to_be_visible()
    expect(page.get_by_text(re.compile(f"^({text})$"))).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    assert error_texts(page) == []


def test_delivery_tabs_and_drill_down(app_url, page):
    open_app(page, app_url)
    go_to(page, "Delivery")
    page.get_by_role("tab", name=re.compile("^(Trends|趋势)$")).click()
    wait_idle(page)
    expect(page.get_by_text(re.compile("^(Portfolio CPI and SPI by snapshot|各快照的组合 CPI 与 SPI)$"))).to_be_visible()
    page.get_by_role("tab", name=re.compile("^(Project drill-down|项目明细)$")).click()
    wait_idle(page)
    expect(page.get_by_text(re.compile("^(Status history|状态报告历史)$"))).to_be_visible()
    assert error_texts(page) == []


def test_pages_in_chinese(app_url, page):
    open_app(page, app_url)
    choose(page, "Language", "简体中文", within=sidebar(page))
    go_to(page, "交付健康")
    expect(page.get_by_role("heading", name="交付健康")).to_be_visible()
    go_to(page, "资源负荷")
    expect(page.get_by_role("heading", name="资源负荷")).to_be_visible()
    go_to(page, "成熟度")
    expect(page.get_by_role("heading", name="成熟度")).to_be_visible()
    page.get_by_role("tab", name="流程指标").click()
    wait_idle(page)
    expect(page.get_by_text("流程改进起始月", exact=True)).to_be_visible()
    assert error_texts(page) == []
