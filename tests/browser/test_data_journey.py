"""A PMO analyst's first visit, in a real browser: an empty database, upload two exported CSV files
(one GB18030 with Chinese headers, one UTF-8 with BOM), check, import, see the snapshot in the
sidebar, then switch the interface to Chinese and back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.streamlit_ui import (
    TIMEOUT_MS,
    choose,
    error_texts,
    expect_selected,
    go_to,
    open_app,
    sidebar,
    wait_idle,
)

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "06_2026-10"
SCREENSHOTS = Path(os.environ.get("LODESTAR_SCREENSHOTS", "/tmp"))


def _metric(page, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))
    return box.get_by_test_id("stMetricValue").inner_text()


def test_upload_import_and_switch_language(empty_app_url, page):
    projects, reports = SAMPLE / "projects.csv", SAMPLE / "status_reports.csv"
    assert projects.read_bytes().decode("gb18030").startswith("项目编号")  # the journey needs a GBK export

    open_app(page, empty_app_url)
    bar = sidebar(page)
    go_to(page, "Data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    expect(bar.get_by_text("No snapshot yet: import data on the Data page.")).to_be_visible()

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(projects), str(reports)])
    wait_idle(page)
    expect(page.get_by_text("What was recognised", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("Import as a snapshot", exact=True)).to_be_visible()
    assert _metric(page, "Errors") == "0"
    assert _metric(page, "Files") == "2"

    label = page.get_by_role("textbox", name="Snapshot label", exact=True)
    label.fill("浏览器导入 Browser import")
    label.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Import snapshot", exact=True).click()
    wait_idle(page)

    expect(page.get_by_text("Snapshot #1 “浏览器导入 Browser import” imported", exact=False)).to_be_visible(
        timeout=TIMEOUT_MS)
    expect_selected(page, "Snapshot", "浏览器导入 Browser import · 2026-10-31 (#1)", within=bar)
    expect(bar.get_by_text("Amounts in 万元")).to_be_visible()
    assert error_texts(page) == []

    choose(page, "Language", "简体中文", within=bar)
    expect(page.get_by_role("heading", name="数据", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="数据快照", exact=True)).to_be_visible()
    expect(bar.get_by_role("link", name="决策记录")).to_be_visible()
    expect_selected(page, "数据快照", "浏览器导入 Browser import · 2026-10-31", within=bar)
    page.screenshot(path=str(SCREENSHOTS / "lodestar_data_journey_zh.png"), full_page=True)

    choose(page, "语言", "English", within=bar)
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Snapshots", exact=True)).to_be_visible()
    assert error_texts(page) == []
