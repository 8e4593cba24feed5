"""In Chromium, Streamlit's built-in widget texts speak the reader's language (the Data page's uploader,
the Decision log's empty date inputs): Streamlit's own English
texts are hidden by our scoped CSS rule and ours are drawn in their place (ui/widget_texts.py).
The tests only look, so they share one server on an empty database."""

from __future__ import annotations

import pytest

from tests.browser.streamlit_ui import open_app

pytestmark = pytest.mark.browser

AFTER = "(e) => getComputedStyle(e, '::after').content"
SIZE = "(e) => getComputedStyle(e).fontSize"


@pytest.mark.parametrize(("locale", "button", "hint"), [
    ("zh-CN", "选择文件", "或将文件拖放到此处 · 每个文件不超过 200 MB · CSV、TSV、TXT、XLSX、XLSM、ZIP"),
    ("en-US", "Choose files", "or drag and drop them here · up to 200 MB per file · CSV, TSV, TXT, XLSX, XLSM, ZIP"),
])
def test_uploader_texts_in_the_readers_language(browser, read_only_empty_app_url, locale, button, hint):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        open_app(page, read_only_empty_app_url, "data")
        zone = page.get_by_test_id("stFileUploaderDropzone")
        label = zone.locator("button [data-testid='stMarkdownContainer'] p")
        instructions = zone.get_by_test_id("stFileUploaderDropzoneInstructions").locator("span").first
        assert label.evaluate(AFTER) == f'"{button}"' and label.evaluate(SIZE) == "0px"
        assert instructions.evaluate(AFTER) == f'"{hint}"' and instructions.evaluate(SIZE) == "0px"
        assert zone.get_by_test_id("stBaseButton-secondary").bounding_box()["width"] > 60  # our text gives the button its size
    finally:
        context.close()


def test_empty_date_inputs_hint_in_chinese(browser, read_only_empty_app_url):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        open_app(page, read_only_empty_app_url, "decision_log")
        field = page.get_by_test_id("stDateInputField").first
        parts = [field.locator(f"span[data-type='{part}']") for part in ("year", "month", "day")]
        # Our style block may arrive a moment after the field is drawn: wait for it, then read every part.
        parts[0].wait_for()
        page.wait_for_function(
            "(e) => getComputedStyle(e, '::after').content !== 'none'", arg=parts[0].element_handle(), timeout=15000)
        assert [p.evaluate(AFTER) for p in parts] == ['"年"', '"月"', '"日"']
        assert {p.evaluate(SIZE) for p in parts} == {"0px"}  # "yyyy", "mm", "dd" hidden
    finally:
        context.close()
