"""Shortened labels (ui.labels), the sidebar's full snapshot name, and the uploader's translated texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import db
from store.snapshots import create_snapshot
from ui.labels import display_width, shorten
from ui.widget_texts import uploader_css

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("text", "width", "expected"), [
    ("Maturity", 20, "Maturity"),
    ("2026-10 月度快照 Monthly snapshot", 16, "2026-10 月度快…"),   # 8 + 6 + 2 = 16 columns
    ("项目治理与组合管理", 9, "项目治理…"),                          # 4 CJK (8) + "…" (1) = 9
    ("abcdef", 3, "ab…"),
])
def test_shorten(text, width, expected):
    assert shorten(text, width) == expected
    assert display_width(shorten(text, width)) <= width


def test_display_width_counts_cjk_twice():
    assert display_width("月度 ab") == 7


def test_uploader_css_is_scoped_and_escaped():
    css = uploader_css("data_uploads_", "选择文件", 'a "quoted" \\ hint')
    assert '[class*="st-key-data_uploads_"] [data-testid="stFileUploaderDropzone"]' in css
    assert 'content: "选择文件"' in css
    assert 'content: "a \\"quoted\\" \\\\ hint"' in css
    assert css.count("font-size: 0 !important") == 1


@pytest.mark.parametrize(("lang", "button", "hint"), [
    ("zh", "选择文件", "或将文件拖放到此处 · 每个文件不超过 200 MB · CSV、TSV、TXT、XLSX、XLSM、ZIP"),
    ("en", "Choose files", "or drag and drop them here · up to 200 MB per file · CSV, TSV, TXT, XLSX, XLSM, ZIP"),
])
def test_data_page_translates_the_uploader(tmp_path, monkeypatch, lang, button, hint):
    monkeypatch.setenv("LODESTAR_DB", str(tmp_path / "empty.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.switch_page("views/data.py")
    at.run()
    assert not at.exception
    styles = [h.proto.body for h in at.get("html")]
    assert any(f'content: "{button}"' in s and f'content: "{hint}"' in s for s in styles)
    db.close_shared(tmp_path / "empty.duckdb")


@pytest.mark.parametrize(("label", "shown"), [("三月", False), ("2026-10 月度快照 Monthly snapshot", True)])
def test_sidebar_shows_a_long_snapshot_name_in_full(tmp_path, monkeypatch, label, shown):
    path = tmp_path / "one.duckdb"
    con = db.connect(path)
    create_snapshot(con, label=label, as_of=dt.date(2026, 10, 31), frames={}, files=[])
    con.close()
    monkeypatch.setenv("LODESTAR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    full = f"{label} · 2026-10-31 (#1)"
    captions = [c.value.replace("\\", "") for c in at.sidebar.caption]
    assert (full in captions) is shown
    db.close_shared(path)


def test_decision_log_dates_are_iso(tmp_path, monkeypatch):
    monkeypatch.setenv("LODESTAR_DB", str(tmp_path / "empty.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "zh"
    at.switch_page("views/decision_log.py")
    at.run()
    assert not at.exception
    assert [at.date_input(key=k).proto.format for k in ("log.since", "log.until")] == ["YYYY-MM-DD"] * 2
    db.close_shared(tmp_path / "empty.duckdb")


def test_date_hint_css_replaces_each_part_for_the_sanitised_key():
    from ui.widget_texts import date_hint_css

    css = date_hint_css("log.", "年", "月", "日")
    assert '[class*="st-key-log-"] [data-testid="stDateInputField"] span[data-placeholder="true"]' in css
    assert [p for p in ("year", "month", "day") if f'[data-type="{p}"]::after' in css] == ["year", "month", "day"]
    assert 'content: "年"' in css and 'content: "日"' in css
