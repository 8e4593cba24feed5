"""Every page hit by a database error shows it translated (st.error) and raises nothing.

A table the page reads is dropped from a copy of the sample database, as if the file came from
another release: DuckDB's catalog error crosses the cursor as `SchemaMismatch`, and the page's one
guard (`ui.session.page_guard`) shows its text in the reader's language.
"""

from __future__ import annotations

import pytest

from i18n import translate
from store import db
from tests import delivery_data

# (page, a table it reads)
CASES = [
    ("views/overview.py", "scenarios"),
    ("views/strategy.py", "weight_sets"),
    ("views/optimiser.py", "weight_sets"),
    ("views/scenarios.py", "scenarios"),
    ("views/resources.py", "scenarios"),
    ("views/delivery.py", "status_reports"),
    ("views/maturity.py", "maturity"),
    ("views/data.py", "projects"),
    ("views/decision_log.py", "decision_log"),
]


@pytest.mark.parametrize(("page", "table"), CASES)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_page_shows_a_store_error_translated(sample_db_file, monkeypatch, page, table, language):
    snapshot = delivery_data.latest_snapshot(sample_db_file)
    con = db.connect(sample_db_file)
    con.execute(f"DROP TABLE {table}")
    con.close()
    monkeypatch.setenv("LODESTAR_DB", str(sample_db_file))
    try:
        at = delivery_data.open_page(page, language, snapshot)  # fails on any uncaught exception
        assert [e.value for e in at.main.error] == [translate(language, "database.catalog")]
    finally:
        db.close_shared(sample_db_file)
