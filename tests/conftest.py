"""Shared fixtures: a real DuckDB file per test, migrated."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from store import db  # noqa: E402


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """Path of a fresh (not yet created) database file."""
    return tmp_path / "lodestar.duckdb"


@pytest.fixture
def con(db_file: Path):
    """A migrated connection to a fresh database file, closed after the test."""
    connection = db.connect(db_file)
    yield connection
    connection.close()
