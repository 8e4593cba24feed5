"""The page folder is not called pages/: Streamlit's legacy multipage mode stays off without touching its internals."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_pages_folder_beside_app_py():
    """A pages/ folder beside app.py makes a fresh server's first run ignore st.navigation (see README)."""
    assert not (ROOT / "pages").exists()
    assert sorted(p.name for p in (ROOT / "views").glob("*.py")) == [
        "admin.py",
        "cases.py",
        "data.py", "decision_log.py", "delivery.py",
        "lessons.py",
        "maturity.py", "optimiser.py", "overview.py",
        "resources.py",
        "scenarios.py", "strategy.py",
    ]


def test_no_code_reaches_into_streamlits_page_manager():
    tracked = subprocess.check_output(["git", "ls-files", "*.py"], cwd=ROOT, text=True).split()
    this = Path(__file__).relative_to(ROOT).as_posix()
    assert [f for f in tracked if f != this and "PagesManager" in (ROOT / f).read_text(encoding="utf-8")] == []
