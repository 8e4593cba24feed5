"""The house rules that keep the layers apart, checked on the source itself."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_analytics_imports_neither_streamlit_nor_duckdb():
    for file in (ROOT / "analytics").rglob("*.py"):
        bad = _imports(file) & {"streamlit", "duckdb", "store", "ui"}
        assert not bad, f"{file.relative_to(ROOT)} imports {bad}"


def test_importing_analytics_pulls_in_no_streamlit():
    code = (
        "import importlib, pkgutil, sys, analytics\n"
        "for m in pkgutil.iter_modules(analytics.__path__): importlib.import_module('analytics.' + m.name)\n"
        "print('streamlit' in sys.modules, 'duckdb' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_only_store_touches_duckdb():
    for file in ROOT.rglob("*.py"):
        rel = file.relative_to(ROOT)
        if rel.parts[0] in {".venv", "store", "tests", "bench"}:
            continue
        assert "duckdb" not in _imports(file), f"{rel} imports duckdb"


def test_pages_contain_no_sql():
    sql = ("SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", "CREATE TABLE")
    for file in (ROOT / "views").glob("*.py"):
        text = file.read_text(encoding="utf-8")
        assert not any(word in text for word in sql), f"{file.name} contains SQL"
        assert "duckdb" not in _imports(file) and "store.db" not in text, file.name


def test_ui_and_commands_run_no_sql():
    """Streamlit helpers and CLI commands reach the database only through store/ functions."""
    for folder in ("ui", "commands"):
        for file in (ROOT / folder).rglob("*.py"):
            text = file.read_text(encoding="utf-8")
            assert ".execute(" not in text and ".sql(" not in text, f"{file.relative_to(ROOT)} runs SQL"
