"""Every page opens on the bundled sample kept in PostgreSQL, as it does on the DuckDB file: the
same app (AppTest of app.py), $LODESTAR_DB naming the server database; no exception, no error,
and the figures a page shows are the ones it shows on DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import db, snapshots

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.name for p in (ROOT / "views").glob("*.py"))


@pytest.fixture(scope="module")
def pg_sample(pg_cluster):
    """(URI, latest snapshot id) of one PostgreSQL copy of the sample shared by this module's pages."""
    from store.importer import load_sample

    target = pg_cluster.create()
    pg_cluster.copy_template("sample", load_sample, target)
    con = db.connect(target)
    snapshot_id = snapshots.latest_snapshot_id(con)
    con.close()
    yield str(target), snapshot_id
    db.close_shared(str(target))


def _render(monkeypatch, database: str, snapshot_id: int, page: str) -> AppTest:
    monkeypatch.setenv("LODESTAR_DB", database)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    at.session_state["snapshot_id"] = snapshot_id
    at.switch_page(f"views/{page}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


@pytest.mark.parametrize("page", PAGES)
def test_page_on_postgres_shows_what_it_shows_on_duckdb(monkeypatch, pg_sample, sample_path, page):
    at = _render(monkeypatch, *pg_sample, page)
    assert not at.error, [e.value for e in at.error]
    on_duckdb = _render(monkeypatch, str(sample_path[0]), sample_path[1], page)
    assert _metrics(at) == _metrics(on_duckdb)
    assert [t.value for t in at.title] == [t.value for t in on_duckdb.title]
