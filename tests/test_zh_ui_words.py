"""No English interface word reaches the Chinese UI: every page rendered in Chinese on the bundled
sample, every visible string collected (tests/zh_ui_words.py says what counts as visible and which
Latin words are allowed), and the English words left over listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import db
from tests.optimiser_pages_data import settle
from tests.zh_ui_words import ALLOWED, data_texts, english_words, file_words, offenders, visible_strings

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.name for p in (ROOT / "views").glob("*.py"))


@pytest.fixture(scope="module")
def allowed() -> frozenset[str]:
    return ALLOWED | file_words()


@pytest.fixture(scope="module")
def data(sample_path) -> tuple[str, ...]:
    con = db.connect(sample_path[0])
    try:
        return data_texts(con)
    finally:
        con.close()


def _render(monkeypatch, sample_path, page: str, **state) -> AppTest:
    path, snapshot_id = sample_path
    monkeypatch.setenv("LODESTAR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = "zh"
    at.session_state["snapshot_id"] = snapshot_id
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(f"views/{page}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_checker_finds_english_and_spares_data_and_ids(allowed, data):
    assert english_words("状态灯为红；CPI 0.73 低于 0.85", allowed, data) == []
    assert english_words("智能对账 Automated Reconciliation（PRJ-2023-001，projects.csv）", allowed, data) == []
    assert english_words("Drag and drop file here", allowed, data) == ["Drag", "and", "drop", "file", "here"]
    assert english_words("%{y}: %{x:.1f}%<extra></extra>", allowed) == []
    assert english_words("None", allowed) == ["None"]


@pytest.mark.parametrize("page", PAGES)
def test_no_english_word_on_the_chinese_page(monkeypatch, sample_path, allowed, data, page):
    at = _render(monkeypatch, sample_path, page)
    found = offenders(visible_strings(at), allowed, data)
    assert found == [], "\n".join(f"{w!r} in {kind}: {text}" for w, kind, text in found)


def test_no_english_word_in_the_ahp_editor(monkeypatch, sample_path, allowed, data):
    at = _render(monkeypatch, sample_path, "strategy.py", **{"strategy.method": "ahp"})
    assert any(s.key and s.key.startswith("strategy.pair.") for s in at.selectbox)
    found = offenders(visible_strings(at), allowed, data)
    assert found == [], "\n".join(f"{w!r} in {kind}: {text}" for w, kind, text in found)


def test_no_english_word_after_a_run_is_saved(monkeypatch, sample_path, allowed, data):
    """The journey's later states: the optimiser's result, the saved scenario, and the log entries."""
    at = _render(monkeypatch, sample_path, "optimiser.py")
    at.button(key="opt.submit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    found = offenders(visible_strings(at), allowed, data)   # the run's progress panel, while it solves
    settle(at)
    found += offenders(visible_strings(at), allowed, data)
    at.text_input(key="opt.save_name").set_value("方案甲")
    at.button(key="opt.save").click()
    at.run()
    for page in ("scenarios.py", "decision_log.py", "overview.py"):
        at.switch_page(f"views/{page}")
        at.session_state["snapshot_id"] = sample_path[1]
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        found += [(w, f"{page}: {kind}", text) for w, kind, text in offenders(visible_strings(at), allowed, data)]
    assert found == [], "\n".join(f"{w!r} in {kind}: {text}" for w, kind, text in found)


def test_no_english_word_in_the_import_check(monkeypatch, sample_path, allowed, data):
    """The Data page after two files are uploaded: what was recognised, problems, the import form."""
    at = _render(monkeypatch, sample_path, "data.py")
    folder = ROOT / "data" / "sample" / "06_2026-10"
    files = [(name, (folder / name).read_bytes(), "text/csv") for name in ("projects.csv", "status_reports.csv")]
    uploader = at.get("file_uploader")[0]
    uploader.set_value(files)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(d.proto.format == "YYYY-MM-DD" for d in at.date_input)  # the as-of date, ISO
    found = offenders(visible_strings(at), allowed, data)
    assert found == [], "\n".join(f"{w!r} in {kind}: {text}" for w, kind, text in found)
