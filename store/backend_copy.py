"""Copying a local DuckDB database into a PostgreSQL one (`cli.py migrate`), ids preserved.

The source file is ATTACHed read-only to the DuckDB that already holds the server database, and
each table is copied with one `INSERT ... BY NAME SELECT *` inside one transaction, so the server
gets every table or none. Both sides have run the same numbered migrations first, so they have
the same tables and columns. Afterwards every server sequence that feeds a column's default is set
past the largest copied id (psycopg: `setval` is server SQL DuckDB's dialect cannot name).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from store import backend
from store.db import Connection, transaction, translated

SOURCE = "lodestar_source"  # the DuckDB file's name while it is attached
_NEXTVAL = re.compile(r"nextval\('([^']+)'")


def tables(con: Connection) -> list[str]:
    """The base tables of a database (views such as `snapshots` are left out), by name; the
    migrations' own `schema_version` is not data and is left out too."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        " AND schema_name = current_schema() AND NOT temporary ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows if r[0] != "schema_version"]


def rows_held(con: Connection, names: list[str] | None = None) -> dict[str, int]:
    """Row counts of the tables of `con` that hold any row."""
    held = {}
    for table in names or tables(con):
        count = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        if count:
            held[table] = count
    return held


def copy_database(
    target: Connection, source: Path, names: list[str], *, replace: bool = False,
    progress: Callable[[str, int], None] = lambda table, rows: None,
) -> dict[str, int]:
    """Copy tables `names` of the DuckDB file `source` into the server database of `target` in
    one transaction (emptying them first with `replace`); rows copied per table."""
    quoted = str(source).replace("'", "''")
    with translated(target.path):
        target.execute(f"ATTACH '{quoted}' AS {SOURCE} (READ_ONLY)")
    copied: dict[str, int] = {}
    try:
        with transaction(target):
            if replace:
                for table in names:
                    target.execute(f"DELETE FROM {table}")
            for table in names:
                target.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {SOURCE}.main.{table}")
                copied[table] = int(target.execute(f"SELECT count(*) FROM {SOURCE}.main.{table}").fetchone()[0])
                progress(table, copied[table])
        with translated(target.path):  # ids the file handed out (deleted rows' too) are never reused
            used = dict(target.execute(
                "SELECT sequence_name, last_value FROM duckdb_sequences() WHERE database_name = ?"
                " AND last_value IS NOT NULL", [SOURCE]).fetchall())
    finally:
        with translated(target.path):
            target.execute(f"DETACH {SOURCE}")
    advance_sequences(target.path, used)
    return copied


def advance_sequences(uri: str, used: dict[str, int] | None = None) -> dict[str, int]:
    """Set each sequence that feeds a column's default past the column's largest value and past
    `used[sequence]` (the last value the source handed out); returns where each now stands
    (sequences with neither are left alone)."""
    used = used or {}
    done = {}
    with backend.server_errors(uri), backend.connect_psycopg(uri) as pg:
        rows = pg.execute(
            "SELECT table_name, column_name, column_default FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%%'"
        ).fetchall()
        for table, column, default in rows:
            sequence = _NEXTVAL.search(default).group(1)
            top = pg.execute(f'SELECT max("{column}") FROM "{table}"').fetchone()[0]
            top = max((v for v in (top, used.get(sequence), done.get(sequence)) if v is not None), default=None)
            if top is not None:
                pg.execute("SELECT setval(%s, %s)", [sequence, int(top)])
                done[sequence] = int(top)
    return done
