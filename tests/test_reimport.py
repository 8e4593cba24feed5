"""Re-uploading files imported before names each file as imported then (kind, rows) and the
snapshot that holds it, on the Data page and in the CLI (issue 14), instead of "not recognised"."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import cli
from store import db
from store.importer import check_files, import_paths

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = Path(__file__).resolve().parent / "resources"
VALID = RESOURCES / "valid"
ZIP = RESOURCES / "valid_bundle.zip"
# (kind, rows) of VALID's files in name order, as the first import stored them.
STORED = [("capacity", 9), ("demand", 9), ("maturity", 3), ("objectives", 3), ("process_kpis", 4),
          ("project_scores", 12), ("projects", 4), ("status_reports", 4)]


@pytest.fixture
def imported(db_file: Path, templates) -> Path:
    """`db_file` holds VALID imported once as snapshot 1 (a copy of a template imported once per session)."""
    templates.copy("valid_imported", lambda con: import_paths(con, [VALID], label="2026-03"), db_file)
    return db_file


def test_report_of_a_reupload_carries_each_file_as_stored(imported):
    con = db.connect(imported)
    try:
        report = check_files([(ZIP.name, ZIP.read_bytes())], con=con)
    finally:
        con.close()
    assert report.duplicate_of == 1
    assert [(f.name, f.kind, f.rows) for f in report.files] == [
        (f"valid_bundle.zip/march/{kind}.csv", kind, rows) for kind, rows in STORED
    ]
    assert sum(report.rows.values()) == 48


@pytest.mark.parametrize(("lang", "line"), [
    ("en", "  valid_bundle.zip/march/project_scores.csv: Project scores, 12 rows — already imported as snapshot #1"),
    ("zh", "  valid_bundle.zip/march/project_scores.csv：项目评分，12 行 —— 已导入为快照 #1"),
])
def test_cli_names_each_file_and_its_snapshot(imported, lang, line, capsys):
    assert cli.main(["import", "--db", str(imported), "--label", "again", "--lang", lang, str(ZIP)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert line in err
    assert sum(1 for e in err if e.endswith("#1")) == 8


# The page shows what check_files reports; its lookup of earlier imports runs on PostgreSQL in the tests above.
@pytest.mark.duckdb_only
@pytest.mark.parametrize(("lang", "header", "status", "kind"), [
    ("en", "Status", "already imported as snapshot #1", "Project scores"),
    ("zh", "状态", "已导入为快照 #1", "项目评分"),
])
def test_data_page_names_each_file_and_its_snapshot(imported, monkeypatch, lang, header, status, kind):
    monkeypatch.setenv("LODESTAR_DB", str(imported))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("views/data.py")
    at.session_state["snapshot_id"] = 1
    at.run()
    try:
        at.file_uploader[0].set_value((ZIP.name, ZIP.read_bytes(), "application/zip")).run()
        assert not at.exception
        [files] = [d.value for d in at.dataframe if header in d.value.columns]
        assert list(files[header]) == [status] * 8
        row = files[files.iloc[:, 0] == "valid_bundle.zip/march/project_scores.csv"].iloc[0]
        assert (row.iloc[1], int(row.iloc[4])) == (kind, 12)
        assert at.button(key="data_import").disabled
    finally:
        db.close_shared(imported)
