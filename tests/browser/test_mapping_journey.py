"""An analyst's monthly export, in a real browser: upload a CSV the contract does not know, map its
columns (best guesses preselected, status from the dates), save the mapping as a profile and import;
then next month's file with the same headers is mapped by the profile and imports with one click."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.streamlit_ui import TIMEOUT_MS, error_texts, go_to, open_app, wait_idle
from tests.test_page_data_mapping import APRIL, MARCH

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(os.environ.get("LODESTAR_SCREENSHOTS", "/tmp"))


def _choose_typed(page, label: str, option: str) -> None:
    """Pick `option` in a long selectbox by typing it (the list only draws the options in view)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def _upload(page, path: Path) -> None:
    # After an import the page swaps in a fresh (empty) uploader; a file given to the old one while that
    # rerun is still drawing is lost with it. So: one uploader, then the file's chip, else choose again.
    chip = page.get_by_role("button", name=f"Remove {path.name}", exact=True)
    for _ in range(3):
        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        expect(uploader).to_have_count(1, timeout=TIMEOUT_MS)
        uploader.set_input_files([str(path)])
        wait_idle(page)
        if chip.count():
            return
    expect(chip).to_be_visible(timeout=TIMEOUT_MS)


def _type_committed(page, box, text: str) -> None:
    """Type `text` into a text input and commit it (Enter); typed again if a rerun redrew the input."""
    for _ in range(3):
        box.fill(text)
        box.press("Enter")
        wait_idle(page)
        if box.input_value() == text:
            return
    expect(box).to_have_value(text)


def test_map_an_export_save_the_profile_and_import_next_month_in_one_click(empty_app_url, page, tmp_path):
    march, april = tmp_path / "Investments_2026-03.csv", tmp_path / "Investments_2026-04.csv"
    march.write_bytes(MARCH)
    april.write_bytes(APRIL)

    open_app(page, empty_app_url)
    go_to(page, "Data")
    _upload(page, march)
    expect(page.get_by_role("heading", name="Map the columns of Investments_2026-03.csv")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("button", name="Import snapshot", exact=True)).to_be_disabled()
    expect(page.get_by_text("Best guess (80% sure)").first).to_be_visible()

    _choose_typed(page, "status (required) · 状态", "From a start and a finish date…")
    expect(page.get_by_text("Every required column is mapped.")).to_be_visible(timeout=TIMEOUT_MS)
    profile = page.get_by_role("textbox", name="Save as profile (name, optional)", exact=True)
    _type_committed(page, profile, "Investments export")
    page.screenshot(path=str(SCREENSHOTS / "lodestar_mapping_step.png"), full_page=True)
    page.get_by_role("button", name="Apply mapping", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("saved as profile “Investments export”", exact=False)).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Import snapshot", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("Snapshot #1", exact=False).first).to_be_visible(timeout=TIMEOUT_MS)
    assert error_texts(page) == []
    # the import's rerun has swapped in a fresh, empty uploader: only then is the next file chosen
    expect(page.get_by_text("Upload files to see what was recognised", exact=False)).to_be_visible(timeout=TIMEOUT_MS)

    _upload(page, april)
    expect(page.get_by_text("Investments_2026-04.csv was mapped by the saved profile “Investments export”.")).to_be_visible(
        timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Map the columns of Investments_2026-04.csv")).to_have_count(0)
    page.get_by_role("button", name="Import snapshot", exact=True).click()  # the one click
    wait_idle(page)
    expect(page.get_by_text("Snapshot #2", exact=False).first).to_be_visible(timeout=TIMEOUT_MS)
    assert error_texts(page) == []
