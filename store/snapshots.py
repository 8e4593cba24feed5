"""Snapshots: immutable, labelled, dated sets of tables imported together.

`create_snapshot` writes every table of one import inside one transaction: either all rows land
with a new `snapshot_id`, or (on any error) nothing does. Readers on other cursors never see a
half-written snapshot (DuckDB's MVCC). Identical files (same SHA-256 set) are refused as a
duplicate naming the snapshot that already holds them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

from store import decision_log
from store.db import transaction
from store.errors import DuplicateSnapshot, SnapshotNotFound
from store.users import Actor, require

# The data tables of the import contract, in the order they are written and deleted.
DATA_TABLES: tuple[str, ...] = (
    "projects",
    "objectives",
    "project_scores",
    "capacity",
    "demand",
    "status_reports",
    "maturity",
    "process_kpis",
    "spend_profile",  # optional (migration 030)
)
# Tables of the app that belong to a snapshot and go with it when it is deleted.
OWNED_TABLES: tuple[str, ...] = ("weight_sets", "scenarios")


@dataclass(frozen=True)
class SourceFile:
    """One file of an import: its name, recognised kind, SHA-256 of its bytes, rows and encoding."""

    file_name: str
    kind: str
    sha256: str
    row_count: int
    encoding: str | None = None


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: int
    label: str
    as_of: dt.date
    imported_at: dt.datetime
    imported_by: str | None
    currency_unit: str


def content_hash(files: list[SourceFile]) -> str:
    """Order-independent hash of a set of files, for duplicate detection."""
    digest = hashlib.sha256()
    for sha in sorted(f.sha256 for f in files):
        digest.update(sha.encode("ascii"))
    return digest.hexdigest()


def find_by_content(con: duckdb.DuckDBPyConnection, files: list[SourceFile]) -> int | None:
    row = con.execute(
        "SELECT snapshot_id FROM snapshots WHERE content_hash = ? ORDER BY snapshot_id LIMIT 1",
        [content_hash(files)],
    ).fetchone()
    return None if row is None else int(row[0])


def create_snapshot(
    con: duckdb.DuckDBPyConnection,
    *,
    label: str,
    as_of: dt.date,
    frames: Mapping[str, pd.DataFrame],
    files: list[SourceFile],
    currency_unit: str = "万元",
    actor: Actor | str | None = None,
) -> int:
    """Write one snapshot atomically and return its id.

    `frames` maps a data table name to a DataFrame whose columns are canonical column names (a
    subset of the table's; missing nullable columns become NULL). Raises DuplicateSnapshot when the
    same files were imported before, and re-raises any database error after rolling back.
    """
    actor = require(actor, "import")
    unknown = set(frames) - set(DATA_TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}")
    existing = find_by_content(con, files) if files else None
    if existing is not None:
        raise DuplicateSnapshot(f"already imported as snapshot {existing}", snapshot_id=existing)
    with transaction(con):
        snapshot_id = con.execute(
            "INSERT INTO snapshots (label, as_of, imported_by, currency_unit, content_hash)"
            " VALUES (?, ?, ?, ?, ?) RETURNING snapshot_id",
            [label, as_of, actor.email, currency_unit, content_hash(files)],
        ).fetchone()[0]
        for f in files:
            con.execute(
                "INSERT INTO snapshot_files VALUES (?, ?, ?, ?, ?, ?)",
                [snapshot_id, f.file_name, f.kind, f.sha256, f.row_count, f.encoding],
            )
        for table in DATA_TABLES:
            frame = frames.get(table)
            if frame is None or frame.empty:
                continue
            _insert_frame(con, table, snapshot_id, frame)
        decision_log.append(
            con, "import", actor=actor, snapshot_id=snapshot_id, summary=label,
            details={"files": [f.file_name for f in files], "rows": {t: len(v) for t, v in frames.items()}},
        )
    return int(snapshot_id)


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, snapshot_id: int, frame: pd.DataFrame) -> None:
    view = f"_import_{table}"
    data = frame.copy()
    data.insert(0, "snapshot_id", snapshot_id)
    con.register(view, data)
    try:
        # BY NAME: the frame may carry any subset of the table's columns, in any order.
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")
    finally:
        con.unregister(view)


def list_snapshots(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every snapshot, newest as-of first, with its row count per data table and file names."""
    counts = ", ".join(
        f"(SELECT count(*) FROM {t} WHERE {t}.snapshot_id = s.snapshot_id) AS {t}" for t in DATA_TABLES
    )
    return con.execute(
        f"SELECT s.snapshot_id, s.label, s.as_of, s.imported_at, s.imported_by, s.currency_unit, {counts},"
        " (SELECT string_agg(file_name, ', ' ORDER BY file_name) FROM snapshot_files f"
        "   WHERE f.snapshot_id = s.snapshot_id) AS files"
        " FROM snapshots s ORDER BY s.as_of DESC, s.snapshot_id DESC"
    ).df()


def get_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> Snapshot:
    row = con.execute(
        "SELECT snapshot_id, label, as_of, imported_at, imported_by, currency_unit FROM snapshots"
        " WHERE snapshot_id = ?",
        [snapshot_id],
    ).fetchone()
    if row is None:
        raise SnapshotNotFound(f"no snapshot {snapshot_id}", snapshot_id=snapshot_id)
    return Snapshot(*row)


def latest_snapshot_id(con: duckdb.DuckDBPyConnection) -> int | None:
    row = con.execute("SELECT snapshot_id FROM snapshots ORDER BY as_of DESC, snapshot_id DESC LIMIT 1").fetchone()
    return None if row is None else int(row[0])


def snapshot_count(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM snapshots").fetchone()[0])


def rename_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int, label: str, actor: Actor | str | None = None) -> None:
    actor = require(actor, "snapshot_rename")
    old = get_snapshot(con, snapshot_id)
    with transaction(con):
        con.execute("UPDATE snapshots SET label = ? WHERE snapshot_id = ?", [label, snapshot_id])
        decision_log.append(con, "snapshot_rename", actor=actor, snapshot_id=snapshot_id, summary=label,
                            details={"from": old.label, "to": label})


def delete_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int, actor: Actor | str | None = None) -> None:
    """Delete a snapshot with its rows, weight sets and scenarios, in one transaction."""
    actor = require(actor, "snapshot_delete")
    old = get_snapshot(con, snapshot_id)
    with transaction(con):
        for table in (*DATA_TABLES, *OWNED_TABLES, "snapshot_files"):
            con.execute(f"DELETE FROM {table} WHERE snapshot_id = ?", [snapshot_id])
        con.execute("DELETE FROM snapshots WHERE snapshot_id = ?", [snapshot_id])
        decision_log.append(con, "snapshot_delete", actor=actor, snapshot_id=snapshot_id, summary=old.label,
                            details={"label": old.label, "as_of": str(old.as_of)})


def read_table(con: duckdb.DuckDBPyConnection, table: str, snapshot_id: int) -> pd.DataFrame:
    """All rows of one data table in a snapshot, without the snapshot_id column."""
    if table not in DATA_TABLES:
        raise ValueError(f"unknown table {table}")
    return con.execute(f"SELECT * EXCLUDE (snapshot_id) FROM {table} WHERE snapshot_id = ?", [snapshot_id]).df()
