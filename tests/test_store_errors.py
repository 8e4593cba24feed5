"""DuckDB errors raised on a cursor arrive as the store's translatable errors, caused by DuckDB's."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from i18n import error_text
from store import db, snapshots
from store.errors import (
    ConstraintViolation,
    ConversionFailed,
    DatabaseFailed,
    DatabaseLockedError,
    SchemaMismatch,
    StorageIOError,
)


@pytest.fixture
def cur(db_file):
    """A cursor of the shared connection, as a page or command gets it."""
    cursor = db.cursor(db_file)
    yield cursor
    db.close_shared(db_file)


def test_constraint_violation_is_translated(cur):
    cur.execute("INSERT INTO schema_version (version, name) VALUES (999, 'x')")
    with pytest.raises(ConstraintViolation) as caught:
        cur.execute("INSERT INTO schema_version (version, name) VALUES (999, 'again')")
    assert isinstance(caught.value.__cause__, duckdb.ConstraintException)
    assert "Duplicate key" in caught.value.params["message"]  # DuckDB's text kept for the log
    assert error_text("en", caught.value) == (
        "The database refused the change because it conflicts with data already saved "
        "(for example a name or number that must be unique). Nothing was changed."
    )
    assert error_text("zh", caught.value) == "数据库拒绝了此次修改：它与已保存的数据冲突（例如名称或编号必须唯一）。未做任何更改。"


def test_conversion_error_is_translated(cur):
    with pytest.raises(ConversionFailed) as caught:
        cur.execute("SELECT CAST(? AS INTEGER)", ["12 万"]).fetchall()
    assert isinstance(caught.value.__cause__, duckdb.ConversionException)
    assert error_text("zh", caught.value) == "有值无法按其列要求的类型保存（例如数字列中出现了文字）。"


def test_missing_table_in_a_store_query_is_a_schema_mismatch(cur):
    cur.execute("DROP TABLE snapshot_files")  # a file from a release without this table
    with pytest.raises(SchemaMismatch) as caught:
        snapshots.list_snapshots(cur)
    assert isinstance(caught.value.__cause__, duckdb.CatalogException)
    assert error_text("en", caught.value).startswith("The database file does not have the tables")


def test_any_other_error_is_logged_for_the_text_that_points_there(cur, caplog):
    with pytest.raises(DatabaseFailed) as caught:
        cur.execute("SELEKT 1")
    assert isinstance(caught.value.__cause__, duckdb.ParserException)
    assert error_text("zh", caught.value) == "数据库未能完成此请求，详细信息已记录在服务器日志中。"
    assert [r.exc_info[1] for r in caplog.records if r.name == "lodestar.store"] == [caught.value.__cause__]


def test_unwritable_path_is_an_io_error(cur, tmp_path):
    target = tmp_path / "no such folder" / "out.csv"
    with pytest.raises(StorageIOError) as caught:
        cur.execute(f"COPY (SELECT 1 AS x) TO '{target}' (FORMAT csv)")
    assert isinstance(caught.value.__cause__, duckdb.IOException)
    assert error_text("en", caught.value) == (
        "The database file could not be read or written (disk full, missing folder or no permission)."
    )


def test_a_file_locked_by_another_process_is_named(cur, tmp_path):
    other = tmp_path / "other.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "sys.stdin.read()", str(other)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseLockedError) as caught:
            cur.execute(f"ATTACH '{other}' AS other")
    finally:
        holder.communicate("")
    assert caught.value.params["path"] == str(other)
    assert caught.value.params["holder"] == f" (PID {holder.pid})"
    assert error_text("en", caught.value).startswith(f"The database file {other} is in use by another program (PID {holder.pid}):")


def test_connect_hands_out_the_translating_wrapper_and_its_cursors(db_file):
    con = db.connect(db_file)
    try:
        with pytest.raises(SchemaMismatch):
            con.cursor().execute("SELECT * FROM no_such_table")
        assert con.execute("SELECT 41 + ?", [1]).fetchone() == (42,)  # ordinary work is untouched
    finally:
        con.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_command_hit_by_a_store_error_prints_it_translated(con, db_file, capsys, lang):
    """`snapshots` does not handle store errors itself: the CLI's database() does (status 1, no traceback)."""
    import cli
    from i18n import translate

    con.execute("DROP TABLE maturity")  # a file from a release without this table
    con.close()
    assert cli.main(["snapshots", "--db", str(db_file), "--lang", lang]) == 1
    assert capsys.readouterr().err.strip() == translate(lang, "database.catalog")
