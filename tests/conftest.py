"""Shared fixtures: a real DuckDB file per test, migrated; and copies of a sample-loaded database."""

from __future__ import annotations

import shutil
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


@pytest.fixture(scope="session")
def sample_template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the bundled sample (data/sample, six snapshots) imported once per session.

    Imported through the real importer, so it holds exactly what a user gets from `make run`.
    Never open it for writing: take `sample_db_file` (a private copy) instead.
    """
    from store.importer import load_sample

    path = tmp_path_factory.mktemp("sample_template") / "sample.duckdb"
    connection = db.connect(path)
    try:
        load_sample(connection)
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    return path


@pytest.fixture
def sample_db_file(sample_template_db: Path, tmp_path: Path) -> Path:
    """A private copy of the sample database (six snapshots, latest as of 2026-10-31) for one test."""
    target = tmp_path / "sample.duckdb"
    shutil.copyfile(sample_template_db, target)
    return target


@pytest.fixture
def sample_con(sample_db_file: Path):
    """A migrated connection to this test's copy of the sample database, closed after the test."""
    connection = db.connect(sample_db_file)
    yield connection
    connection.close()


@pytest.fixture
def downloads(monkeypatch):
    """The files a page offers for download, by file name: bytes handed over at once are recorded as
    Streamlit stores them; deferred callables are called here, as Streamlit does when the user clicks."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    offered: dict[str, bytes] = {}
    deferred, stored = MediaFileManager.add_deferred, MemoryMediaFileStorage.load_and_get_id

    def record_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        offered[file_name] = data_callable()
        return deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    def record_stored(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes) and filename:
            offered[filename] = path_or_data
        return stored(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record_stored)
    return offered
