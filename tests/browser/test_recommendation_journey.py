"""From data to the investment committee, in a real browser: on the sample portfolio, run the
optimiser, save the result as a scenario, recommend it, then download the Excel pack from the
overview and check that the workbook holds that scenario."""

from __future__ import annotations

import io
import shutil

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from store import db, scenarios
from tests.browser.streamlit_ui import TIMEOUT_MS, error_texts, go_to, open_app, wait_idle

pytestmark = pytest.mark.browser

NAME = "Committee 2026 委员会"
RATIONALE = "Best strategic value that the teams can staff"
BUDGET = "6000"


def _metric(page, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))
    return box.get_by_test_id("stMetricValue").inner_text()


def _column(ws, col: int) -> list:
    values = []
    for row in range(2, ws.max_row + 1):
        value = ws.cell(row=row, column=col).value
        if value is None:
            break
        values.append(value)
    return values


def test_optimise_save_recommend_and_download_the_pack(start_app, sample_template_db, tmp_path, page):
    db_path = tmp_path / "sample.duckdb"
    shutil.copyfile(sample_template_db, db_path)
    with start_app(db_path) as url:
        open_app(page, url)
        expect(page.get_by_text("No scenario is recommended for this snapshot yet", exact=False)).to_be_visible()

        go_to(page, "Optimiser")
        budget = page.get_by_role("spinbutton", name="Total budget over the horizon", exact=True)
        budget.fill(BUDGET)
        page.get_by_role("button", name="Optimise", exact=True).click()
        wait_idle(page)
        expect(page.get_by_test_id("stMetric").filter(has=page.get_by_text("Value", exact=True))).to_be_visible(
            timeout=TIMEOUT_MS)
        shown_cost = _metric(page, "Cost")

        page.get_by_role("textbox", name="Scenario name", exact=True).fill(NAME)
        page.get_by_role("button", name="Save scenario", exact=True).click()
        wait_idle(page)
        expect(page.get_by_text(f"Saved as “{NAME}”", exact=False)).to_be_visible(timeout=TIMEOUT_MS)

        go_to(page, "Scenarios")
        page.get_by_role("textbox", name="Why this scenario is recommended", exact=True).fill(RATIONALE)
        page.get_by_role("button", name="Mark as recommended", exact=True).click()
        wait_idle(page)
        expect(page.get_by_text(RATIONALE, exact=False).first).to_be_visible(timeout=TIMEOUT_MS)

        go_to(page, "Overview")
        expect(page.get_by_role("heading", name="Recommendation pack")).to_be_visible(timeout=TIMEOUT_MS)
        assert _metric(page, "Strategic value covered").endswith("%")
        with page.expect_download(timeout=TIMEOUT_MS) as download:
            page.get_by_test_id("stDownloadButton").filter(has_text="Excel workbook").get_by_role("button").click()
        assert download.value.suggested_filename == f"Investment recommendation_{NAME}_2026-10-31.xlsx"
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        assert error_texts(page) == []

    # the app has stopped: the database can be opened again to compare with what was saved
    con = db.connect(db_path)
    try:
        (row,) = scenarios.list_scenarios(con).itertuples()
        scenario = scenarios.get_scenario(con, int(row.scenario_id))
    finally:
        con.close()
    assert scenario.is_recommended and scenario.rationale == RATIONALE and scenario.params.budget == float(BUDGET)

    wb = load_workbook(io.BytesIO(target.read_bytes()))
    assert wb.sheetnames == ["Summary", "Selected projects", "Left out", "Budget", "Role load", "Parameters",
                             "Strategic weights", "Efficient frontier", "Business cases", "Uncertainty"]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=5, max_col=2, values_only=True) if r[0]}
    assert summary["Scenario"] == f"{NAME} (#{scenario.scenario_id})"
    assert summary["Recommended scenario"] == "yes" and summary["Rationale"] == RATIONALE
    assert summary["Spend in the horizon (万元)"] == pytest.approx(scenario.result.total_cost)
    assert f"{summary['Spend in the horizon (万元)']:,.1f}" == shown_cost  # what the optimiser page showed
    selected = wb["Selected projects"]
    ids = _column(selected, 1)
    assert sorted(ids) == sorted(p.project_id for p in scenario.result.selected)
    names = [n.removeprefix("'") for n in _column(selected, 2)[: len(ids)]]
    assert sorted(names) == sorted(p.name for p in scenario.result.selected)
    assert selected.cell(row=len(ids) + 2, column=10).value == pytest.approx(sum(p.cost for p in scenario.result.selected))
