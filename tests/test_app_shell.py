"""AppTest of the app shell: sidebar (title, language, snapshot picker), language switch, no-snapshot message.

AppTest (1.67) runs app.py itself only on an AppTest's first run; later runs render the current page
alone. So sidebar checks look at a first run, and the language switch is checked on the page titles.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import db
from store.importer import import_paths

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = Path(__file__).resolve().parent / "resources"

SIDEBAR_TITLE = {"en": "### Lodestar", "zh": "### Lodestar 项目组合决策台"}
NO_SNAPSHOT = {"en": "No snapshot yet: import data on the Data page.", "zh": "尚无数据快照：请在“数据”页面导入。"}


@pytest.fixture
def app(db_file, monkeypatch):
    monkeypatch.setenv("LODESTAR_DB", str(db_file))

    def start(lang: str | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if lang is not None:
            at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        return at

    yield start
    db.close_shared(db_file)


def _load_two_snapshots(db_file: Path) -> list[int]:
    con = db.connect(db_file)
    first = import_paths(con, [RESOURCES / "valid"], label="三月").snapshot_id
    second = import_paths(con, [RESOURCES / "gbk_projects.csv"], label="April", as_of=dt.date(2026, 4, 30),
                          currency_unit="元").snapshot_id
    con.close()
    return [first, second]


def test_default_language_without_a_browser_locale_is_chinese(app):
    at = app()
    assert at.session_state["lang"] == "zh"
    assert [m.value for m in at.sidebar.markdown] == [SIDEBAR_TITLE["zh"]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sidebar_without_snapshots(app, lang):
    at = app(lang)
    assert [m.value for m in at.sidebar.markdown] == [SIDEBAR_TITLE[lang]]
    assert [i.value for i in at.sidebar.info] == [NO_SNAPSHOT[lang]]
    language = at.sidebar.selectbox[0]
    assert language.options == ["简体中文", "English"] and language.value == lang
    assert at.session_state["snapshot_id"] is None
    assert len(at.sidebar.text_input) == 0  # no typed name: local mode signs as the local user (issue 16)
    assert any(c.value.startswith(("Local mode", "本地模式")) for c in at.sidebar.caption)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize(("start", "switch_to"), [("zh", "en"), ("en", "zh")])
def test_language_switch_changes_visible_titles(app, start, switch_to):
    at = app(start)
    before = [t.value for t in at.title]
    assert before and all(_has_chinese(t) == (start == "zh") for t in before)
    at.sidebar.selectbox[0].set_value(switch_to).run()
    assert not at.exception
    after = [t.value for t in at.title]
    assert after and after != before
    assert all(_has_chinese(t) == (switch_to == "zh") for t in after)


@pytest.mark.parametrize(("start", "switch_to"), [("zh", "en"), ("en", "zh")])
def test_data_page_follows_the_language(app, start, switch_to):
    at = app(start)
    at.switch_page("views/data.py")
    at.run()
    assert [t.value for t in at.title] == [{"en": "Data", "zh": "数据"}[start]]
    at.session_state["lang"] = switch_to
    at.run()
    assert [t.value for t in at.title] == [{"en": "Data", "zh": "数据"}[switch_to]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_snapshot_picker_lists_newest_first(app, db_file, lang):
    first, second = _load_two_snapshots(db_file)
    at = app(lang)
    picker = at.sidebar.selectbox[1]
    if lang == "en":
        assert picker.options == [f"April · 2026-04-30 (#{second})", f"三月 · 2026-03-31 (#{first})"]
        assert at.sidebar.caption[0].value == "Amounts in 元"  # then the local-mode note
    else:
        assert picker.options == [f"April · 2026-04-30 (#{second})", f"三月 · 2026-03-31 (#{first})"]
        assert at.sidebar.caption[0].value == "金额单位：元"
    assert at.session_state["snapshot_id"] == second
    assert len(at.sidebar.info) == 0


def test_a_chosen_snapshot_is_kept_and_shown(db_file, monkeypatch):
    first, second = _load_two_snapshots(db_file)
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["snapshot_id"] = first  # what ui.session.select_snapshot leaves after an import
    at.run()
    assert not at.exception
    assert at.session_state["snapshot_id"] == first  # not the newest, which is the default
    assert at.sidebar.selectbox[1].value == first
    assert at.sidebar.caption[0].value == "Amounts in 万元"
    db.close_shared(db_file)


def test_an_unknown_snapshot_choice_falls_back_to_the_newest(db_file, monkeypatch):
    _, second = _load_two_snapshots(db_file)
    monkeypatch.setenv("LODESTAR_DB", str(db_file))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["snapshot_id"] = 999
    at.run()
    assert at.session_state["snapshot_id"] == second
    db.close_shared(db_file)


def test_every_routed_page_file_exists():
    """app.py routes a fixed list; a missing page file must fail here, not vanish from the menu."""
    import ast

    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = next(ast.literal_eval(node.value) for node in tree.body
                 if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PAGES")
    assert len(pages) == 11   # issue 19 added Business cases and Lessons learned
    for _, file, _, _ in pages:
        assert (ROOT / file).is_file(), file
